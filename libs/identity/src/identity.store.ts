import { createHash, createHmac, randomBytes } from 'node:crypto';
import { Principal, ProjectRef, ProjectRole, RobotPermission, ROLE_STRENGTH, TtlCache, VerifiedPasswords, verifyPassword } from '@wharf/auth';
import type { SqlRunner } from '@wharf/db';
import { DEFAULT_ROBOT_PREFIX, parseRobotName, robotLoginName } from './robot-name';

interface RobotRow {
  id: number;
  level: 'system' | 'project';
  secret_hash: string;
  disabled: boolean;
  expired: boolean;
  permissions: RobotPermission[];
}

export interface UserRow {
  id: number;
  username: string;
  sysadmin: boolean;
  password_hash: string | null;
  auth_source: string;
}

/**
 * Checks a password for a user who is not in the database's own user table (LDAP, later OIDC).
 * Returns the local user row (created or refreshed on the way) when the backend accepts, and
 * undefined for wrong credentials; rejects with AuthBackendUnavailableError when the backend
 * cannot answer (IdentityStore.authenticate passes that on).
 */
export interface ExternalAuthenticator {
  authenticate(username: string, password: string): Promise<UserRow | undefined>;
}

export interface IdentityOptions {
  robotPrefix?: string;
  /** When set, users who are not `db` users (and, in LDAP mode, everyone but admin) go here. */
  external?: ExternalAuthenticator;
  /** The process's remembered password matches; stores of one process share them. */
  passwords?: VerifiedPasswords;
  /**
   * How long a password the external directory accepted is taken without asking it again
   * (default 0: the directory is asked at every login, so its outages and group changes show at
   * once). The directory owns the password, so a change made there applies after this time; the
   * local user row is still read on every login (a deleted user is refused at once).
   */
  externalAcceptanceMs?: number;
}

/**
 * A short fingerprint of a password hash (the same for every user without a local password):
 * it changes exactly when the password does, and tells nothing about the password.
 */
export function passwordStamp(passwordHash: string | null): string {
  return createHash('sha256').update(passwordHash ?? '').digest('base64url').slice(0, 22);
}

/**
 * Who a set of credentials belongs to and what they hold: users (with their project roles,
 * directly or through groups) and robots (with their granted permissions). Shared by core's API
 * guard, the token service and the registry's basic-auth path.
 */
export class IdentityStore {
  private readonly robotPrefix: string;
  protected readonly passwords: VerifiedPasswords;
  /** Logins the external directory accepted: an HMAC of name and password -> the local user id. */
  private readonly externalAccepted: TtlCache<string, number> | undefined;
  private readonly externalKey = randomBytes(32);

  constructor(
    private readonly sql: SqlRunner,
    private readonly options: IdentityOptions = {},
  ) {
    this.robotPrefix = options.robotPrefix ?? DEFAULT_ROBOT_PREFIX;
    this.passwords = options.passwords ?? new VerifiedPasswords();
    if (options.externalAcceptanceMs) this.externalAccepted = new TtlCache(options.externalAcceptanceMs, 10_000);
  }

  /**
   * The principal for basic credentials, or undefined when they are wrong (or disabled/expired).
   * The account's row is read every time, so a changed password or secret, a disabled or deleted
   * account and changed permissions apply to the next request on every process; only the bcrypt
   * check of a password already matched against the same hash is skipped.
   */
  async authenticate(login: string, password: string): Promise<Principal | undefined> {
    if (typeof login !== 'string' || typeof password !== 'string' || login.length === 0 || login.length > 255) return undefined;
    const robot = parseRobotName(login, this.robotPrefix);
    if (robot) {
      const row = await this.robotRow(robot.name, robot.project);
      const valid = await this.passwords.verify(password, row?.secret_hash);
      return row && valid ? this.robotPrincipal(row, robot.name, robot.project) : undefined;
    }
    const user = await this.userRow(login);
    if (user && user.auth_source === 'db' && user.password_hash) {
      return (await this.passwords.verify(password, user.password_hash)) ? this.principalFor(user) : undefined;
    }
    if (this.options.external && (!user || user.auth_source !== 'db')) {
      return this.authenticateExternally(this.options.external, login, password);
    }
    // Unknown user: spend the time a check costs, so the answer does not tell whether it exists.
    await verifyPassword(password, undefined);
    return undefined;
  }

