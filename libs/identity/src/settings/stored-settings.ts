import { RecentRead, type SqlRunner } from '@wharf/db/plain';
import { defaultSettings, isSettingKey, SETTING_KEYS, SettingKey, settingValueProblem, SystemSettings } from './system-settings';

/** A row of the `setting` table: a configuration item's name and its JSON value. */
export interface SettingRow {
  key: string;
  value: unknown;
}

/** Told of a stored row that is ignored: the key and why, never the value (it may be a secret). */
export type IgnoredSetting = (key: SettingKey, problem: string) => void;

/**
 * The settings that `rows` make of `defaults`: each row of a known item whose value has the item's
 * type and passes its check replaces the default. Other rows (items this version does not know,
 * values written by hand or by an older version that do not fit) are skipped, not fatal: the item
 * keeps its default, as the API shows it.
 */
export function settingsOfRows<K extends SettingKey>(rows: readonly SettingRow[], defaults: Pick<SystemSettings, K>, onIgnored?: IgnoredSetting): Pick<SystemSettings, K> {
  const settings = { ...defaults };
  for (const { key, value } of rows) {
    if (!isSettingKey(key) || !Object.prototype.hasOwnProperty.call(defaults, key)) continue;
    const problem = settingValueProblem(key, value);
    if (problem) {
      onIgnored?.(key, problem);
      continue;
    }
    (settings as Record<string, unknown>)[key] = value;
  }
  return settings;
}

export interface StoredSettingsOptions<K extends SettingKey> {
  /** How long a reading is used: how soon a change made by another process is seen here. */
  ttlMs: number;
  /** The items this reader needs (only their rows are read); every item when absent. */
  keys?: readonly K[];
  /** The values of items the environment decides; Harbor's defaults for the rest. */
  defaults?: SystemSettings;
  onIgnored?: IgnoredSetting;
  /** Hears of each failed read once; the read's promise still rejects. */
  onError?: (err: unknown) => void;
  /** Milliseconds, for the cache; Date.now when absent. */
  now?: () => number;
}

/**
 * The configuration items as one process sees them: the `setting` table over the defaults, read
 * at most `ttlMs` ago (one read in flight at a time). A failed read rejects the callers that
 * waited for it and is not remembered: what a failure means (an error, "off", the last value) is
 * the caller's decision, never a silent default.
 */
export class StoredSettings<K extends SettingKey = SettingKey> {
  private readonly keys: readonly K[] | undefined;
  private readonly defaults: Pick<SystemSettings, K>;
  private readonly onIgnored: IgnoredSetting | undefined;
  private readonly recent: RecentRead<Pick<SystemSettings, K>>;

  constructor(
    private readonly sql: SqlRunner,
    options: StoredSettingsOptions<K>,
  ) {
    this.keys = options.keys;
    const all = options.defaults ?? defaultSettings();
    const keys = options.keys ?? (SETTING_KEYS as K[]);
    this.defaults = Object.fromEntries(keys.map((key) => [key, all[key]])) as Pick<SystemSettings, K>;
    this.onIgnored = options.onIgnored;
    this.recent = new RecentRead(options.ttlMs, () => this.read(), options.onError, options.now);
  }

  /** The settings in force, read at most the cache time ago. */
  current(): Promise<Pick<SystemSettings, K>> {
    return this.recent.get();
  }

  /** The settings as stored now, uncached (within a transaction when given one). */
  async read(runner: SqlRunner = this.sql): Promise<Pick<SystemSettings, K>> {
    const rows = this.keys
      ? await runner.query<SettingRow>('SELECT key, value FROM setting WHERE key = ANY($1::text[])', [this.keys], 'setting_items')
      : await runner.query<SettingRow>('SELECT key, value FROM setting', [], 'setting_all');
    return settingsOfRows(rows, this.defaults, this.onIgnored);
  }

  /** The next current() reads the table (after a change made through this process). */
  forget(): void {
    this.recent.forget();
  }
}
