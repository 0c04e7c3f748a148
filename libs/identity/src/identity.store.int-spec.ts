import { hashPassword, Principal, ProjectRole, RobotPermission } from '@wharf/auth';
import { Sql } from '@wharf/db';
import { createTestDatabase, TestDatabase } from '@wharf/db/testing';
import { Pool } from 'pg';
import { AuthBackendUnavailableError } from './auth-backend-error';
import { ExternalAuthenticator, IdentityStore, UserRow } from './identity.store';
import { bindRobotPermissions } from './robot-permissions';

const PULL: RobotPermission[] = [{ kind: 'project', namespace: 'team', access: [{ resource: 'repository', action: 'pull' }] }];
const EVERYWHERE: RobotPermission[] = [{ kind: 'project', namespace: '*', access: [{ resource: 'repository', action: 'push' }] }];

/** A typed stand-in for LDAP: answers from a fixed table and records who was asked. */
class FakeDirectory implements ExternalAuthenticator {
  readonly asked: string[] = [];
  constructor(
    private readonly sql: Sql,
    private readonly accounts: Record<string, string>,
    private readonly down = false,
  ) {}

  async authenticate(username: string, password: string): Promise<UserRow | undefined> {
    this.asked.push(username);
    if (this.down) throw new AuthBackendUnavailableError('ldap', 'directory unreachable');
    if (this.accounts[username] !== password) return undefined;
    return this.sql.one<UserRow>(
      `INSERT INTO app_user (username, auth_source) VALUES ($1, 'ldap')
       ON CONFLICT ((lower(username))) DO UPDATE SET updated_at = now()
       RETURNING id, username, sysadmin, password_hash, auth_source`,
      [username],
    );
  }
}

