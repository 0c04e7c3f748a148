import { createServer, Server, Socket } from 'node:net';
import { Access, hashPassword, ProjectRole } from '@wharf/auth';
import { Sql } from '@wharf/db';
import { createTestDatabase, TestDatabase } from '@wharf/db/testing';
import { Attribute, Change, Client } from 'ldapts';
import { Pool } from 'pg';
import { AuthBackendUnavailableError } from '../auth-backend-error';
import { IdentityStore } from '../identity.store';
import { buildDirectory, Directory, Slapd, startSlapd } from '../testing';
import { LdapAuthenticator } from './ldap-authenticator';
import { LdapSettings } from './ldap-settings';

const SUFFIX = 'dc=wharf,dc=test';
const PASSWORDS = { alice: 'Alice-Pass-1', bob: 'Bob-Pass-12', carol: 'Carol-Pass-1', star: 'Star-Pass-1', frank: 'Frank-Pass-1' };

describe('LdapAuthenticator against a real slapd', () => {
  let db: TestDatabase;
  let pool: Pool;
  let sql: Sql;
  let slapd: Slapd;
  let dir: Directory;
  let settings: LdapSettings;
  let ldap: LdapAuthenticator;

  beforeAll(async () => {
    db = await createTestDatabase('wharf_ldap');
    pool = new Pool({ connectionString: db.url, max: 4 });
    sql = new Sql(pool);
    dir = buildDirectory(
      SUFFIX,
      [
        { uid: 'alice', password: PASSWORDS.alice, cn: 'Alice Liddell', mail: 'alice@example.com', attributes: { description: [`cn=legacy,ou=groups,${SUFFIX}`, `cn=gone,ou=groups,${SUFFIX}`, `cn=outside,${SUFFIX}`] } },
        { uid: 'bob', password: PASSWORDS.bob, mail: 'bob@example.com' },
        { uid: 'carol', password: PASSWORDS.carol },
        { uid: 'dave' },
        { uid: 'star*name', password: PASSWORDS.star },
        { uid: 'frank', password: PASSWORDS.frank, attributes: { employeeType: 'disabled' } },
      ],
      [
        { cn: 'developers', members: ['alice', 'bob'] },
        { cn: 'qa', members: ['alice'] },
        { cn: 'admins', members: ['bob'] },
        { cn: 'legacy', members: ['carol'] },
      ],
    );
    slapd = await startSlapd({ suffix: SUFFIX, ldif: dir.ldif });
    settings = {
      ldap_url: slapd.url,
      ldap_search_dn: dir.searchDn,
      ldap_search_password: dir.searchPassword,
      ldap_base_dn: dir.peopleDn,
      ldap_filter: '(&(objectClass=inetOrgPerson)(!(employeeType=disabled)))',
      ldap_uid: 'uid',
      ldap_scope: 2,
      ldap_timeout: 5,
      ldap_group_base_dn: dir.groupsDn,
      ldap_group_search_filter: 'objectClass=groupOfNames',
      ldap_group_attribute_name: 'cn',
      ldap_group_admin_dn: dir.groupDn('admins'),
    };
    ldap = new LdapAuthenticator(sql, settings);
  });

  afterAll(async () => {
    await slapd?.stop();
    await pool?.end();
    await db?.drop();
  });

  async function asRoot<T>(fn: (client: Client) => Promise<T>): Promise<T> {
    const client = new Client({ url: slapd.url });
    try {
      await client.bind(slapd.rootDn, slapd.rootPassword);
      return await fn(client);
    } finally {
      await client.unbind();
    }
  }

  const member = (operation: 'add' | 'delete', group: string, uid: string) =>
    asRoot((c) => c.modify(dir.groupDn(group), new Change({ operation, modification: new Attribute({ type: 'member', values: [dir.userDn(uid)] }) })));

  async function groupsOf(userId: number): Promise<string[]> {
    const rows = await sql.query<{ group_name: string }>(
      'SELECT g.group_name FROM user_group_member m JOIN user_group g ON g.id = m.group_id WHERE m.user_id = $1 ORDER BY 1',
      [userId],
    );
    return rows.map((r) => r.group_name);
  }

  describe('credentials', () => {
    it('logs a user in and creates the local row from the entry', async () => {
      const row = await ldap.authenticate('alice', PASSWORDS.alice);
      expect(row).toMatchObject({ username: 'alice', sysadmin: false, password_hash: null, auth_source: 'ldap' });
      const stored = await sql.one('SELECT username, email, realname, external_dn, password_hash FROM app_user WHERE id = $1', [row?.id]);
      expect(stored).toEqual({ username: 'alice', email: 'alice@example.com', realname: 'Alice Liddell', external_dn: dir.userDn('alice'), password_hash: null });
    });

    it('refreshes the same row on the next login, whatever the case of the login name', async () => {
      const first = await ldap.authenticate('alice', PASSWORDS.alice);
      const again = await ldap.authenticate('ALICE', PASSWORDS.alice);
      expect(again?.id).toBe(first?.id);
      expect(again?.username).toBe('alice');
      expect((await sql.one<{ n: string }>("SELECT count(*) AS n FROM app_user WHERE lower(username) = 'alice'"))?.n).toBe('1');
    });

    it('refuses a wrong password and creates nothing', async () => {
      expect(await ldap.authenticate('carol', 'Wrong-Pass-1')).toBeUndefined();
      expect(await ldap.authenticate('alice', PASSWORDS.bob)).toBeUndefined();
      expect(await sql.one("SELECT id FROM app_user WHERE username = 'carol'")).toBeUndefined();
    });

    it('refuses unknown users and entries without a password', async () => {
      expect(await ldap.authenticate('mallory', PASSWORDS.alice)).toBeUndefined();
      expect(await ldap.authenticate('dave', 'anything-1A')).toBeUndefined();
      expect(await ldap.authenticate('', PASSWORDS.alice)).toBeUndefined();
      expect(await ldap.authenticate('   ', PASSWORDS.alice)).toBeUndefined();
    });

    it('refuses users the filter excludes', async () => {
      expect(await ldap.authenticate('frank', PASSWORDS.frank)).toBeUndefined();
      const unfiltered = new LdapAuthenticator(sql, { ...settings, ldap_filter: '' });
      expect(await unfiltered.authenticate('frank', PASSWORDS.frank)).toMatchObject({ username: 'frank' });
    });

    it('refuses an empty password although the server accepts it as an unauthenticated bind', async () => {
      // The pitfall itself: this server answers a bind with a DN and no password with success.
      const raw = new Client({ url: slapd.url });
      await expect(raw.bind(dir.userDn('alice'), '')).resolves.toBeUndefined();
      await raw.unbind();
      expect(await ldap.authenticate('alice', '')).toBeUndefined();
      expect(await ldap.authenticate('dave', '')).toBeUndefined();
    });

    it.each(['al*', '*)(uid=alice', 'alice)(uid=alice', 'alice)(|(uid=*', '*', '*)(|(objectClass=*', 'ali\\2a', 'alice\u0000', '(alice)'])(
      'treats %j as a literal name (no filter injection)',
      async (login) => {
        expect(await ldap.authenticate(login, PASSWORDS.alice)).toBeUndefined();
      },
    );

    it('matches names with filter metacharacters literally', async () => {
      expect(await ldap.authenticate('star*name', PASSWORDS.star)).toMatchObject({ username: 'star*name' });
      expect(await ldap.authenticate('star*', PASSWORDS.star)).toBeUndefined();
    });

    it('never takes over a local account of the same name', async () => {
      const hash = await hashPassword('Local-Pass-1');
      await sql.query("INSERT INTO app_user (username, password_hash, auth_source) VALUES ('Carol', $1, 'db')", [hash]);
      expect(await ldap.authenticate('carol', PASSWORDS.carol)).toBeUndefined();
      const store = new IdentityStore(sql, { external: ldap });
      expect(await store.authenticate('carol', PASSWORDS.carol)).toBeUndefined();
      expect(await store.authenticate('carol', 'Local-Pass-1')).toMatchObject({ kind: 'user', username: 'Carol' });
      expect(await sql.one("SELECT auth_source, external_dn FROM app_user WHERE username = 'Carol'")).toEqual({ auth_source: 'db', external_dn: null });
    });

    it('leaves out an e-mail address another account already uses', async () => {
      await sql.query("INSERT INTO app_user (username, email, auth_source) VALUES ('bob-local', 'BOB@example.com', 'db')");
      const bob = await ldap.authenticate('bob', PASSWORDS.bob);
      expect(bob).toMatchObject({ username: 'bob' });
      expect(await sql.one('SELECT email FROM app_user WHERE id = $1', [bob?.id])).toEqual({ email: null });
    });
  });

  describe('groups', () => {
    it('records the groups that name the user as member, and those of the membership attribute', async () => {
      const settingsWithAttribute = new LdapAuthenticator(sql, { ...settings, ldap_group_membership_attribute: 'description' });
      const alice = await settingsWithAttribute.authenticate('alice', PASSWORDS.alice);
      // developers and qa list alice as member; legacy comes from the membership attribute
      // (description here, standing in for memberOf); a missing group and one outside the
      // group base DN are ignored.
      expect(await groupsOf(alice?.id ?? 0)).toEqual(['developers', 'legacy', 'qa']);
      const rows = await sql.query<{ group_type: number; ldap_dn: string }>("SELECT group_type, ldap_dn FROM user_group WHERE group_name = 'qa'");
      expect(rows).toEqual([{ group_type: 1, ldap_dn: dir.groupDn('qa') }]);
      // The same without a group filter.
      const unfiltered = new LdapAuthenticator(sql, { ...settings, ldap_group_membership_attribute: 'description', ldap_group_search_filter: '' });
      await unfiltered.authenticate('alice', PASSWORDS.alice);
      expect(await groupsOf(alice?.id ?? 0)).toEqual(['developers', 'legacy', 'qa']);
    });

    it('replaces LDAP memberships with the directory’s current answer and keeps other kinds', async () => {
      const alice = await ldap.authenticate('alice', PASSWORDS.alice);
      const id = alice?.id ?? 0;
      const oidc = await sql.one<{ id: number }>("INSERT INTO user_group (group_name, group_type) VALUES ('oidc-team', 3) RETURNING id");
      await sql.query('INSERT INTO user_group_member (group_id, user_id) VALUES ($1, $2)', [oidc?.id, id]);
      expect(await groupsOf(id)).toEqual(['developers', 'oidc-team', 'qa']);

      await member('delete', 'qa', 'alice');
      try {
        await ldap.authenticate('alice', PASSWORDS.alice);
        expect(await groupsOf(id)).toEqual(['developers', 'oidc-team']);
      } finally {
        await member('add', 'qa', 'alice');
      }
      await ldap.authenticate('alice', PASSWORDS.alice);
      expect(await groupsOf(id)).toEqual(['developers', 'oidc-team', 'qa']);
    });

    it('gives project roles through an LDAP group added as a member before anyone logged in', async () => {
      const project = await sql.one<{ id: number }>("INSERT INTO project (name) VALUES ('ldap-team') RETURNING id");
      const projectId = project?.id ?? 0;
      // Added through the API by DN, typed in another case than the server returns it.
      const group = await sql.one<{ id: number }>(
        "INSERT INTO user_group (group_name, group_type, ldap_dn) VALUES ('Devs', 1, $1) ON CONFLICT ((lower(ldap_dn))) WHERE ldap_dn IS NOT NULL DO UPDATE SET group_name = 'Devs' RETURNING id",
        [dir.groupDn('developers').toUpperCase()],
      );
      await sql.query('INSERT INTO project_member (project_id, group_id, role) VALUES ($1, $2, $3)', [projectId, group?.id, ProjectRole.Developer]);
      const store = new IdentityStore(sql, { external: ldap });

      const alice = await store.authenticate('alice', PASSWORDS.alice);
      expect(alice?.kind).toBe('user');
      if (alice?.kind !== 'user') return;
      expect(alice.roles.get(projectId)).toBe(ProjectRole.Developer);
      expect(new Access(alice).can({ id: projectId, name: 'ldap-team', public: false }, 'repository', 'push')).toBe(true);

      // A direct, stronger membership wins over the group's role.
      await sql.query('INSERT INTO project_member (project_id, user_id, role) VALUES ($1, $2, $3)', [projectId, alice.id, ProjectRole.Maintainer]);
      const again = await store.authenticate('alice', PASSWORDS.alice);
      expect(again?.kind === 'user' && again.roles.get(projectId)).toBe(ProjectRole.Maintainer);

      // Not in the group: no role.
      const star = await store.authenticate('star*name', PASSWORDS.star);
      expect(star).toMatchObject({ kind: 'user', username: 'star*name' });
      expect(star?.kind === 'user' && star.roles.get(projectId)).toBeUndefined();
    });

    it('makes members of the admin group system administrators, and only while they are', async () => {
      const store = new IdentityStore(sql, { external: ldap });
      const bob = await store.authenticate('bob', PASSWORDS.bob);
      expect(bob).toMatchObject({ kind: 'user', username: 'bob', sysadmin: true });
      const alice = await store.authenticate('alice', PASSWORDS.alice);
      expect(alice).toMatchObject({ kind: 'user', sysadmin: false });

      await member('delete', 'admins', 'bob');
      try {
        expect(await store.authenticate('bob', PASSWORDS.bob)).toMatchObject({ sysadmin: false });
        expect(await sql.one("SELECT sysadmin FROM app_user WHERE username = 'bob'")).toEqual({ sysadmin: false });
      } finally {
        await member('add', 'admins', 'bob');
      }
      expect(await store.authenticate('bob', PASSWORDS.bob)).toMatchObject({ sysadmin: true });
    });

    it('finds an admin group outside the group base DN', async () => {
      const opsDn = `cn=ops-admins,ou=services,${SUFFIX}`;
      await asRoot((c) => c.add(opsDn, { objectClass: 'groupOfUniqueNames', cn: 'ops-admins', uniqueMember: dir.userDn('alice') }));
      try {
        const ops = new LdapAuthenticator(sql, { ...settings, ldap_group_admin_dn: opsDn.toUpperCase() });
        expect(await ops.authenticate('alice', PASSWORDS.alice)).toMatchObject({ sysadmin: true });
        expect(await ops.authenticate('bob', PASSWORDS.bob)).toMatchObject({ sysadmin: false });
        // A configured admin group that does not exist makes nobody an administrator.
        const missing = new LdapAuthenticator(sql, { ...settings, ldap_group_admin_dn: `cn=nope,${dir.groupsDn}` });
        expect(await missing.authenticate('alice', PASSWORDS.alice)).toMatchObject({ sysadmin: false });
      } finally {
        await asRoot((c) => c.del(opsDn));
      }
    });

    it('keeps a manually set administrator flag when no admin group is configured', async () => {
      const plain = new LdapAuthenticator(sql, { ...settings, ldap_group_admin_dn: '' });
      const row = await plain.authenticate('star*name', PASSWORDS.star);
      await sql.query('UPDATE app_user SET sysadmin = true WHERE id = $1', [row?.id]);
      expect(await plain.authenticate('star*name', PASSWORDS.star)).toMatchObject({ sysadmin: true });
    });
  });

  describe('an unavailable directory', () => {
    async function expectUnavailable(authenticator: LdapAuthenticator, login = 'alice', password = PASSWORDS.alice): Promise<AuthBackendUnavailableError> {
      const err = await authenticator.authenticate(login, password).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(AuthBackendUnavailableError);
      expect((err as AuthBackendUnavailableError).backend).toBe('ldap');
      return err as AuthBackendUnavailableError;
    }

    it('is reported distinctly when the server is down, also through IdentityStore', async () => {
      const other = await startSlapd({ suffix: SUFFIX, ldif: dir.ldif });
      const down = new LdapAuthenticator(sql, { ...settings, ldap_url: other.url });
      expect(await down.authenticate('alice', PASSWORDS.alice)).toMatchObject({ username: 'alice' });
      await other.stop();
      await expectUnavailable(down);
      // Wrong passwords are indistinguishable from right ones while the server is down.
      await expectUnavailable(down, 'alice', 'Wrong-Pass-1');
      await expect(new IdentityStore(sql, { external: down }).authenticate('alice', PASSWORDS.alice)).rejects.toBeInstanceOf(AuthBackendUnavailableError);
    });

    it('is reported when the server does not answer in time', async () => {
      const sockets: Socket[] = [];
      const silent: Server = createServer((s) => sockets.push(s));
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      try {
        const port = (silent.address() as { port: number }).port;
        const started = Date.now();
        await expectUnavailable(new LdapAuthenticator(sql, { ...settings, ldap_url: `ldap://127.0.0.1:${port}`, ldap_timeout: 0.5 }));
        expect(Date.now() - started).toBeLessThan(5_000);
      } finally {
        sockets.forEach((s) => s.destroy());
        await new Promise((resolve) => silent.close(resolve));
      }
    });

    it('is reported when the service account is refused or the base DN is wrong', async () => {
      const err = await expectUnavailable(new LdapAuthenticator(sql, { ...settings, ldap_search_password: 'wrong' }));
      expect(err.message).toMatch(/search DN/);
      await expectUnavailable(new LdapAuthenticator(sql, { ...settings, ldap_base_dn: `ou=nobody,${SUFFIX}` }));
      await expectUnavailable(new LdapAuthenticator(sql, { ...settings, ldap_group_base_dn: `ou=nogroups,${SUFFIX}` }));
    });

    it('does not contact the server for an empty password', async () => {
      const nowhere = new LdapAuthenticator(sql, { ...settings, ldap_url: 'ldap://127.0.0.1:1' });
      expect(await nowhere.authenticate('alice', '')).toBeUndefined();
    });
  });
});
