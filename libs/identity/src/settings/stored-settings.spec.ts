import type { SqlRunner } from '@wharf/db/plain';
import { auditLogSettingsOf, AuditLogSettingsSource } from './audit-log-settings';
import { ReadOnlySwitch } from './read-only-switch';
import { settingsOfRows, StoredSettings } from './stored-settings';
import { defaultSettings, PUBLIC_SETTING_KEYS, SETTING_KEYS, SETTING_SPECS, type SettingKey } from './system-settings';

type Row = { key: string; value: unknown };

/** A `setting` table in memory: counts reads, answers the keys asked for, fails on demand. */
function table(initial: Row[] = []) {
  const state = { rows: initial, reads: 0, failing: false as false | Error, asked: [] as (string[] | undefined)[] };
  const runner: SqlRunner = {
    query: async <T>(text: string, values?: unknown[]) => {
      state.reads++;
      if (state.failing) throw state.failing;
      const keys = values?.[0] as string[] | undefined;
      state.asked.push(keys);
      expect(text).toMatch(/FROM setting/);
      return state.rows.filter((row) => !keys || keys.includes(row.key)) as T[];
    },
    one: async () => {
      throw new Error('not used');
    },
  };
  return { state, runner };
}

describe('settingsOfRows', () => {
  const defaults = defaultSettings({ auth_mode: 'ldap_auth', robot_name_prefix: 'bot+', token_expiration: 45 });

  it('starts from Harbor\'s defaults and the values the environment gives', () => {
    expect(settingsOfRows([], defaults)).toMatchObject({ auth_mode: 'ldap_auth', robot_name_prefix: 'bot+', token_expiration: 45, notification_enable: true, read_only: false, storage_per_project: -1, ldap_uid: 'cn' });
    expect(defaultSettings()).toMatchObject({ auth_mode: 'db_auth', robot_name_prefix: 'robot$', token_expiration: 30 });
  });

  it('takes stored values that fit their item', () => {
    const rows = [
      { key: 'read_only', value: true },
      { key: 'ldap_timeout', value: 9 },
      { key: 'webhook_allowed_networks', value: '10.0.0.0/8' },
      { key: 'audit_log_forward_endpoint', value: 'syslog.example.com:514' },
    ];
    expect(settingsOfRows(rows, defaults)).toMatchObject({ read_only: true, ldap_timeout: 9, webhook_allowed_networks: '10.0.0.0/8', audit_log_forward_endpoint: 'syslog.example.com:514' });
  });

  it.each<[string, unknown]>([
    ['read_only', 'true'],
    ['read_only', 1],
    ['notification_enable', null],
    ['ldap_timeout', 1.5],
    ['ldap_timeout', 0],
    ['ldap_scope', 7],
    ['auth_mode', 'kerberos'],
    ['storage_per_project', 0],
    ['token_expiration', '60'],
    ['webhook_allowed_networks', 'not a network'],
    ['disabled_audit_log_event_types', 'create_artifact,no_such_event'],
    ['audit_log_forward_endpoint', 'http://'],
    ['banner_message', '{"message":'],
    ['oidc_group_filter', '('],
    ['oidc_extra_redirect_parms', '[1]'],
  ])('ignores a stored %s of %p and keeps the default, saying why', (key, value) => {
    const ignored: [string, string][] = [];
    const settings = settingsOfRows([{ key, value }], defaults, (k, problem) => ignored.push([k, problem]));
    expect(settings[key as SettingKey]).toEqual(defaults[key as SettingKey]);
    expect(ignored).toHaveLength(1);
    expect(ignored[0][0]).toBe(key);
    expect(ignored[0][1]).toContain(key);
  });

  it('skips rows of other items (the CVE allowlist, bookkeeping) without a word', () => {
    const ignored: string[] = [];
    const settings = settingsOfRows([{ key: 'system_cve_allowlist', value: { items: [] } }, { key: 'constructor', value: 1 }], defaults, (k) => ignored.push(k));
    expect(settings).toEqual(defaults);
    expect(ignored).toEqual([]);
  });

  it('fills only the items it was asked for', () => {
    const settings = settingsOfRows([{ key: 'read_only', value: true }, { key: 'notification_enable', value: false }], { read_only: false });
    expect(settings).toEqual({ read_only: true });
  });
});

