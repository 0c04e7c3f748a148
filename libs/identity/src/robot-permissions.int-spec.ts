import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Access, hashPassword, RobotPermission } from '@wharf/auth';
import { ensureDatabase, findMigrationsDir, runMigrations, Sql } from '@wharf/db';
import { createTestDatabase, TEST_PG_BASE, TestDatabase } from '@wharf/db/testing';
import { Client, Pool } from 'pg';
import { IdentityStore } from './identity.store';
import { bindRobotPermissions, removeProjectFromRobots, withoutProjectIds } from './robot-permissions';

const pull = (namespace: string): RobotPermission => ({ kind: 'project', namespace, access: [{ resource: 'repository', action: 'pull' }] });

describe('robot permissions bound to project ids (real PostgreSQL)', () => {
  let db: TestDatabase;
  let pool: Pool;
  let sql: Sql;

  beforeAll(async () => {
    db = await createTestDatabase('wharf_robot_perms');
    pool = new Pool({ connectionString: db.url, max: 4 });
    sql = new Sql(pool);
  });
  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  const project = async (name: string, isPublic = false) =>
    (await sql.one<{ id: number }>('INSERT INTO project (name, public) VALUES ($1, $2) RETURNING id', [name, isPublic]))?.id as number;

  it('binds named projects to their ids, leaves * and system permissions alone and reports missing names', async () => {
    const team = await project('bind-team');
    const system: RobotPermission = { kind: 'system', namespace: '/', access: [{ resource: 'user', action: 'list' }] };
    const { permissions, missing } = await bindRobotPermissions(sql, [pull('bind-team'), pull('*'), system, pull('bind-nowhere')]);
    expect(permissions).toEqual([{ ...pull('bind-team'), project_id: team }, pull('*'), system, pull('bind-nowhere')]);
    expect(missing).toEqual(['bind-nowhere']);
    // Binding again rebinds to the project of that name now; the API shape has no ids.
    const rebound = await bindRobotPermissions(sql, [{ ...pull('bind-team'), project_id: 999_999 }]);
    expect(rebound.permissions).toEqual([{ ...pull('bind-team'), project_id: team }]);
    expect(withoutProjectIds(rebound.permissions)).toEqual([pull('bind-team')]);
  });

  it('an old system robot does not reach a project deleted and created again under the same name', async () => {
    const first = await project('reborn');
    const { permissions } = await bindRobotPermissions(sql, [pull('reborn')]);
    await sql.query(`INSERT INTO robot (name, level, secret_hash, permissions) VALUES ('reborn-bot', 'system', $1, $2::jsonb)`, [
      await hashPassword('Reborn-Secret-1'),
      JSON.stringify(permissions),
    ]);
    const store = new IdentityStore(sql);
    const before = await store.authenticate('robot$reborn-bot', 'Reborn-Secret-1');
    expect(new Access(before ?? { kind: 'anonymous' }).can({ id: first, name: 'reborn', public: false }, 'repository', 'pull')).toBe(true);

    // Deleted the way core deletes a project (the robot's grant goes in the same transaction)...
    await sql.transaction(async (tx) => {
      await tx.query('DELETE FROM project WHERE id = $1', [first]);
      await removeProjectFromRobots(tx, first);
    });
    expect((await sql.one<{ permissions: RobotPermission[] }>("SELECT permissions FROM robot WHERE name = 'reborn-bot'"))?.permissions).toEqual([]);
    // ... and even a grant left behind names the old id, not the new project.
    const second = await project('reborn');
    const stale = { kind: 'robot' as const, id: 0, name: 'robot$reborn-bot', level: 'system' as const, permissions };
    expect(new Access(stale).can({ id: second, name: 'reborn', public: false }, 'repository', 'pull')).toBe(false);
    const after = await store.authenticate('robot$reborn-bot', 'Reborn-Secret-1');
    expect(new Access(after ?? { kind: 'anonymous' }).can({ id: second, name: 'reborn', public: false }, 'repository', 'pull')).toBe(false);
  });

  it('removing a project keeps the other grants of a robot in their order', async () => {
    const a = await project('keep-a');
    const b = await project('keep-b');
    const { permissions } = await bindRobotPermissions(sql, [pull('keep-a'), pull('*'), pull('keep-b')]);
    await sql.query(`INSERT INTO robot (name, level, secret_hash, permissions) VALUES ('keeper', 'system', 'x', $1::jsonb)`, [JSON.stringify(permissions)]);
    await removeProjectFromRobots(sql, a);
    const left = (await sql.one<{ permissions: RobotPermission[] }>("SELECT permissions FROM robot WHERE name = 'keeper'"))?.permissions;
    expect(left).toEqual([pull('*'), { ...pull('keep-b'), project_id: b }]);
  });

  describe('migration 0013 on rows written before it', () => {
    let oldDb: string;
    let oldUrl: string;
    let client: Client;

    beforeAll(async () => {
      oldDb = `wharf_robot_mig_${Date.now().toString(36)}_${process.pid}`;
      oldUrl = `${TEST_PG_BASE}/${oldDb}`;
      await ensureDatabase(oldUrl);
      const all = findMigrationsDir();
      const before = mkdtempSync(join(tmpdir(), 'wharf-mig-'));
      try {
        for (const file of readdirSync(all).filter((f) => f < '0013')) copyFileSync(join(all, file), join(before, file));
        await runMigrations(oldUrl, before);
      } finally {
        rmSync(before, { recursive: true, force: true });
      }
      client = new Client({ connectionString: oldUrl });
      await client.connect();
    });
    afterAll(async () => {
      await client?.end();
      const admin = new Client({ connectionString: `${TEST_PG_BASE}/postgres` });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS "${oldDb}" WITH (FORCE)`);
      await admin.end();
    });

    it('binds grants to the projects they were made on and drops those on projects gone or recreated since', async () => {
      const id = async (q: string, params: unknown[] = []) => (await client.query<{ id: number }>(q, params)).rows[0].id;
      const kept = await id(`INSERT INTO project (name, created_at) VALUES ('kept', now() - interval '2 days') RETURNING id`);
      const own = await id(`INSERT INTO project (name, created_at) VALUES ('own', now() - interval '2 days') RETURNING id`);
      // 'again' was deleted and created anew after the robot got its grant on the first 'again'.
      await id(`INSERT INTO project (name, created_at) VALUES ('again', now() - interval '1 hour') RETURNING id`);
      const granted = JSON.stringify([pull('kept'), pull('again'), pull('gone'), pull('*'), { kind: 'system', namespace: '/', access: [] }]);
      await client.query(`INSERT INTO robot (name, level, secret_hash, permissions, updated_at) VALUES ('sys', 'system', 'x', $1::jsonb, now() - interval '1 day')`, [granted]);
      await client.query(`INSERT INTO robot (name, level, project_id, secret_hash, permissions) VALUES ('ci', 'project', $1, 'x', $2::jsonb)`, [own, JSON.stringify([pull('own')])]);

      await runMigrations(oldUrl);

      const permissions = async (name: string) => (await client.query<{ permissions: RobotPermission[] }>('SELECT permissions FROM robot WHERE name = $1', [name])).rows[0].permissions;
      expect(await permissions('sys')).toEqual([{ ...pull('kept'), project_id: kept }, pull('*'), { kind: 'system', namespace: '/', access: [] }]);
      expect(await permissions('ci')).toEqual([{ ...pull('own'), project_id: own }]);
    });
  });
});
