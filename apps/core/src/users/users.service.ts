import { Inject, Injectable } from '@nestjs/common';
import { Access, hashPassword, passwordProblem, verifyPassword } from '@wharf/auth';
import type { Sql } from '@wharf/db';
import { AuditService } from '../audit/audit.service';
import { requireAuthenticated, requireSysadmin, userIdOf } from '../auth/authorize';
import { LoginFailures } from '../auth/login-failures';
import { isBuiltinAdmin } from '../bootstrap/admin';
import type { CoreConfig } from '../config';
import { SettingsService } from '../configurations/settings.service';
import { badRequest, conflict, forbidden, HarborError, notFound, precondition } from '../http/harbor-error';
import type { Paging } from '../http/paging';
import type { ParsedQuery, SortKey } from '../http/query';
import { isUniqueViolation } from '../infra/pg-errors';
import { CORE_CONFIG, SQL } from '../infra/tokens';
import { OidcUsers } from '../oidc/oidc-users.service';
import type { PasswordReqDto } from './dto/password-req.dto';
import type { UserCreationReqDto } from './dto/user-creation-req.dto';
import type { UserProfileDto } from './dto/user-profile.dto';
import { UserRecord, UserRepository } from './user.repository';
import { profileProblem, usernameProblem } from './user-rules';
import { UserResp, userResp, userSearchItem } from './user-view';

/** Turns a unique-index refusal into the 409 that names what is taken. */
function duplicateUser(err: unknown, username: string, email: string): never {
  if (isUniqueViolation(err, 'app_user_username_key')) throw conflict(`user ${username} already exists`);
  if (isUniqueViolation(err, 'app_user_email_key')) throw conflict(`email ${email} is already in use`);
  throw err;
}

/** Local user accounts: Harbor's /users API. */
@Injectable()
export class UsersService {
  constructor(
    @Inject(SQL) private readonly sql: Sql,
    @Inject(CORE_CONFIG) private readonly config: CoreConfig,
    private readonly users: UserRepository,
    private readonly audit: AuditService,
    private readonly settings: SettingsService,
    private readonly loginFailures: LoginFailures,
    private readonly oidcUsers: OidcUsers,
  ) {}

  async create(access: Access, clientIp: string, req: UserCreationReqDto): Promise<number> {
    requireSysadmin(access);
    // Under LDAP the directory owns the accounts (they appear at first login or by import).
    const { auth_mode: authMode } = await this.settings.current();
    if (authMode !== 'db_auth') throw forbidden(`creating local users is not allowed under auth mode ${authMode}`);
    const problem =
      passwordProblem(req.password) ??
      usernameProblem(req.username, this.config.robotPrefix) ??
      profileProblem({ email: req.email ?? '', realname: req.realname ?? '', comment: req.comment ?? '' });
    if (problem) throw badRequest(problem);
    const passwordHash = await hashPassword(req.password);
    try {
      return await this.sql.transaction(async (tx) => {
        const id = await this.users.insert(tx, {
          username: req.username,
          email: req.email ?? '',
          realname: req.realname ?? '',
          comment: req.comment ?? '',
          passwordHash,
        });
        await this.audit.recordFor(access, clientIp, { projectId: null, operation: 'create', resourceType: 'user', resource: req.username }, tx);
        return id;
      });
    } catch (err) {
      duplicateUser(err, req.username, req.email ?? '');
    }
  }

  async list(access: Access, query: ParsedQuery, fuzzy: { username?: string; email?: string }, sort: SortKey[], paging: Paging): Promise<{ total: number; items: UserResp[] }> {
    requireSysadmin(access);
    const { total, rows } = await this.users.list(query, fuzzy, sort, paging);
    return { total, items: rows.map(userResp) };
  }

  async search(access: Access, username: string | undefined, paging: Paging): Promise<{ total: number; items: { user_id: number; username: string }[] }> {
    requireAuthenticated(access);
    if (!username) throw badRequest('the username parameter is required');
    const { total, rows } = await this.users.list(new Map(), { username }, [], paging);
    return { total, items: rows.map(userSearchItem) };
  }

  async get(access: Access, id: number): Promise<UserResp> {
    requireAuthenticated(access);
    if (!access.isSysadmin && userIdOf(access) !== id) throw forbidden(`not allowed to read user ${id}`);
    return this.withOidcMeta(userResp(await this.existing(id)));
  }

  async current(access: Access): Promise<UserResp> {
    requireAuthenticated(access);
    const id = userIdOf(access);
    if (id === undefined) throw precondition('the current user is not available for robot accounts');
    return this.withOidcMeta(userResp(await this.existing(id)));
  }