describe('secrets', () => {
  it('are marked, and left out of what the API may show', () => {
    const secrets = SETTING_KEYS.filter((key) => SETTING_SPECS[key].secret);
    expect(secrets.sort()).toEqual(['ldap_search_password', 'oidc_client_secret']);
    for (const key of secrets) expect(PUBLIC_SETTING_KEYS).not.toContain(key);
    expect(PUBLIC_SETTING_KEYS).toHaveLength(SETTING_KEYS.length - secrets.length);
  });

  it('are never part of the reason a stored row is ignored', () => {
    const secret = 'S3cr3t-'.repeat(400);
    const said: string[] = [];
    settingsOfRows(
      [
        { key: 'oidc_client_secret', value: secret },
        { key: 'ldap_search_password', value: secret },
      ],
      defaultSettings(),
      (key, problem) => said.push(`${key} ${problem}`),
    );
    expect(said).toHaveLength(2);
    for (const line of said) expect(line).not.toContain('S3cr3t');
  });
});

describe('StoredSettings', () => {
  it('reads only the rows of its items, and keeps a reading for its time on the given clock', async () => {
    const { state, runner } = table([{ key: 'notification_enable', value: false }]);
    let now = 5_000;
    const stored = new StoredSettings(runner, { keys: ['notification_enable', 'webhook_allowed_networks'], ttlMs: 2_000, now: () => now });
    expect(await stored.current()).toEqual({ notification_enable: false, webhook_allowed_networks: defaultSettings().webhook_allowed_networks });
    expect(state.asked).toEqual([['notification_enable', 'webhook_allowed_networks']]);
    state.rows = [{ key: 'notification_enable', value: true }];
    now += 1_999;
    expect((await stored.current()).notification_enable).toBe(false);
    expect(state.reads).toBe(1);
    now += 1;
    expect((await stored.current()).notification_enable).toBe(true);
    expect(state.reads).toBe(2);
  });

  it('reads at once after forget(), and read() never uses the cache', async () => {
    const { state, runner } = table([{ key: 'session_timeout', value: 15 }]);
    const stored = new StoredSettings(runner, { ttlMs: 60_000, now: () => 0 });
    expect((await stored.current()).session_timeout).toBe(15);
    state.rows = [{ key: 'session_timeout', value: 20 }];
    expect((await stored.current()).session_timeout).toBe(15);
    expect((await stored.read()).session_timeout).toBe(20);
    stored.forget();
    expect((await stored.current()).session_timeout).toBe(20);
    expect(state.asked).toEqual([undefined, undefined, undefined]);
  });

  it('rejects when the table cannot be read, reports it once, and does not remember the failure', async () => {
    const { state, runner } = table([{ key: 'read_only', value: true }]);
    const errors: unknown[] = [];
    const stored = new StoredSettings(runner, { keys: ['read_only'], ttlMs: 60_000, onError: (err) => errors.push(err), now: () => 0 });
    state.failing = new Error('database away');
    await expect(Promise.all([stored.current(), stored.current()])).rejects.toThrow('database away');
    expect(errors).toHaveLength(1);
    state.failing = false;
    expect(await stored.current()).toEqual({ read_only: true });
  });
});

describe('ReadOnlySwitch', () => {
  it('is on only for a stored JSON true, and a failed read is an error, never "off"', async () => {
    const { state, runner } = table();
    let now = 0;
    const readOnly = new ReadOnlySwitch(runner, { now: () => now });
    expect(await readOnly.isOn()).toBe(false);
    state.rows = [{ key: 'read_only', value: 'true' }];
    expect(await readOnly.fresh()).toBe(false);
    state.rows = [{ key: 'read_only', value: true }];
    expect(await readOnly.isOn()).toBe(false);
    now += 1_000;
    expect(await readOnly.isOn()).toBe(true);
    state.failing = new Error('database away');
    now += 1_000;
    await expect(readOnly.isOn()).rejects.toThrow('database away');
    expect(state.asked.every((keys) => JSON.stringify(keys) === '["read_only"]')).toBe(true);
  });
});

describe('audit log settings', () => {
  it('skip the database only with an endpoint to forward to', () => {
    const base = { skip_audit_log_database: true, disabled_audit_log_event_types: ' Create_Artifact , ,pull_artifact', audit_log_forward_endpoint: '' };
    expect(auditLogSettingsOf(base)).toEqual({ skipDatabase: false, disabledEventTypes: new Set(['create_artifact', 'pull_artifact']), forwardEndpoint: '' });
    expect(auditLogSettingsOf({ ...base, audit_log_forward_endpoint: ' syslog:514 ' })).toMatchObject({ skipDatabase: true, forwardEndpoint: 'syslog:514' });
  });

  it('are read from the table through the same reader', async () => {
    const { runner } = table([
      { key: 'skip_audit_log_database', value: true },
      { key: 'audit_log_forward_endpoint', value: 'syslog.example.com:514' },
      { key: 'disabled_audit_log_event_types', value: 42 },
    ]);
    const source = new AuditLogSettingsSource(runner, { now: () => 0 });
    expect(await source.current()).toEqual({ skipDatabase: true, disabledEventTypes: new Set(), forwardEndpoint: 'syslog.example.com:514' });
  });
});