  private async authenticateExternally(external: ExternalAuthenticator, login: string, password: string): Promise<Principal | undefined> {
    const key = createHmac('sha256', this.externalKey).update(login).update('\u0000').update(password).digest('base64');
    const acceptedId = this.externalAccepted?.get(key);
    if (acceptedId !== undefined) {
      const principal = await this.principalForUserId(acceptedId);
      if (principal) return principal;
    }
    const user = await external.authenticate(login, password);
    if (!user) return undefined;
    this.externalAccepted?.set(key, user.id);
    return this.principalFor(user);
  }

  /**
   * Who a login name (a token's subject) is now, without credentials: the user with their current
   * roles, or the robot while enabled and unexpired; undefined for anyone else.
   */
  async principalForName(login: string): Promise<Principal | undefined> {
    if (login.length === 0 || login.length > 255) return undefined;
    const robot = parseRobotName(login, this.robotPrefix);
    if (robot) {
      const row = await this.robotRow(robot.name, robot.project);
      return row ? this.robotPrincipal(row, robot.name, robot.project) : undefined;
    }
    const user = await this.userRow(login);
    return user ? this.principalFor(user) : undefined;
  }

  private userRow(login: string): Promise<UserRow | undefined> {
    return this.sql.one<UserRow>(
      'SELECT id, username, sysadmin, password_hash, auth_source FROM app_user WHERE lower(username) = lower($1)',
      [login],
      'identity_user_by_name',
    );
  }

  private robotRow(name: string, project: string | undefined): Promise<RobotRow | undefined> {
    return this.sql.one<RobotRow>(
      `SELECT r.id, r.level, r.secret_hash, r.disabled, r.permissions,
              (r.expires_at IS NOT NULL AND r.expires_at <= now()) AS expired
         FROM robot r LEFT JOIN project p ON p.id = r.project_id
        WHERE r.name = $1 AND (($2::text IS NULL AND r.project_id IS NULL) OR p.name = $2::text)`,
      [name, project ?? null],
      'identity_robot_by_name',
    );
  }

  /** A robot's principal, or undefined while it is disabled or expired. */
  private robotPrincipal(row: RobotRow, name: string, project: string | undefined): Principal | undefined {
    if (row.disabled || row.expired) return undefined;
    return { kind: 'robot', id: row.id, name: robotLoginName(name, project, this.robotPrefix), level: row.level, permissions: row.permissions };
  }

  /** A user's principal: their system-admin flag and their strongest role in each project. */
  async principalFor(user: Pick<UserRow, 'id' | 'username' | 'sysadmin'>): Promise<Principal> {
    const rows = await this.sql.query<{ project_id: number; role: number }>(
      `SELECT m.project_id, m.role FROM project_member m WHERE m.user_id = $1
       UNION ALL
       SELECT m.project_id, m.role FROM project_member m
         JOIN user_group_member g ON g.group_id = m.group_id
        WHERE g.user_id = $1`,
      [user.id],
      'identity_roles',
    );
    const roles = new Map<number, ProjectRole>();
    for (const { project_id: projectId, role } of rows) {
      const current = roles.get(projectId);
      if (current === undefined || ROLE_STRENGTH.indexOf(role) < ROLE_STRENGTH.indexOf(current)) roles.set(projectId, role);
    }
    return { kind: 'user', id: user.id, username: user.username, sysadmin: user.sysadmin, roles };
  }

  async principalForUserId(id: number): Promise<Principal | undefined> {
    return (await this.userById(id))?.principal;
  }

  /**
   * A user by id as they are now, with the stamp of their password: a login session remembers
   * the stamp and ends when it changes (a new password, an administrator's reset).
   */
  async userById(id: number): Promise<{ principal: Principal; passwordStamp: string } | undefined> {
    const user = await this.sql.one<UserRow>('SELECT id, username, sysadmin, password_hash, auth_source FROM app_user WHERE id = $1', [id], 'identity_user_by_id');
    return user && { principal: await this.principalFor(user), passwordStamp: passwordStamp(user.password_hash) };
  }

  /** The project a repository name belongs to (its first path component), if it exists. */
  async projectOf(repository: string): Promise<ProjectRef | undefined> {
    const slash = repository.indexOf('/');
    if (slash <= 0) return undefined;
    return this.project(repository.slice(0, slash));
  }

  async project(name: string): Promise<ProjectRef | undefined> {
    const row = await this.sql.one<{ id: number; name: string; public: boolean }>(
      'SELECT id, name, public FROM project WHERE name = $1',
      [name],
      'identity_project_by_name',
    );
    return row && { id: row.id, name: row.name, public: row.public };
  }
}
