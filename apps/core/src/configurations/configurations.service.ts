import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Access } from '@wharf/auth';
import type { Sql, SqlRunner } from '@wharf/db';
import { requireSysadmin } from '../auth/authorize';
import { ADMIN_USERNAME } from '../bootstrap/admin';
import { badRequest } from '../http/harbor-error';
import { SQL } from '../infra/tokens';
import { settingsChange } from './settings-change';
import { SettingsService } from './settings.service';
import { SETTING_KEYS, SETTING_SPECS, SystemSettings } from './system-settings';

/** Harbor's ConfigurationsResponse: every item with its value and whether it may be changed. */
export type ConfigurationsResponse = Record<string, { value: string | number | boolean; editable: boolean }>;

/** Harbor's rule: the auth mode is chosen before anyone but admin has an account. */
async function otherUsersExist(runner: SqlRunner): Promise<boolean> {
  const row = await runner.one<{ found: boolean }>('SELECT EXISTS (SELECT 1 FROM app_user WHERE lower(username) <> $1) AS found', [ADMIN_USERNAME]);
  return row?.found ?? false;
}

/** Harbor's /configurations: the system settings for system administrators. */
@Injectable()
export class ConfigurationsService {
  private readonly logger = new Logger('settings');

  constructor(
    @Inject(SQL) private readonly sql: Sql,
    private readonly settings: SettingsService,
  ) {}

  async get(access: Access): Promise<ConfigurationsResponse> {
    requireSysadmin(access);
    // Fresh from the table: an administrator checking a change must not see an older copy.
    const settings = await this.settings.read();
    const authModeEditable = !(await otherUsersExist(this.sql));
    const response: ConfigurationsResponse = {};
    for (const key of SETTING_KEYS) {
      const spec = SETTING_SPECS[key];
      if (spec.secret) continue;
      response[key] = { value: settings[key], editable: key === 'auth_mode' ? authModeEditable : spec.editable };
    }
    return response;
  }

  async update(access: Access, body: unknown): Promise<void> {
    requireSysadmin(access);
    const changed = await this.settings.change(async (tx) => {
      const current = await this.settings.read(tx);
      const change = settingsChange(body, current);
      if (change.auth_mode !== undefined && (await otherUsersExist(tx))) {
        throw badRequest('the auth mode cannot be modified as new users have been inserted into database');
      }
      await this.settings.write(tx, change);
      return Object.keys(change) as (keyof SystemSettings)[];
    });
    // Names only: values may be secrets.
    if (changed.length > 0) this.logger.log(`updated configurations: keys=${JSON.stringify(changed)}`);
  }
}
