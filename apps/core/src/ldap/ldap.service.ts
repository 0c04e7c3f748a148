import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Access } from '@wharf/auth';
import type { Sql } from '@wharf/db';
import { AuthBackendUnavailableError, LdapSettings, ldapSettingsOf, ldapSettingsProblem, normalizeLdapUrl, type SystemSettings } from '@wharf/identity';
import { AuditService } from '../audit/audit.service';
import { requireSysadmin } from '../auth/authorize';
import { SettingsService } from '../configurations/settings.service';
import { badRequest, HarborError } from '../http/harbor-error';
import { isUniqueViolation } from '../infra/pg-errors';
import { SQL } from '../infra/tokens';
import type { LdapConfDto } from './dto/ldap-conf.dto';
import { DirectoryUser, InvalidDnError, LdapDirectory } from './ldap-directory';

/** Harbor's LdapPingResult. */
export interface LdapPingResult {
  success: boolean;
  message: string;
}

/** Harbor's LdapUser. */
export interface LdapUserView {
  username: string;
  realname: string;
  email: string;
}

/** Harbor's LdapFailedImportUser, with Harbor's error strings. */
export interface LdapFailedImportUser {
  uid: string;
  error: string;
}

/** Harbor's UserGroup as the group search returns it (groups found in the directory). */
export interface LdapGroupView {
  group_name: string;
  group_type: 1;
  ldap_group_dn: string;
}

/** The outage answer for the LDAP API, the same as a login's. */
function unavailable(err: AuthBackendUnavailableError): HarborError {
  return new HarborError('SERVICE_UNAVAILABLE', `the ldap server cannot be used: ${err.message}`);
}

/**
 * Harbor's /ldap API for system administrators: test settings, find users and import them as
 * local LDAP users, find groups. Reads the directory with the stored settings (ping also with
 * given ones).
 */
@Injectable()
export class LdapService {
  private readonly logger = new Logger('ldap');

  constructor(
    @Inject(SQL) private readonly sql: Sql,
    private readonly settings: SettingsService,
    private readonly audit: AuditService,
  ) {}

  async ping(access: Access, given: LdapConfDto | undefined): Promise<LdapPingResult> {
    requireSysadmin(access);
    const stored = await this.settings.current();
    const ldap = given && Object.values(given).some((v) => v !== undefined) ? this.givenSettings(given, stored) : ldapSettingsOf(stored);
    const problem = ldapSettingsProblem(ldap);
    if (problem) throw badRequest(`invalid LDAP settings: ${problem}`);
    try {
      await new LdapDirectory(ldap).ping();
    } catch (err) {
      if (!(err instanceof AuthBackendUnavailableError)) throw err;
      this.logger.log(`failed to ping the ldap server: url=${normalizeLdapUrl(ldap.ldap_url)} reason=${JSON.stringify(err.message)}`);
      return { success: false, message: `error: ${err.message}` };
    }
    return { success: true, message: `connected to ${normalizeLdapUrl(ldap.ldap_url)} and found ${ldap.ldap_base_dn}` };
  }

  async searchUsers(access: Access, username: string | undefined): Promise<LdapUserView[]> {
    requireSysadmin(access);
    const directory = await this.directory();
    const users = await this.reading(() => directory.searchUsers(username?.trim() ?? ''));
    return users.map((u) => ({ username: u.username, realname: u.realname, email: u.email }));
  }

  /** Creates local LDAP users for the uids the directory knows; returns those it could not import. */
  async importUsers(access: Access, clientIp: string, uids: readonly string[]): Promise<LdapFailedImportUser[]> {
    requireSysadmin(access);
    const directory = await this.directory();
    const failed: LdapFailedImportUser[] = [];
    for (const uid of uids) {
      if (uid.trim() === '') {
        failed.push({ uid, error: 'empty_uid' });
        continue;
      }
      const user = await this.reading(() => directory.findUser(uid));
      if (!user) {
        failed.push({ uid, error: 'unknown_user' });
        continue;
      }
      if (!(await this.onboard(access, clientIp, user))) failed.push({ uid, error: `failed to import user: ${uid}` });
    }
    return failed;
  }

  async searchGroups(access: Access, groupName: string | undefined, groupDn: string | undefined): Promise<LdapGroupView[]> {
    requireSysadmin(access);
    if (!groupName && !groupDn) throw badRequest('groupname or groupdn is required');
    const directory = await this.directory();
    const groups = await this.reading(async () => {
      if (groupName) return directory.searchGroupsByName(groupName);
      const one = await directory.groupByDn(groupDn ?? '');
      return one ? [one] : [];
    });
    return groups.map((g) => ({ group_name: g.name, group_type: 1, ldap_group_dn: g.dn }));
  }