  /** Harbor's WithOIDCInfo: an OIDC user's record (and CLI secret) for the user and administrators. */
  private async withOidcMeta(user: UserResp): Promise<UserResp> {
    const meta = await this.oidcUsers.meta(user.user_id);
    return meta ? { ...user, oidc_user_meta: meta } : user;
  }

  async updateProfile(access: Access, clientIp: string, id: number, req: UserProfileDto): Promise<void> {
    const user = await this.modifiable(access, id);
    const profile = { email: req.email ?? user.email ?? '', realname: req.realname ?? user.realname, comment: req.comment ?? user.comment };
    const problem = profileProblem(profile);
    if (problem) throw badRequest(problem);
    try {
      await this.sql.transaction(async (tx) => {
        await this.users.updateProfile(tx, id, profile);
        await this.audit.recordFor(access, clientIp, { projectId: null, operation: 'update', resourceType: 'user', resource: user.username }, tx);
      });
    } catch (err) {
      duplicateUser(err, user.username, profile.email);
    }
  }

  async updatePassword(access: Access, clientIp: string, id: number, req: PasswordReqDto): Promise<void> {
    const user = await this.modifiable(access, id);
    // Users changing their own password prove they know it, administrators included.
    if (userIdOf(access) === id && !(await verifyPassword(req.old_password ?? '', user.password_hash))) {
      throw forbidden('the current password is incorrect');
    }
    const problem = passwordProblem(req.new_password);
    if (problem) throw badRequest(problem);
    if (await verifyPassword(req.new_password, user.password_hash)) throw badRequest('the new password is identical to the old password');
    const hash = await hashPassword(req.new_password);
    await this.sql.transaction(async (tx) => {
      await this.users.updatePassword(tx, id, hash);
      const description = `update user with name: ${user.username}, change user password`;
      await this.audit.recordFor(access, clientIp, { projectId: null, operation: 'update', resourceType: 'user', resource: user.username, description }, tx);
    });
    // A reset is also how an administrator lets a locked-out user back in.
    await this.loginFailures.forget(user.username);
  }

  /**
   * DELETE /users/{id}/login-failures (not Harbor's: it has no login throttle to clear): forgets
   * the user's failed logins, unlocking them from every address but those locked for guessing
   * many users.
   */
  async clearLoginFailures(access: Access, clientIp: string, id: number): Promise<void> {
    requireSysadmin(access);
    const user = await this.existing(id);
    await this.loginFailures.clear(user.username);
    await this.audit.recordFor(access, clientIp, { projectId: null, operation: 'update', resourceType: 'user', resource: user.username });
  }

  async setSysadmin(access: Access, clientIp: string, id: number, sysadmin: boolean): Promise<void> {
    requireSysadmin(access);
    const user = await this.existing(id);
    if (isBuiltinAdmin(user.username) && !sysadmin) throw forbidden(`user ${user.username} must stay a system administrator`);
    if (user.sysadmin === sysadmin) return;
    await this.sql.transaction(async (tx) => {
      await this.users.setSysadmin(tx, id, sysadmin);
      const description = `update user with name: ${user.username}, add/remove user as system administrator`;
      await this.audit.recordFor(access, clientIp, { projectId: null, operation: 'update', resourceType: 'user', resource: user.username, description }, tx);
    });
  }

  async delete(access: Access, clientIp: string, id: number): Promise<void> {
    requireSysadmin(access);
    if (userIdOf(access) === id) throw forbidden('users cannot delete themselves');
    const user = await this.existing(id);
    if (isBuiltinAdmin(user.username)) throw forbidden(`user ${user.username} cannot be deleted`);
    await this.sql.transaction(async (tx) => {
      if (!(await this.users.delete(tx, id))) throw notFound(`user ${id} not found`);
      await this.audit.recordFor(access, clientIp, { projectId: null, operation: 'delete', resourceType: 'user', resource: user.username }, tx);
    });
  }

  private async existing(id: number): Promise<UserRecord> {
    const user = await this.users.byId(id);
    if (!user) throw notFound(`user ${id} not found`);
    return user;
  }

  /**
   * Who may change a user: system administrators anyone, users themselves. Accounts that live
   * in another directory (LDAP) are changed there, not here.
   */
  private async modifiable(access: Access, id: number): Promise<UserRecord> {
    requireAuthenticated(access);
    if (!access.isSysadmin && userIdOf(access) !== id) throw forbidden(`not allowed to update user ${id}`);
    const user = await this.existing(id);
    if (user.auth_source !== 'db') throw new HarborError('FORBIDDEN', `user ${user.username} is managed by ${user.auth_source}; change it there`);
    return user;
  }
}
