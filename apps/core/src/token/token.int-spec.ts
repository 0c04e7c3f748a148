import { createPublicKey, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashPassword, keyId, ProjectRole, RobotPermission, TokenClaims, verifyToken } from '@wharf/auth';
import type { Sql } from '@wharf/db';
import { bindRobotPermissions } from '@wharf/identity';
import type { CoreConfig } from '../config';
import { SQL } from '../infra/tokens';
import { api, basicAuthHeader, CoreHarness, createTestUser, startTestCore } from '../testing';

/**
 * The token service against the real PostgreSQL and Redis: who gets which actions for which
 * scopes, what the tokens say, and how bad requests and credentials are answered.
 */

const PASSWORD = 'Passw0rdOfTest';

interface TokenBody {
  token: string;
  access_token: string;
  expires_in: number;
  issued_at: string;
}

describe('token service /service/token', () => {
  let keyDir: string;
  let core: CoreHarness;
  let config: CoreConfig;
  let url: string;
  let sql: Sql;
  let tokenConfig: CoreConfig['token'];
  const robots: Record<string, { login: string; secret: string }> = {};

  async function user(username: string, sysadmin = false): Promise<number> {
    const row = await sql.one<{ id: number }>('INSERT INTO app_user (username, email, password_hash, sysadmin) VALUES ($1, $2, $3, $4) RETURNING id', [
      username,
      `${username}@example.com`,
      await hashPassword(PASSWORD),
      sysadmin,
    ]);
    if (!row) throw new Error('no row inserted');
    return row.id;
  }
  async function project(name: string, isPublic = false): Promise<number> {
    const row = await sql.one<{ id: number }>(
      `INSERT INTO project (name, public, metadata) VALUES ($1, $2, jsonb_build_object('public', $3::text)) RETURNING id`,
      [name, isPublic, String(isPublic)],
    );
    if (!row) throw new Error('no row inserted');
    return row.id;
  }
  async function member(projectId: number, userId: number, role: ProjectRole): Promise<void> {
    await sql.query('INSERT INTO project_member (project_id, user_id, role) VALUES ($1, $2, $3)', [projectId, userId, role]);
  }
  /** Robot rows as core's robot API would write them: bcrypt secret, Harbor's permission JSON bound to project ids. */
  async function robot(key: string, row: { name: string; project?: { id: number; name: string }; permissions: RobotPermission[]; disabled?: boolean; expired?: boolean }): Promise<void> {
    const secret = `Sec${randomBytes(10).toString('hex')}1`;
    await sql.query(
      `INSERT INTO robot (name, level, project_id, secret_hash, permissions, disabled, duration, expires_at)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, CASE WHEN $8 THEN now() - interval '1 hour' END)`,
      [
        row.name,
        row.project ? 'project' : 'system',
        row.project?.id ?? null,
        await hashPassword(secret),
        JSON.stringify((await bindRobotPermissions(sql, row.permissions)).permissions),
        row.disabled ?? false,
        row.expired ? 1 : -1,
        row.expired ?? false,
      ],
    );
    robots[key] = { login: row.project ? `robot$${row.project.name}+${row.name}` : `robot$${row.name}`, secret };
  }
  const repoPerm = (namespace: string, ...actions: string[]): RobotPermission[] => [
    { kind: 'project', namespace, access: actions.map((action) => ({ resource: 'repository', action, effect: 'allow' as const })) },
  ];

  function query(scopes: string[], service = config.token.service): string {
    const params = new URLSearchParams({ service });
    for (const s of scopes) params.append('scope', s);
    return params.toString();
  }
  async function requestToken(scopes: string[], auth?: string, service?: string): Promise<Response> {
    return fetch(`${url}/service/token?${query(scopes, service)}`, { headers: auth ? { Authorization: auth } : {} });
  }
  async function claimsOf(res: Response): Promise<TokenClaims> {
    expect(res.status).toBe(200);
    const body = (await res.json()) as TokenBody;
    const publicKey = createPublicKey(await readFile(config.token.privateKeyPath, 'utf8'));
    return await verifyToken(body.token, { publicKey, issuer: config.token.issuer, audience: config.token.service });
  }
  /** The actions granted per scope name, in request order. */
  async function grants(scopes: string[], auth?: string): Promise<Record<string, string[]>> {
    const claims = await claimsOf(await requestToken(scopes, auth));
    return Object.fromEntries(claims.access.map((a) => [`${a.type}:${a.name}`, a.actions]));
  }
  const as = (username: string) => basicAuthHeader(username, PASSWORD);
  const robotAuth = (key: string) => basicAuthHeader(robots[key].login, robots[key].secret);
  const errorBody = async (res: Response) => (await res.json()) as { errors: { code: string; message: string }[] };

  beforeAll(async () => {
    keyDir = await mkdtemp(join(tmpdir(), 'wharf-token-'));
    tokenConfig = { privateKeyPath: join(keyDir, 'secret', 'private_key.pem'), issuer: 'harbor-token-issuer', service: 'harbor-registry', expirationMinutes: 45 };
    core = await startTestCore({ token: tokenConfig });
    ({ config, url } = core);
    sql = core.app.get<Sql>(SQL);

    const dev = await user('dev');
    const guest = await user('guest');
    const maint = await user('maint');
    const limited = await user('limited');
    await user('root', true);
    await user('outsider');
    const team = await project('team');
    const open = await project('open', true);
    await project('hidden');
    await member(team, dev, ProjectRole.Developer);
    await member(team, guest, ProjectRole.Guest);
    await member(team, maint, ProjectRole.Maintainer);
    await member(team, limited, ProjectRole.LimitedGuest);
    await member(open, dev, ProjectRole.Developer);
    await robot('puller', { name: 'puller', project: { id: team, name: 'team' }, permissions: repoPerm('team', 'pull') });
    await robot('pusher', { name: 'pusher', project: { id: team, name: 'team' }, permissions: repoPerm('team', 'pull', 'push') });
    await robot('everywhere', { name: 'everywhere', permissions: repoPerm('*', 'pull') });
    await robot('denied', { name: 'denied', permissions: [...repoPerm('*', 'pull'), { kind: 'project', namespace: 'hidden', access: [{ resource: 'repository', action: 'pull', effect: 'deny' }] }] });
    await robot('disabled', { name: 'off', project: { id: team, name: 'team' }, permissions: repoPerm('team', 'pull'), disabled: true });
    await robot('expired', { name: 'old', project: { id: team, name: 'team' }, permissions: repoPerm('team', 'pull'), expired: true });
  }, 60_000);

  afterAll(async () => {
    await core?.close();
    if (keyDir) await rm(keyDir, { recursive: true, force: true });
  });

  describe('the token', () => {
    it('is an RS256 JWT with the key id, issuer, audience, subject and the configured lifetime', async () => {
      const before = Math.floor(Date.now() / 1000);
      const res = await requestToken(['repository:team/app:pull'], as('dev'));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      const body = (await res.json()) as TokenBody;
      expect(body.access_token).toBe(body.token);
      expect(body.expires_in).toBe(45 * 60);
      const issuedAt = Date.parse(body.issued_at);
      expect(body.issued_at).toBe(new Date(issuedAt).toISOString());

      const [headerPart, claimsPart] = body.token.split('.');
      const header = JSON.parse(Buffer.from(headerPart, 'base64url').toString()) as Record<string, string>;
      const publicKey = createPublicKey(await readFile(config.token.privateKeyPath, 'utf8'));
      expect(header).toEqual({ typ: 'JWT', alg: 'RS256', kid: keyId(publicKey) });
      const claims = JSON.parse(Buffer.from(claimsPart, 'base64url').toString()) as TokenClaims;
      expect(claims).toMatchObject({ iss: 'harbor-token-issuer', aud: 'harbor-registry', sub: 'dev', access: [{ type: 'repository', name: 'team/app', actions: ['pull'] }] });
      expect(claims.iat).toBeGreaterThanOrEqual(before);
      expect(claims.exp - claims.iat).toBe(45 * 60);
      expect(issuedAt).toBe(claims.iat * 1000);
      // And it verifies with the public half of the key on disk.
      expect((await claimsOf(await requestToken(['repository:team/app:pull'], as('dev')))).sub).toBe('dev');
    });

    it('is handed out again for the same grants within seconds, never for other grants', async () => {
      const first = (await (await requestToken(['repository:team/reuse:pull,push'], as('dev'))).json()) as TokenBody;
      const again = (await (await requestToken(['repository:team/reuse:pull,push'], as('dev'))).json()) as TokenBody;
      expect(again.token).toBe(first.token);
      expect(again.issued_at).toBe(first.issued_at);
      expect(again.expires_in).toBeLessThanOrEqual(45 * 60);
      // Another subject, another scope or other actions granted: another token.
      const maint = (await (await requestToken(['repository:team/reuse:pull,push'], as('maint'))).json()) as TokenBody;
      const pullOnly = (await (await requestToken(['repository:team/reuse:pull'], as('dev'))).json()) as TokenBody;
      expect(new Set([first.token, maint.token, pullOnly.token]).size).toBe(3);
      // Grants are worked out for every request: a lost membership shows in the next token at once.
      const other = await project('reuse-p');
      const devId = (await sql.one<{ id: number }>("SELECT id FROM app_user WHERE username = 'dev'"))!.id;
      await member(other, devId, ProjectRole.Developer);
      expect(await grants(['repository:reuse-p/app:pull,push'], as('dev'))).toEqual({ 'repository:reuse-p/app': ['pull', 'push'] });
      await sql.query('DELETE FROM project_member WHERE project_id = $1 AND user_id = $2', [other, devId]);
      expect(await grants(['repository:reuse-p/app:pull,push'], as('dev'))).toEqual({ 'repository:reuse-p/app': [] });
    });

    it('is signed by a key created once with mode 0600 and reused by the next start', async () => {
      const info = await stat(config.token.privateKeyPath);
      expect(info.mode & 0o777).toBe(0o600);
      const pem = await readFile(config.token.privateKeyPath, 'utf8');
      // Another core (its own database) on the same key file: its tokens verify with this key.
      const second = await startTestCore({ token: tokenConfig });
      try {
        const res = await fetch(`${second.url}/service/token?${query(['repository:team/app:pull'])}`, { headers: { Authorization: second.adminAuth } });
        expect(await claimsOf(res)).toMatchObject({ sub: 'admin', access: [{ type: 'repository', name: 'team/app', actions: [] }] });
      } finally {
        await second.close();
      }
      expect(await readFile(config.token.privateKeyPath, 'utf8')).toBe(pem);
    });
  });

  describe('users', () => {
    it('a developer gets pull and push but not delete; a maintainer gets all three', async () => {
      expect(await grants(['repository:team/app:pull,push,delete'], as('dev'))).toEqual({ 'repository:team/app': ['pull', 'push'] });
      expect(await grants(['repository:team/app:pull,push,delete'], as('maint'))).toEqual({ 'repository:team/app': ['pull', 'push', 'delete'] });
    });

    it('a guest asking for push gets pull only; a limited guest too', async () => {
      expect(await grants(['repository:team/app:push,pull'], as('guest'))).toEqual({ 'repository:team/app': ['pull'] });
      expect(await grants(['repository:team/app:push'], as('guest'))).toEqual({ 'repository:team/app': [] });
      expect(await grants(['repository:team/app:pull,push'], as('limited'))).toEqual({ 'repository:team/app': ['pull'] });
    });

    it('never more than asked: pull asked, pull granted even to a maintainer', async () => {
      expect(await grants(['repository:team/app:pull'], as('maint'))).toEqual({ 'repository:team/app': ['pull'] });
    });

    it('`*` stands for every action the caller holds', async () => {
      expect(await grants(['repository:team/app:*'], as('dev'))).toEqual({ 'repository:team/app': ['pull', 'push'] });
    });

    it('a non-member gets nothing in a private project and pull in a public one', async () => {
      expect(await grants(['repository:team/app:pull,push', 'repository:open/base:pull,push'], as('outsider'))).toEqual({
        'repository:team/app': [],
        'repository:open/base': ['pull'],
      });
    });

    it('several scopes, repeated and space-separated, are each answered', async () => {
      const claims = await claimsOf(await requestToken(['repository:team/app:pull,push repository:open/base:pull', 'repository:hidden/x:pull'], as('dev')));
      expect(claims.access).toEqual([
        { type: 'repository', name: 'team/app', actions: ['pull', 'push'] },
        { type: 'repository', name: 'open/base', actions: ['pull'] },
        { type: 'repository', name: 'hidden/x', actions: [] },
      ]);
    });

    it('a system administrator gets everything in every existing project, and the catalog', async () => {
      expect(await grants(['repository:hidden/x:pull,push,delete', 'registry:catalog:*'], as('root'))).toEqual({
        'repository:hidden/x': ['pull', 'push', 'delete'],
        'registry:catalog': ['*'],
      });
    });

    it('the catalog scope is granted to system administrators only', async () => {
      expect(await grants(['registry:catalog:*'], as('maint'))).toEqual({ 'registry:catalog': [] });
      expect(await grants(['registry:catalog:*'])).toEqual({ 'registry:catalog': [] });
    });

    it('no one, administrators included, gets actions where no project exists or the name has none', async () => {
      expect(await grants(['repository:ghost/app:pull,push', 'repository:loner:pull,push', 'repository:team/app/deep:push'], as('root'))).toEqual({
        'repository:ghost/app': [],
        'repository:loner': [],
        'repository:team/app/deep': ['push'],
      });
    });

    it('names outside the repository grammar and unknown resource types get nothing', async () => {
      expect(await grants(['repository:Team/App:pull', 'repository:team/-x:pull', 'repository(plugin):team/app:pull', 'image:team/app:pull'], as('root'))).toEqual({
        'repository:Team/App': [],
        'repository:team/-x': [],
        'repository:team/app': [],
        'image:team/app': [],
      });
    });

    it('no scope at all still gives a token (docker login asks for one that way)', async () => {
      const claims = await claimsOf(await requestToken([], as('dev')));
      expect(claims).toMatchObject({ sub: 'dev', access: [] });
    });

    it('user names are matched without regard to case, as Harbor does', async () => {
      expect((await claimsOf(await requestToken(['repository:team/app:pull'], basicAuthHeader('DEV', PASSWORD)))).sub).toBe('dev');
    });
  });

  describe('anonymous callers', () => {
    it('get pull on public projects only, and an empty subject', async () => {
      const claims = await claimsOf(await requestToken(['repository:open/base:pull,push,delete', 'repository:team/app:pull']));
      expect(claims.sub).toBe('');
      expect(claims.access).toEqual([
        { type: 'repository', name: 'open/base', actions: ['pull'] },
        { type: 'repository', name: 'team/app', actions: [] },
      ]);
    });
  });

  describe('robots', () => {
    it('hold exactly their permissions, by project name or every project', async () => {
      expect(await grants(['repository:team/app:pull,push'], robotAuth('puller'))).toEqual({ 'repository:team/app': ['pull'] });
      expect(await grants(['repository:team/app:pull,push,delete'], robotAuth('pusher'))).toEqual({ 'repository:team/app': ['pull', 'push'] });
      expect(await grants(['repository:team/app:pull,push', 'repository:hidden/x:pull'], robotAuth('everywhere'))).toEqual({
        'repository:team/app': ['pull'],
        'repository:hidden/x': ['pull'],
      });
    });

    it('get the visitor rights of public projects (pull), as in Harbor, and nothing more there', async () => {
      expect(await grants(['repository:open/base:pull,push'], robotAuth('puller'))).toEqual({ 'repository:open/base': ['pull'] });
    });

    it('a deny entry wins over a wildcard allow', async () => {
      expect(await grants(['repository:hidden/x:pull', 'repository:team/app:pull'], robotAuth('denied'))).toEqual({
        'repository:hidden/x': [],
        'repository:team/app': ['pull'],
      });
    });

    it('the token names the robot as subject', async () => {
      expect((await claimsOf(await requestToken(['repository:team/app:pull'], robotAuth('puller')))).sub).toBe('robot$team+puller');
    });

    it('disabled and expired robots, and wrong secrets, are refused with 401', async () => {
      for (const key of ['disabled', 'expired']) {
        const res = await requestToken(['repository:team/app:pull'], robotAuth(key));
        expect({ key, status: res.status }).toEqual({ key, status: 401 });
      }
      const wrong = await requestToken(['repository:team/app:pull'], basicAuthHeader(robots['puller'].login, 'nope'));
      expect(wrong.status).toBe(401);
    });
  });

  describe('account changes through the API apply to the next token request, on every core', () => {
    let second: CoreHarness;
    beforeAll(async () => {
      second = await startTestCore({ token: tokenConfig, databaseUrl: config.databaseUrl });
    }, 60_000);
    afterAll(async () => {
      await second?.close();
    });
    /** The status of the same token request on both cores. */
    const onBoth = async (auth: string) => {
      const statuses: number[] = [];
      for (const base of [url, second.url]) {
        statuses.push((await fetch(`${base}/service/token?${query(['repository:team/app:pull'])}`, { headers: { Authorization: auth } })).status);
      }
      return statuses;
    };

    it('a password reset by an administrator: the old password is refused at once', async () => {
      const changer = await createTestUser(url, core.adminAuth, 'changer', PASSWORD);
      expect(await onBoth(changer.auth)).toEqual([200, 200]);
      const reset = await api(url, 'PUT', `/api/v2.0/users/${changer.id}/password`, { auth: core.adminAuth, body: { new_password: 'Renewed12345' } });
      expect(reset.status).toBe(200);
      expect(await onBoth(changer.auth)).toEqual([401, 401]);
      expect(await onBoth(basicAuthHeader('changer', 'Renewed12345'))).toEqual([200, 200]);
      expect((await api(url, 'DELETE', `/api/v2.0/users/${changer.id}`, { auth: core.adminAuth })).status).toBe(200);
      expect(await onBoth(basicAuthHeader('changer', 'Renewed12345'))).toEqual([401, 401]);
    });

    it('a robot with a refreshed secret, disabled or deleted is refused at once', async () => {
      const permissions = [{ kind: 'project', namespace: 'team', access: [{ resource: 'repository', action: 'pull' }] }];
      const created = await api<{ id: number; name: string; secret: string }>(url, 'POST', '/api/v2.0/robots', {
        auth: core.adminAuth,
        body: { name: 'rotating', level: 'system', duration: -1, permissions },
      });
      expect(created.status).toBe(201);
      const { id, name } = created.body;
      expect(await onBoth(basicAuthHeader(name, created.body.secret))).toEqual([200, 200]);
      const refreshed = await api<{ secret: string }>(url, 'PATCH', `/api/v2.0/robots/${id}`, { auth: core.adminAuth, body: {} });
      expect(refreshed.status).toBe(200);
      expect(await onBoth(basicAuthHeader(name, created.body.secret))).toEqual([401, 401]);
      const current = basicAuthHeader(name, refreshed.body.secret);
      expect(await onBoth(current)).toEqual([200, 200]);
      const disable = await api(url, 'PUT', `/api/v2.0/robots/${id}`, { auth: core.adminAuth, body: { name, level: 'system', duration: -1, disable: true, permissions } });
      expect(disable.status).toBe(200);
      expect(await onBoth(current)).toEqual([401, 401]);
      await api(url, 'PUT', `/api/v2.0/robots/${id}`, { auth: core.adminAuth, body: { name, level: 'system', duration: -1, disable: false, permissions } });
      expect(await onBoth(current)).toEqual([200, 200]);
      expect((await api(url, 'DELETE', `/api/v2.0/robots/${id}`, { auth: core.adminAuth })).status).toBe(200);
      expect(await onBoth(current)).toEqual([401, 401]);
    });
  });

  describe('bad credentials and bad requests', () => {
    it('a wrong password or an unknown user is 401 with Harbor\'s error body', async () => {
      for (const auth of [basicAuthHeader('dev', 'Wrong1234'), basicAuthHeader('nobody', PASSWORD)]) {
        const res = await requestToken(['repository:team/app:pull'], auth);
        expect(res.status).toBe(401);
        expect((await errorBody(res)).errors[0]).toEqual({ code: 'UNAUTHORIZED', message: 'invalid username or password' });
      }
    });

    it('credentials that are not Basic are 401', async () => {
      const res = await requestToken(['repository:team/app:pull'], 'Bearer abc');
      expect(res.status).toBe(401);
      expect((await errorBody(res)).errors[0].code).toBe('UNAUTHORIZED');
    });

    it('five wrong passwords lock the user from this address, even for the right password', async () => {
      await user('victim');
      for (let i = 0; i < 5; i++) expect((await requestToken([], basicAuthHeader('victim', `Wrong${i}xyz`))).status).toBe(401);
      const res = await requestToken([], as('victim'));
      expect(res.status).toBe(401);
      expect((await errorBody(res)).errors[0].message).toBe('too many failed attempts; try again later');
      // Other users from the same address are unaffected.
      expect((await requestToken([], as('dev'))).status).toBe(200);
    });

    it('an unknown or missing service is 400', async () => {
      const other = await requestToken(['repository:team/app:pull'], as('dev'), 'other-registry');
      expect(other.status).toBe(400);
      expect((await errorBody(other)).errors[0]).toEqual({ code: 'BAD_REQUEST', message: expect.stringContaining('unknown service "other-registry"') });
      const missing = await fetch(`${url}/service/token?scope=repository:team/app:pull`, { headers: { Authorization: as('dev') } });
      expect(missing.status).toBe(400);
      expect((await errorBody(missing)).errors[0].message).toContain('the service parameter is required');
    });

    it('a malformed scope is 400 naming it; so are too many scopes', async () => {
      for (const scope of ['repository:team/app', 'repository', ':team/app:pull', 'repository:team/app:PULL']) {
        const res = await requestToken([scope], as('dev'));
        expect({ scope, status: res.status }).toEqual({ scope, status: 400 });
        expect((await errorBody(res)).errors[0].message).toContain('invalid scope');
      }
      const many = Array.from({ length: 101 }, (_, i) => `repository:team/app${i}:pull`);
      const res = await requestToken(many, as('dev'));
      expect(res.status).toBe(400);
      expect((await errorBody(res)).errors[0].message).toContain('too many scopes');
    });
  });

  describe('POST (OAuth2 password grant)', () => {
    const post = (form: Record<string, string>) =>
      fetch(`${url}/service/token`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });

    it('issues the same token for username and password in a form', async () => {
      const res = await post({ grant_type: 'password', service: 'harbor-registry', client_id: 'docker', username: 'dev', password: PASSWORD, scope: 'repository:team/app:pull,push repository:open/base:pull' });
      expect(res.status).toBe(200);
      const body = (await res.clone().json()) as TokenBody & { scope: string };
      expect(body.scope).toBe('repository:team/app:pull,push repository:open/base:pull');
      expect((await claimsOf(res)).access).toEqual([
        { type: 'repository', name: 'team/app', actions: ['pull', 'push'] },
        { type: 'repository', name: 'open/base', actions: ['pull'] },
      ]);
    });

    it('wrong passwords are 401; other grant types and missing fields are 400', async () => {
      expect((await post({ grant_type: 'password', service: 'harbor-registry', username: 'dev', password: 'Wrong1234' })).status).toBe(401);
      const refresh = await post({ grant_type: 'refresh_token', service: 'harbor-registry', refresh_token: 'x' });
      expect(refresh.status).toBe(400);
      expect((await errorBody(refresh)).errors[0].message).toContain('unsupported grant_type');
      expect((await post({ grant_type: 'password', service: 'harbor-registry', username: 'dev' })).status).toBe(400);
      expect((await post({})).status).toBe(400);
    });
  });
});
