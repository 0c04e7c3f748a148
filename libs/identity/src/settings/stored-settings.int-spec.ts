import { Sql } from '@wharf/db';
import { createTestDatabase, TestDatabase } from '@wharf/db/testing';
import { Pool } from 'pg';
import { ReadOnlySwitch } from './read-only-switch';
import { StoredSettings } from './stored-settings';
import { defaultSettings } from './system-settings';

describe('StoredSettings (real PostgreSQL)', () => {
  let db: TestDatabase;
  let pool: Pool;
  let sql: Sql;

  beforeAll(async () => {
    db = await createTestDatabase('wharf_stored_settings');
    pool = new Pool({ connectionString: db.url, max: 2 });
    sql = new Sql(pool);
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  const store = (key: string, json: string) =>
    sql.query(`INSERT INTO setting (key, value, updated_at) VALUES ($1, $2::jsonb, now()) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`, [key, json]);

  it('reads JSON values of the table over the defaults, a subset or every item, ignoring rows that do not fit', async () => {
    await store('read_only', 'true');
    await store('ldap_timeout', '"9"');
    await store('session_timeout', '15');
    await store('system_cve_allowlist', '{"items":[]}');
    const ignored: string[] = [];
    const all = await new StoredSettings(sql, { ttlMs: 0, defaults: defaultSettings({ auth_mode: 'ldap_auth' }), onIgnored: (key) => ignored.push(key) }).read();
    expect(all).toEqual({ ...defaultSettings({ auth_mode: 'ldap_auth' }), read_only: true, session_timeout: 15 });
    expect(ignored).toEqual(['ldap_timeout']);
    const some = await new StoredSettings(sql, { ttlMs: 0, keys: ['session_timeout', 'notification_enable'] }).read();
    expect(some).toEqual({ session_timeout: 15, notification_enable: true });
    expect(await new ReadOnlySwitch(sql).isOn()).toBe(true);
  });

  it('reads within the transaction it is given', async () => {
    const stored = new StoredSettings(sql, { ttlMs: 60_000, keys: ['session_timeout'] });
    let inside: number | undefined;
    await expect(
      sql.transaction(async (tx) => {
        await tx.query(`UPDATE setting SET value = '45'::jsonb WHERE key = 'session_timeout'`);
        inside = (await stored.read(tx)).session_timeout;
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect(inside).toBe(45);
    expect((await stored.read()).session_timeout).toBe(15);
  });
});