  /**
   * The local group row for an LDAP group DN that has none yet, made from the directory (in LDAP
   * mode, for a DN the directory holds as a group; undefined otherwise). Harbor does the same when
   * a group becomes a project member before any of its users has logged in.
   */
  async onboardGroup(dn: string, name: string | undefined): Promise<{ id: number; group_name: string } | undefined> {
    if ((await this.settings.current()).auth_mode !== 'ldap_auth') return undefined;
    const directory = await this.directory();
    const group = await this.reading(() => directory.groupByDn(dn));
    if (!group) return undefined;
    return this.sql.one<{ id: number; group_name: string }>(
      `INSERT INTO user_group (group_name, group_type, ldap_dn) VALUES ($1, 1, $2)
       ON CONFLICT ((lower(ldap_dn))) WHERE ldap_dn IS NOT NULL DO UPDATE SET updated_at = now()
       RETURNING id, group_name`,
      [name?.trim() || group.name, group.dn],
    );
  }

  /** The directory of the stored settings; 400 while they cannot work. */
  async directory(): Promise<LdapDirectory> {
    const ldap = ldapSettingsOf(await this.settings.current());
    const problem = ldapSettingsProblem(ldap);
    if (problem) throw badRequest(`LDAP is not configured: ${problem}`);
    return new LdapDirectory(ldap);
  }

  /** Runs a directory read, answering an outage with 503 and a malformed DN with 400. */
  async reading<T>(read: () => Promise<T>): Promise<T> {
    try {
      return await read();
    } catch (err) {
      if (err instanceof InvalidDnError) throw badRequest(err.message);
      if (err instanceof AuthBackendUnavailableError) throw unavailable(err);
      throw err;
    }
  }

  /**
   * Given settings are tested as given (Harbor does the same). The stored search password stands
   * in for an empty one only towards the stored server and account, so that it is never sent
   * to a server that an API caller names.
   */
  private givenSettings(given: LdapConfDto, stored: SystemSettings): LdapSettings {
    const settings: LdapSettings = {
      ldap_url: given.ldap_url ?? '',
      ldap_search_dn: given.ldap_search_dn ?? '',
      ldap_search_password: given.ldap_search_password ?? '',
      ldap_base_dn: given.ldap_base_dn ?? '',
      ldap_filter: given.ldap_filter ?? '',
      ldap_uid: given.ldap_uid ?? stored.ldap_uid,
      ldap_scope: (given.ldap_scope ?? stored.ldap_scope) as 0 | 1 | 2,
      ldap_timeout: given.ldap_connection_timeout ?? stored.ldap_timeout,
      ldap_verify_cert: given.ldap_verify_cert ?? stored.ldap_verify_cert,
    };
    const sameServer =
      stored.ldap_url !== '' &&
      settings.ldap_url.trim() !== '' &&
      normalizeLdapUrl(settings.ldap_url) === normalizeLdapUrl(stored.ldap_url) &&
      (settings.ldap_search_dn ?? '').trim().toLowerCase() === stored.ldap_search_dn.trim().toLowerCase();
    if (settings.ldap_search_password === '' && sameServer) settings.ldap_search_password = stored.ldap_search_password;
    return settings;
  }

  /** True when the user now exists as an LDAP user (created here or before). */
  private async onboard(access: Access, clientIp: string, user: DirectoryUser): Promise<boolean> {
    try {
      return await this.sql.transaction(async (tx) => {
        // Another account's e-mail address is not copied (it is unique); the user gets none.
        const created = await tx.one<{ id: number }>(
          `INSERT INTO app_user (username, email, realname, auth_source, external_dn)
           VALUES ($1, CASE WHEN $2 = '' OR EXISTS (SELECT 1 FROM app_user WHERE lower(email) = lower($2)) THEN NULL ELSE $2 END, $3, 'ldap', $4)
           ON CONFLICT ((lower(username))) DO NOTHING RETURNING id`,
          [user.username, user.email, user.realname, user.dn],
        );
        if (created) {
          await this.audit.recordFor(access, clientIp, { projectId: null, operation: 'create', resourceType: 'user', resource: user.username }, tx);
          return true;
        }
        // Already there: fine when it is the same directory user, a refusal when a local account holds the name.
        const existing = await tx.one<{ auth_source: string }>('SELECT auth_source FROM app_user WHERE lower(username) = lower($1)', [user.username]);
        return existing?.auth_source === 'ldap';
      });
    } catch (err) {
      // Two imports of one address at once: the unique index decides, the loser is reported.
      if (isUniqueViolation(err)) return false;
      throw err;
    }
  }
}