describe('IdentityStore (real PostgreSQL)', () => {
  let db: TestDatabase;
  let pool: Pool;
  let sql: Sql;
  let store: IdentityStore;
  const ids = { alice: 0, root: 0, nopass: 0, team: 0, other: 0, open: 0, devs: 0, admins: 0 };

  async function user(username: string, password: string | null, extra: { sysadmin?: boolean; authSource?: string } = {}): Promise<number> {
    const hash = password === null ? null : await hashPassword(password);
    const row = await sql.one<{ id: number }>('INSERT INTO app_user (username, password_hash, sysadmin, auth_source) VALUES ($1, $2, $3, $4) RETURNING id', [
      username,
      hash,
      extra.sysadmin ?? false,
      extra.authSource ?? 'db',
    ]);
    return row?.id ?? 0;
  }

  async function project(name: string, isPublic = false): Promise<number> {
    return (await sql.one<{ id: number }>('INSERT INTO project (name, public) VALUES ($1, $2) RETURNING id', [name, isPublic]))?.id ?? 0;
  }

  async function robot(name: string, projectId: number | null, secret: string, extra: { disabled?: boolean; expiresAt?: Date; permissions?: RobotPermission[] } = {}) {
    await sql.query(
      'INSERT INTO robot (name, level, project_id, secret_hash, disabled, expires_at, permissions) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [
        name,
        projectId === null ? 'system' : 'project',
        projectId,
        await hashPassword(secret),
        extra.disabled ?? false,
        extra.expiresAt ?? null,
        JSON.stringify((await bindRobotPermissions(sql, extra.permissions ?? PULL)).permissions),
      ],
    );
  }

  async function group(name: string, type = 1): Promise<number> {
    return (await sql.one<{ id: number }>('INSERT INTO user_group (group_name, group_type, ldap_dn) VALUES ($1, $2, $3) RETURNING id', [name, type, type === 1 ? `cn=${name},ou=groups` : null]))?.id ?? 0;
  }

  const member = (projectId: number, who: { user?: number; group?: number }, role: ProjectRole) =>
    sql.query('INSERT INTO project_member (project_id, user_id, group_id, role) VALUES ($1, $2, $3, $4)', [projectId, who.user ?? null, who.group ?? null, role]);

  function roles(p: Principal | undefined): Record<number, ProjectRole> {
    if (p?.kind !== 'user') throw new Error(`expected a user, got ${JSON.stringify(p)}`);
    return Object.fromEntries(p.roles);
  }

  beforeAll(async () => {
    db = await createTestDatabase('wharf_identity');
    pool = new Pool({ connectionString: db.url, max: 4 });
    sql = new Sql(pool);
    store = new IdentityStore(sql);
    ids.alice = await user('Alice', 'Alice-Pass-1');
    ids.root = await user('root', 'Root-Pass-1', { sysadmin: true });
    ids.nopass = await user('nopass', null);
    ids.team = await project('team');
    ids.other = await project('other');
    ids.open = await project('open', true);
    ids.devs = await group('devs');
    ids.admins = await group('admins');
    await robot('sys', null, 'Sys-Secret-1', { permissions: EVERYWHERE });
    await robot('ci', ids.team, 'Ci-Secret-12');
    await robot('off', ids.team, 'Off-Secret-1', { disabled: true });
    await robot('old', ids.team, 'Old-Secret-1', { expiresAt: new Date(Date.now() - 1000) });
    await robot('fresh', ids.team, 'Fresh-Secret-1', { expiresAt: new Date(Date.now() + 3_600_000) });
  });

  afterAll(async () => {
    await pool?.end();
    await db?.drop();
  });

  describe('database users', () => {
    it('accepts the right password', async () => {
      expect(await store.authenticate('Alice', 'Alice-Pass-1')).toEqual({ kind: 'user', id: ids.alice, username: 'Alice', sysadmin: false, roles: new Map() });
    });

    it('compares the name case-insensitively and keeps the stored spelling', async () => {
      for (const login of ['alice', 'ALICE', 'aLiCe']) expect(await store.authenticate(login, 'Alice-Pass-1')).toMatchObject({ id: ids.alice, username: 'Alice' });
    });

    it('carries the administrator flag', async () => {
      expect(await store.authenticate('root', 'Root-Pass-1')).toMatchObject({ kind: 'user', sysadmin: true });
    });

    it('refuses wrong passwords, unknown users and unusable input', async () => {
      expect(await store.authenticate('Alice', 'alice-pass-1')).toBeUndefined();
      expect(await store.authenticate('Alice', '')).toBeUndefined();
      expect(await store.authenticate('bob', 'Alice-Pass-1')).toBeUndefined();
      expect(await store.authenticate('', 'Alice-Pass-1')).toBeUndefined();
      expect(await store.authenticate('a'.repeat(256), 'x')).toBeUndefined();
      expect(await store.authenticate(' Alice', 'Alice-Pass-1')).toBeUndefined();
      expect(await store.authenticate(42 as unknown as string, 'x')).toBeUndefined();
      expect(await store.authenticate('Alice', null as unknown as string)).toBeUndefined();
    });

    it('refuses users without a local password and LDAP users when no directory is configured', async () => {
      expect(await store.authenticate('nopass', '')).toBeUndefined();
      expect(await store.authenticate('nopass', 'anything')).toBeUndefined();
      await user('ldapuser', null, { authSource: 'ldap' });
      expect(await store.authenticate('ldapuser', 'anything')).toBeUndefined();
    });

    it('answers an unknown name no faster than a wrong password', async () => {
      await store.authenticate('nobody-here', 'warm-up');
      const time = async (login: string) => {
        const start = process.hrtime.bigint();
        await store.authenticate(login, 'Wrong-Pass-1');
        return Number(process.hrtime.bigint() - start) / 1e6;
      };
      const wrong = await time('Alice');
      const unknown = await time('nobody-here');
      expect(unknown).toBeGreaterThan(wrong / 4);
    });
  });

  describe('robots', () => {
    it('logs in system robots with their permissions', async () => {
      const p = await store.authenticate('robot$sys', 'Sys-Secret-1');
      expect(p).toMatchObject({ kind: 'robot', name: 'robot$sys', level: 'system', permissions: EVERYWHERE });
    });

    it('logs in project robots by project and name', async () => {
      expect(await store.authenticate('robot$team+ci', 'Ci-Secret-12')).toMatchObject({ kind: 'robot', name: 'robot$team+ci', level: 'project', permissions: PULL });
      expect(await store.authenticate('robot$team+fresh', 'Fresh-Secret-1')).toMatchObject({ kind: 'robot', name: 'robot$team+fresh' });
    });

    it('refuses wrong secrets and names in the wrong scope', async () => {
      expect(await store.authenticate('robot$team+ci', 'Sys-Secret-1')).toBeUndefined();
      expect(await store.authenticate('robot$ci', 'Ci-Secret-12')).toBeUndefined();
      expect(await store.authenticate('robot$other+ci', 'Ci-Secret-12')).toBeUndefined();
      expect(await store.authenticate('robot$team+sys', 'Sys-Secret-1')).toBeUndefined();
      expect(await store.authenticate('robot$', 'x')).toBeUndefined();
      expect(await store.authenticate('robot$team+', 'Ci-Secret-12')).toBeUndefined();
      // Robot names are case-sensitive, unlike user names.
      expect(await store.authenticate('robot$team+CI', 'Ci-Secret-12')).toBeUndefined();
    });

    it('refuses disabled and expired robots even with the right secret', async () => {
      expect(await store.authenticate('robot$team+off', 'Off-Secret-1')).toBeUndefined();
      expect(await store.authenticate('robot$team+old', 'Old-Secret-1')).toBeUndefined();
    });

    it('refuses robots of a deleted project', async () => {
      const gone = await project('gone');
      await robot('ci', gone, 'Gone-Secret-1');
      expect(await store.authenticate('robot$gone+ci', 'Gone-Secret-1')).toMatchObject({ kind: 'robot' });
      await sql.query('DELETE FROM project WHERE id = $1', [gone]);
      expect(await store.authenticate('robot$gone+ci', 'Gone-Secret-1')).toBeUndefined();
      // A new project of the same name does not bring the robot back.
      await project('gone');
      expect(await store.authenticate('robot$gone+ci', 'Gone-Secret-1')).toBeUndefined();
    });

    it('are found by name without a secret (a token subject) only while enabled and unexpired', async () => {
      expect(await store.principalForName('robot$team+ci')).toMatchObject({ kind: 'robot', name: 'robot$team+ci', level: 'project', permissions: PULL });
      expect(await store.principalForName('robot$sys')).toMatchObject({ kind: 'robot', name: 'robot$sys', level: 'system' });
      expect(await store.principalForName('robot$team+off')).toBeUndefined();
      expect(await store.principalForName('robot$team+old')).toBeUndefined();
      expect(await store.principalForName('robot$other+ci')).toBeUndefined();
    });

    it('follows a configured name prefix', async () => {
      const custom = new IdentityStore(sql, { robotPrefix: 'bot_' });
      expect(await custom.authenticate('bot_team+ci', 'Ci-Secret-12')).toMatchObject({ kind: 'robot', name: 'bot_team+ci' });
      expect(await custom.authenticate('robot$team+ci', 'Ci-Secret-12')).toBeUndefined();
    });
  });

  describe('project roles', () => {
    let bob: number;

    beforeAll(async () => {
      bob = await user('bob', 'Bob-Pass-123');
      await sql.query('INSERT INTO user_group_member (group_id, user_id) VALUES ($1, $2), ($3, $2)', [ids.devs, bob, ids.admins]);
      await member(ids.team, { user: bob }, ProjectRole.Guest);
      await member(ids.team, { group: ids.devs }, ProjectRole.Maintainer);
      await member(ids.other, { user: bob }, ProjectRole.ProjectAdmin);
      await member(ids.other, { group: ids.devs }, ProjectRole.Developer);
      await member(ids.open, { group: ids.devs }, ProjectRole.LimitedGuest);
      await member(ids.open, { group: ids.admins }, ProjectRole.Guest);
    });

    it('come from direct membership and from groups; the strongest wins', async () => {
      expect(roles(await store.authenticate('bob', 'Bob-Pass-123'))).toEqual({
        [ids.team]: ProjectRole.Maintainer,
        [ids.other]: ProjectRole.ProjectAdmin,
        [ids.open]: ProjectRole.Guest,
      });
    });

    it('rank maintainer above developer although its id is larger', async () => {
      const carol = await user('carol', 'Carol-Pass-1');
      const g = await group('carol-devs');
      await sql.query('INSERT INTO user_group_member (group_id, user_id) VALUES ($1, $2)', [g, carol]);
      await member(ids.team, { user: carol }, ProjectRole.Maintainer);
      await member(ids.team, { group: g }, ProjectRole.Developer);
      await member(ids.other, { user: carol }, ProjectRole.LimitedGuest);
      await member(ids.other, { group: g }, ProjectRole.Guest);
      expect(roles(await store.authenticate('carol', 'Carol-Pass-1'))).toEqual({ [ids.team]: ProjectRole.Maintainer, [ids.other]: ProjectRole.Guest });
    });

    it('are the same through principalForUserId, and vanish with the membership', async () => {
      const p = await store.principalForUserId(bob);
      expect(roles(p)).toEqual(roles(await store.authenticate('bob', 'Bob-Pass-123')));
      await sql.query('DELETE FROM user_group_member WHERE user_id = $1 AND group_id = $2', [bob, ids.devs]);
      expect(roles(await store.principalForUserId(bob))).toEqual({ [ids.team]: ProjectRole.Guest, [ids.other]: ProjectRole.ProjectAdmin, [ids.open]: ProjectRole.Guest });
      expect(await store.principalForUserId(999_999)).toBeUndefined();
    });

    it('are the same through principalForName (any spelling), which knows no one else', async () => {
      const byName = await store.principalForName('BOB');
      expect(byName).toMatchObject({ kind: 'user', username: 'bob' });
      expect(roles(byName)).toEqual(roles(await store.principalForUserId(bob)));
      expect(await store.principalForName('nobody')).toBeUndefined();
      expect(await store.principalForName('')).toBeUndefined();
    });
  });

  describe('projects', () => {
    it('finds the project of a repository by its first path component', async () => {
      expect(await store.projectOf('team/app')).toEqual({ id: ids.team, name: 'team', public: false });
      expect(await store.projectOf('open/a/b/c')).toEqual({ id: ids.open, name: 'open', public: true });
      expect(await store.project('open')).toEqual({ id: ids.open, name: 'open', public: true });
    });

    it('finds nothing for unknown projects and names without a project', async () => {
      for (const name of ['nope/app', 'app', '/app', '', 'Team/app', 'team']) expect(await store.projectOf(name)).toBeUndefined();
      expect(await store.project('nope')).toBeUndefined();
    });
  });

  describe('accounts that change after a login', () => {
    it('refuse an old password as soon as the hash changes, and accept the new one', async () => {
      const id = await user('changer', 'Changer-Pass-1');
      expect(await store.authenticate('changer', 'Changer-Pass-1')).toMatchObject({ id });
      await sql.query('UPDATE app_user SET password_hash = $2 WHERE id = $1', [id, await hashPassword('Changer-Pass-2')]);
      expect(await store.authenticate('changer', 'Changer-Pass-1')).toBeUndefined();
      expect(await store.authenticate('changer', 'Changer-Pass-2')).toMatchObject({ id });
    });

    it('give a robot its current permissions, and refuse it once disabled', async () => {
      await robot('shifty', ids.team, 'Shifty-Secret-1');
      expect(await store.authenticate('robot$team+shifty', 'Shifty-Secret-1')).toMatchObject({ permissions: PULL });
      await sql.query("UPDATE robot SET permissions = $1::jsonb WHERE name = 'shifty'", [JSON.stringify(EVERYWHERE)]);
      expect(await store.authenticate('robot$team+shifty', 'Shifty-Secret-1')).toMatchObject({ permissions: EVERYWHERE });
      await sql.query("UPDATE robot SET disabled = true WHERE name = 'shifty'");
      expect(await store.authenticate('robot$team+shifty', 'Shifty-Secret-1')).toBeUndefined();
    });
  });

  describe('with an external directory', () => {
    it('asks the directory about users it does not hold locally', async () => {
      const directory = new FakeDirectory(sql, { dora: 'Dora-Pass-1' });
      const withDirectory = new IdentityStore(sql, { external: directory });
      const dora = await withDirectory.authenticate('dora', 'Dora-Pass-1');
      expect(dora).toMatchObject({ kind: 'user', username: 'dora', sysadmin: false });
      // Now an LDAP row exists: the directory is still the one asked.
      expect(await withDirectory.authenticate('dora', 'wrong')).toBeUndefined();
      expect(directory.asked).toEqual(['dora', 'dora']);
    });

    it('checks local users locally and never asks the directory about them', async () => {
      const directory = new FakeDirectory(sql, { Alice: 'Directory-Pass-1' });
      const withDirectory = new IdentityStore(sql, { external: directory });
      expect(await withDirectory.authenticate('alice', 'Alice-Pass-1')).toMatchObject({ id: ids.alice });
      expect(await withDirectory.authenticate('alice', 'Directory-Pass-1')).toBeUndefined();
      expect(await withDirectory.authenticate('robot$team+ci', 'Ci-Secret-12')).toMatchObject({ kind: 'robot' });
      expect(directory.asked).toEqual([]);
    });

    it('asks the directory at every login unless told to take an accepted one again for a while', async () => {
      const directory = new FakeDirectory(sql, { fay: 'Fay-Pass-1' });
      const asking = new IdentityStore(sql, { external: directory });
      expect(await asking.authenticate('fay', 'Fay-Pass-1')).toMatchObject({ username: 'fay' });
      expect(await asking.authenticate('fay', 'Fay-Pass-1')).toMatchObject({ username: 'fay' });
      expect(directory.asked).toEqual(['fay', 'fay']);
    });

    it('takes an accepted directory login again for a while without asking, but never for a deleted user', async () => {
      const directory = new FakeDirectory(sql, { erin: 'Erin-Pass-1' });
      const withDirectory = new IdentityStore(sql, { external: directory, externalAcceptanceMs: 30_000 });
      expect(await withDirectory.authenticate('erin', 'Erin-Pass-1')).toMatchObject({ username: 'erin' });
      expect(await withDirectory.authenticate('erin', 'Erin-Pass-1')).toMatchObject({ username: 'erin' });
      expect(directory.asked).toEqual(['erin']);
      // Another password is always the directory's to judge.
      expect(await withDirectory.authenticate('erin', 'Other-Pass-1')).toBeUndefined();
      expect(directory.asked).toEqual(['erin', 'erin']);
      // The local row is gone: the directory is asked again (and recreates it).
      await sql.query("DELETE FROM app_user WHERE username = 'erin'");
      expect(await withDirectory.authenticate('erin', 'Erin-Pass-1')).toMatchObject({ username: 'erin' });
      expect(directory.asked).toEqual(['erin', 'erin', 'erin']);
    });

    it('passes an outage on instead of calling it a wrong password', async () => {
      const withDirectory = new IdentityStore(sql, { external: new FakeDirectory(sql, {}, true) });
      await expect(withDirectory.authenticate('dora', 'Dora-Pass-1')).rejects.toBeInstanceOf(AuthBackendUnavailableError);
      expect(await withDirectory.authenticate('Alice', 'Alice-Pass-1')).toMatchObject({ id: ids.alice });
    });
  });
});
