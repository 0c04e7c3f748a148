import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Access } from '@wharf/auth';
import { AuditTrail, type Sql, type SqlRunner } from '@wharf/db';
import { parseSyslogEndpoint, syslogEndpointProblem } from '@wharf/outage';
import { AuditService } from '../audit/audit.service';
import { actorName, requireSysadmin } from '../auth/authorize';
import { ADMIN_USERNAME } from '../bootstrap/admin';
import { badRequest, HarborError } from '../http/harbor-error';
import { SQL } from '../infra/tokens';
import { settingsChange } from './settings-change';
import { SettingsService } from './settings.service';
import { PUBLIC_SETTING_KEYS, SETTING_SPECS, type SystemSettings } from '@wharf/identity';

/** Harbor's ConfigurationsResponse: every item with its value and whether it may be changed. */
export type ConfigurationsResponse = Record<string, { value: string | number | boolean; editable: boolean }>;

/** Harbor's rule: the auth mode is chosen before anyone but admin has an account. */
async function otherUsersExist(runner: SqlRunner): Promise<boolean> {
  const row = await runner.one<{ found: boolean }>('SELECT EXISTS (SELECT 1 FROM app_user WHERE lower(username) <> $1) AS found', [ADMIN_USERNAME]);
  return row?.found ?? false;
}

/** Harbor checks a TCP forward endpoint by connecting to it before it takes the value. */
async function requireReachable(endpoint: string): Promise<void> {
  const target = parseSyslogEndpoint(endpoint);
  if (typeof target === 'string') throw badRequest(target);
  const problem = await syslogEndpointProblem(target, 3_000);
  if (problem) throw badRequest(`could not connect to the audit endpoint: ${endpoint} (${problem})`);
}

/** Harbor's /configurations: the system settings for system administrators. */
@Injectable()
export class ConfigurationsService {
  private readonly logger = new Logger('settings');

  constructor(
    @Inject(SQL) private readonly sql: Sql,
    private readonly settings: SettingsService,
    private readonly audit: AuditService,
    private readonly auditTrail: AuditTrail,
  ) {}

  async get(access: Access): Promise<ConfigurationsResponse> {
    requireSysadmin(access);
    // Fresh from the table: an administrator checking a change must not see an older copy.
    const settings = await this.settings.read();
    const authModeEditable = !(await otherUsersExist(this.sql));
    const response: ConfigurationsResponse = {};
    for (const key of PUBLIC_SETTING_KEYS) {
      response[key] = { value: settings[key], editable: key === 'auth_mode' ? authModeEditable : SETTING_SPECS[key].editable };
    }
    return response;
  }

  /**
   * Changes the items the body names. As Harbor, the change is in the extended audit log
   * (update_configuration), a refused one too, with its result.
   */
  async update(access: Access, clientIp: string | undefined, body: unknown): Promise<void> {
    requireSysadmin(access);
    const entry = { projectId: null, operation: 'update', resourceType: 'configuration', resource: 'configuration' } as const;
    let changed: (keyof SystemSettings)[];
    try {
      changed = await this.settings.change(async (tx) => {
        const current = await this.settings.read(tx);
        const change = settingsChange(body, current);
        if (change.auth_mode !== undefined && (await otherUsersExist(tx))) {
          throw badRequest('the auth mode cannot be modified as new users have been inserted into database');
        }
        if (change.audit_log_forward_endpoint) await requireReachable(change.audit_log_forward_endpoint);
        await this.settings.write(tx, change);
        await this.audit.recordFor(access, clientIp, entry, tx);
        return Object.keys(change) as (keyof SystemSettings)[];
      });
    } catch (err) {
      // A refusal (4xx) is on record; failing to record it must not hide why it was refused.
      if (err instanceof HarborError && err.getStatus() < 500) {
        await this.audit.record({ ...entry, username: actorName(access), clientIp, success: false }).catch((e: unknown) => this.logger.warn(`failed to record a refused configuration update: ${(e as Error).message}`));
      }
      throw err;
    } finally {
      this.auditTrail.forgetSettings();
    }
    // Names only: values may be secrets.
    if (changed.length > 0) this.logger.log(`updated configurations: keys=${JSON.stringify(changed)}`);
  }
}
