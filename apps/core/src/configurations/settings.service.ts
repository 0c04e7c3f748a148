import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Sql, SqlRunner } from '@wharf/db';
import { defaultSettings, ReadOnlySwitch, StoredSettings, type SystemSettings } from '@wharf/identity';
import type { CoreConfig } from '../config';
import { CORE_CONFIG, SQL } from '../infra/tokens';

/**
 * How long a replica keeps the settings it read. Changes made through this replica apply at once
 * (it drops its copy); other replicas see them within this time. Short enough for an operator
 * switching LDAP on, long enough that logins do not query the table each time.
 */
export const SETTINGS_CACHE_MS = 3_000;

/** Any constant; serialises changes to the settings across replicas. */
export const SETTINGS_LOCK_KEY = 0x77687367; // "whsg"

/** The starting values: the environment where it has a say, Harbor's defaults elsewhere. */
export function coreDefaultSettings(config: CoreConfig): SystemSettings {
  return defaultSettings({ auth_mode: config.authMode, robot_name_prefix: config.robotPrefix, token_expiration: config.token.expirationMinutes });
}

/**
 * The effective system settings: defaults from the environment, overridden by the rows of the
 * `setting` table (key -> JSON value). Reads are cached per process for SETTINGS_CACHE_MS.
 */
@Injectable()
export class SettingsService {
  private readonly logger = new Logger('settings');
  private readonly stored: StoredSettings;
  /** Read on its own and kept for less time than the rest: every replica must stop writing within a second. */
  private readonly readOnlySwitch: ReadOnlySwitch;

  constructor(
    @Inject(SQL) private readonly sql: Sql,
    @Inject(CORE_CONFIG) config: CoreConfig,
  ) {
    this.stored = new StoredSettings(sql, {
      ttlMs: SETTINGS_CACHE_MS,
      defaults: coreDefaultSettings(config),
      onIgnored: (key, problem) => this.logger.warn(`ignored stored setting: key=${key} reason=${JSON.stringify(problem)}`),
    });
    this.readOnlySwitch = new ReadOnlySwitch(sql);
  }

  /** Whether the installation is in read-only mode (READ_ONLY_CACHE_MS old at most); a failed read throws. */
  readOnly(): Promise<boolean> {
    return this.readOnlySwitch.isOn();
  }

  /** The settings now in force (at most SETTINGS_CACHE_MS old). */
  current(): Promise<SystemSettings> {
    return this.stored.current();
  }

  /** Reads the settings from the table, uncached (inside a transaction when given one). */
  read(runner: SqlRunner = this.sql): Promise<SystemSettings> {
    return this.stored.read(runner);
  }

  /** Writes the given keys (validated by the caller) within `tx`. */
  async write(tx: SqlRunner, values: Partial<SystemSettings>): Promise<void> {
    for (const [key, value] of Object.entries(values)) {
      await tx.query(
        `INSERT INTO setting (key, value, updated_at) VALUES ($1, $2::jsonb, now())
         ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
        [key, JSON.stringify(value)],
      );
    }
  }

  /** Drops this replica's copy, after a change committed. */
  invalidate(): void {
    this.stored.forget();
    this.readOnlySwitch.forget();
  }

  /** Runs `fn` in a transaction that holds the settings lock; the cache is dropped after it. */
  async change<T>(fn: (tx: SqlRunner) => Promise<T>): Promise<T> {
    try {
      return await this.sql.transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock($1)', [SETTINGS_LOCK_KEY]);
        return fn(tx);
      });
    } finally {
      this.invalidate();
    }
  }
}
