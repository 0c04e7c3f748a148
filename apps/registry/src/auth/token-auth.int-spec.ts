import { createPublicKey, generateKeyPairSync, KeyObject } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashPassword, INSTANCE_CHALLENGE_HEADER, INSTANCE_PROOF_HEADER, instanceProofValid, newInstanceChallenge, ProjectRole, signToken, TokenAccess } from '@wharf/auth';
import { createTestDatabase, TestDatabase } from '@wharf/db/testing';
import { SendThenRead, type SentAnswer } from '@wharf/http/testing';
import { errorCode, IdentityFixtures, makeImage, pushImage, RegistryHarness, repositoryPermissions, startTestRegistry } from '../testing';

/**
 * The registry in token mode, with tokens signed here by a key of the test's own (what core's
 * token service does is tested in core): which tokens it accepts, for what, and what it answers
 * when they do not do.
 */

const ISSUER = 'test-issuer';
const SERVICE = 'test-registry';
const REALM = 'http://token.example.test/service/token';
const INSTANCE_KEY = 'instance-key-of-this-test-registry';

function keyPair(): KeyObject {
  // 2048 bits keeps key generation quick; core uses 3072.
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return privateKey;
}

function base64url(value: unknown): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

describe('registry token authentication', () => {
  let db: TestDatabase;
  let registry: RegistryHarness;
  let fixtures: IdentityFixtures;
  let keyDir: string;
  const signingKey = keyPair();
  let url: string;

  const token = async (access: TokenAccess[], options: { subject?: string; key?: KeyObject; issuer?: string; audience?: string; expiresIn?: number; now?: number } = {}) =>
    (await signToken(options.key ?? signingKey, {
      issuer: options.issuer ?? ISSUER,
      audience: options.audience ?? SERVICE,
      subject: options.subject ?? 'alice',
      access,
      expiresIn: options.expiresIn ?? 300,
      now: options.now,
    })).token;
  const repo = (name: string, ...actions: string[]): TokenAccess => ({ type: 'repository', name, actions });
  const bearer = (t: string) => ({ Authorization: `Bearer ${t}` });
  const basic = (user: string, password: string) => ({ Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });
  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${url}${path}`, { headers });

  const suffix = Date.now().toString(36);
  // LoginThrottle counters live in the shared Redis: names unique to this run keep runs apart.
  const alice = `alice-${suffix}`;
  const guest = `guest-${suffix}`;
  const admin = `root-${suffix}`;
  const PASSWORD = 'Passw0rdOfTest';
  let robot: { login: string; secret: string };

  beforeAll(async () => {
    db = await createTestDatabase('wharf_reg_auth');
    keyDir = await mkdtemp(join(tmpdir(), 'wharf-key-'));
    const keyPath = join(keyDir, 'private_key.pem');
    await writeFile(keyPath, signingKey.export({ type: 'pkcs8', format: 'pem' }) as string, { mode: 0o600 });
    registry = await startTestRegistry(
      { auth: { mode: 'token', realm: REALM, issuer: ISSUER, service: SERVICE, privateKeyPath: keyPath, robotPrefix: 'robot$' }, instanceKey: INSTANCE_KEY },
      { db },
    );
    url = registry.url;
    fixtures = IdentityFixtures.open(db.url);
    const aliceId = await fixtures.user(alice, PASSWORD);
    const guestId = await fixtures.user(guest, PASSWORD);
    await fixtures.user(admin, PASSWORD, { sysadmin: true });
    const team = await fixtures.project('team');
    const other = await fixtures.project('other');
    await fixtures.project('open', { public: true });
    await fixtures.project('hidden');
    await fixtures.member(team, aliceId, ProjectRole.Developer);
    await fixtures.member(team, guestId, ProjectRole.Guest);
    await fixtures.member(other, aliceId, ProjectRole.Maintainer);
    robot = await fixtures.robot({ name: 'ci', project: { id: other, name: 'other' }, permissions: repositoryPermissions('other', ['pull', 'push']) });
    // Content to pull and list: pushed with tokens that grant it.
    for (const name of ['team/app', 'other/lib', 'open/base', 'hidden/secret']) {
      const res = await pushImage(url, name, makeImage(), 'v1', bearer(await token([repo(name, 'pull', 'push')], { subject: admin })));
      expect({ name, status: res.status }).toEqual({ name, status: 201 });
    }
  }, 60_000);

  afterAll(async () => {
    await fixtures?.close();
    await registry?.close();
    await db?.drop();
    if (keyDir) await rm(keyDir, { recursive: true, force: true });
  });

  describe('challenges', () => {
    it('GET /v2/ without credentials: 401 UNAUTHORIZED, a Bearer challenge without scope', async () => {
      const res = await get('/v2/');
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe(`Bearer realm="${REALM}",service="${SERVICE}"`);
      expect(await errorCode(res)).toBe('UNAUTHORIZED');
    });

    it("answers an installer's challenge with this installation's proof, even on a 401, and only when asked", async () => {
      const challenge = newInstanceChallenge();
      const res = await get('/v2/', { [INSTANCE_CHALLENGE_HEADER]: challenge });
      expect(res.status).toBe(401);
      expect(instanceProofValid(INSTANCE_KEY, challenge, res.headers.get(INSTANCE_PROOF_HEADER))).toBe(true);
      const health = await get('/healthz', { [INSTANCE_CHALLENGE_HEADER]: challenge });
      expect(instanceProofValid(INSTANCE_KEY, challenge, health.headers.get(INSTANCE_PROOF_HEADER))).toBe(true);
      expect((await get('/v2/')).headers.get(INSTANCE_PROOF_HEADER)).toBeNull();
    });

    it('a pull route names the repository and pull; an upload names pull,push; a delete names delete', async () => {
      const pull = await get('/v2/team/app/manifests/v1');
      expect(pull.status).toBe(401);
      expect(pull.headers.get('www-authenticate')).toBe(`Bearer realm="${REALM}",service="${SERVICE}",scope="repository:team/app:pull"`);
      const body = await pull.json() as { errors: { code: string; detail: unknown }[] };
      expect(body.errors[0]).toMatchObject({ code: 'UNAUTHORIZED', detail: [{ Type: 'repository', Name: 'team/app', Action: 'pull' }] });

      const upload = await fetch(`${url}/v2/team/app/blobs/uploads/`, { method: 'POST' });
      expect(upload.status).toBe(401);
      expect(upload.headers.get('www-authenticate')).toContain(',scope="repository:team/app:pull,push"');

      const del = await fetch(`${url}/v2/team/app/manifests/v1`, { method: 'DELETE' });
      expect(del.status).toBe(401);
      expect(del.headers.get('www-authenticate')).toContain(',scope="repository:team/app:delete"');
    });

    it('answers large uploads refused for their credentials to a client that reads only after sending', async () => {
      const big = Buffer.alloc(20 * 1024 * 1024, 5);
      const connection = await SendThenRead.open(url);
      try {
        const target = `/v2/team/app/blobs/uploads/?digest=sha256:${'0'.repeat(64)}`;
        const wrong = { Authorization: `Basic ${Buffer.from('nobody:Wrong-Password1').toString('base64')}` };
        const answers: SentAnswer[] = [];
        for (let i = 0; i < 3; i++) answers.push(await connection.exchange('POST', target, { body: big }));
        answers.push(await connection.exchange('POST', target, { body: big, headers: wrong }));
        answers.push(await connection.exchange('GET', '/v2/'));
        expect(answers.map((a) => a.status ?? a.error)).toEqual([401, 401, 401, 401, 401]);
        expect(JSON.parse(answers[0]!.body!)).toMatchObject({ errors: [{ code: 'UNAUTHORIZED' }] });
      } finally {
        connection.close();
      }
    });

    it('a cross-repository mount names pull on its source beside the target in its first challenge (as distribution and Harbor)', async () => {
      const layer = await (await get('/v2/other/lib/manifests/v1', { ...bearer(await token([repo('other/lib', 'pull')], { subject: admin })), Accept: 'application/vnd.oci.image.manifest.v1+json' })).json() as {
        layers: { digest: string }[];
      };
      const mountPath = `/v2/team/app/blobs/uploads/?mount=${layer.layers[0].digest}&from=other/lib`;
      const both = 'scope="repository:team/app:pull,push repository:other/lib:pull"';
      const anonymous = await fetch(`${url}${mountPath}`, { method: 'POST' });
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers.get('www-authenticate')).toBe(`Bearer realm="${REALM}",service="${SERVICE}",${both}`);
      // A token for the target alone (what a client holds from the push's earlier requests) is
      // sent back for one that holds both, not for one holding the source alone.
      const targetOnly = await fetch(`${url}${mountPath}`, { method: 'POST', headers: bearer(await token([repo('team/app', 'pull', 'push')])) });
      expect(targetOnly.status).toBe(401);
      expect(targetOnly.headers.get('www-authenticate')).toBe(`Bearer realm="${REALM}",service="${SERVICE}",${both},error="insufficient_scope"`);
      const mounted = await fetch(`${url}${mountPath}`, { method: 'POST', headers: bearer(await token([repo('team/app', 'pull', 'push'), repo('other/lib', 'pull')])) });
      expect(mounted.status).toBe(201);
      expect(mounted.headers.get('docker-content-digest')).toBe(layer.layers[0].digest);
    });

    it('HEAD requests get the challenge without a body', async () => {
      const res = await fetch(`${url}/v2/team/app/manifests/v1`, { method: 'HEAD' });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toContain('scope="repository:team/app:pull"');
      expect(await res.text()).toBe('');
    });

    it('the catalog asks for registry:catalog:*', async () => {
      const res = await get('/v2/_catalog');
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toContain(',scope="registry:catalog:*"');
    });

    it('a malformed Authorization header is refused with invalid_token', async () => {
      for (const header of ['Bearer', 'Basic !!!', 'Digest abc', 'Basic ' + Buffer.from('nocolon').toString('base64')]) {
        const res = await get('/v2/', { Authorization: header });
        expect({ header, status: res.status, challenge: res.headers.get('www-authenticate') }).toEqual({
          header,
          status: 401,
          challenge: expect.stringContaining('error="invalid_token"'),
        });
      }
    });
  });

  describe('bearer tokens', () => {
    it('a token granting pull on a repository pulls from it', async () => {
      const t = await token([repo('team/app', 'pull')]);
      expect((await get('/v2/', bearer(t))).status).toBe(200);
      const res = await get('/v2/team/app/manifests/v1', { ...bearer(t), Accept: 'application/vnd.oci.image.manifest.v1+json' });
      expect(res.status).toBe(200);
      const tags = await get('/v2/team/app/tags/list', bearer(t));
      expect(await tags.json()).toEqual({ name: 'team/app', tags: ['v1'] });
    });

    it('the same token is refused for another repository: 401 insufficient_scope naming what is needed', async () => {
      const t = await token([repo('team/app', 'pull')]);
      const res = await get('/v2/other/lib/tags/list', bearer(t));
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe(
        `Bearer realm="${REALM}",service="${SERVICE}",scope="repository:other/lib:pull",error="insufficient_scope"`,
      );
      expect(await errorCode(res)).toBe('UNAUTHORIZED');
      // A name that extends or shortens it is another repository too.
      expect((await get('/v2/team/app/sub/tags/list', bearer(t))).status).toBe(401);
      expect((await get('/v2/team/ap/tags/list', bearer(t))).status).toBe(401);
    });

    it('a pull-only token cannot push, and a push needs pull as well', async () => {
      const pullOnly = await token([repo('team/app', 'pull')]);
      const res = await fetch(`${url}/v2/team/app/blobs/uploads/`, { method: 'POST', headers: bearer(pullOnly) });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toContain('scope="repository:team/app:pull,push",error="insufficient_scope"');
      const pushOnly = await token([repo('team/app', 'push')]);
      expect((await fetch(`${url}/v2/team/app/blobs/uploads/`, { method: 'POST', headers: bearer(pushOnly) })).status).toBe(401);
    });

    it('grants for several repositories in one token each work, and `*` stands for every action', async () => {
      const t = await token([repo('team/app', 'pull'), repo('other/lib', '*')]);
      expect((await get('/v2/team/app/tags/list', bearer(t))).status).toBe(200);
      expect((await get('/v2/other/lib/tags/list', bearer(t))).status).toBe(200);
      const upload = await fetch(`${url}/v2/other/lib/blobs/uploads/`, { method: 'POST', headers: bearer(t) });
      expect(upload.status).toBe(202);
    });

    it('a token granting push pushes a whole image', async () => {
      const t = await token([repo('team/app', 'pull', 'push')]);
      const res = await pushImage(url, 'team/app', makeImage(), 'v2', bearer(t));
      expect(res.status).toBe(201);
    });

    it.each([
      ['expired', () => token([repo('team/app', 'pull')], { now: Math.floor(Date.now() / 1000) - 3600, expiresIn: 60 }), 'token expired'],
      ['meant for another service', () => token([repo('team/app', 'pull')], { audience: 'other-registry' }), 'another service'],
      ['from another issuer', () => token([repo('team/app', 'pull')], { issuer: 'someone-else' }), 'another issuer'],
      ['signed by another key', () => token([repo('team/app', 'pull')], { key: keyPair() }), 'unknown key'],
    ])('a token %s is refused with invalid_token', async (_label, make, reason) => {
      const res = await get('/v2/team/app/tags/list', bearer(await make()));
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toContain('scope="repository:team/app:pull",error="invalid_token"');
      const body = await res.json() as { errors: { code: string; message: string }[] };
      expect(body.errors[0].code).toBe('UNAUTHORIZED');
      expect(body.errors[0].message).toContain(reason);
    });

    it('a token signed by another key under the right key id fails the signature check', async () => {
      const good = await token([repo('team/app', 'pull')]);
      const [header] = good.split('.');
      const forged = (await signToken(keyPair(), { issuer: ISSUER, audience: SERVICE, subject: 'alice', access: [repo('team/app', 'pull')], expiresIn: 300 })).token.split('.');
      const res = await get('/v2/team/app/tags/list', bearer(`${header}.${forged[1]}.${forged[2]}`));
      expect(res.status).toBe(401);
      expect((await res.json() as { errors: { message: string }[] }).errors[0].message).toContain('invalid token signature');
    });

    it('a tampered token (claims widened after signing) is refused', async () => {
      const [header, , signature] = (await token([repo('team/app', 'pull')])).split('.');
      const claims = { iss: ISSUER, sub: 'alice', aud: SERVICE, exp: Math.floor(Date.now() / 1000) + 300, access: [repo('team/app', 'pull', 'push'), repo('hidden/secret', 'pull')] };
      const res = await get('/v2/hidden/secret/tags/list', bearer(`${header}.${base64url(claims)}.${signature}`));
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
    });

    it('an unsigned token (alg none) and an HMAC token are refused', async () => {
      const claims = { iss: ISSUER, sub: admin, aud: SERVICE, exp: Math.floor(Date.now() / 1000) + 300, access: [repo('hidden/secret', 'pull')] };
      for (const alg of ['none', 'HS256']) {
        const unsigned = `${base64url({ typ: 'JWT', alg })}.${base64url(claims)}.`;
        const res = await get('/v2/hidden/secret/tags/list', bearer(unsigned));
        expect({ alg, status: res.status }).toEqual({ alg, status: 401 });
        expect((await res.json() as { errors: { message: string }[] }).errors[0].message).toContain('unsupported token algorithm');
      }
    });

    it('garbage in place of a token is refused, never a 5xx', async () => {
      for (const t of ['abc', 'a.b.c', '..', `${base64url('{')}.${base64url('[]')}.x`, 'x'.repeat(10_000)]) {
        const res = await get('/v2/', bearer(t));
        expect({ t: t.slice(0, 20), status: res.status }).toEqual({ t: t.slice(0, 20), status: 401 });
      }
    });
  });

  describe('pushes outside existing projects', () => {
    it('a signed-in client pushing into a project that does not exist gets DENIED saying so', async () => {
      const t = await token([], { subject: alice });
      const res = await fetch(`${url}/v2/ghost/app/blobs/uploads/`, { method: 'POST', headers: bearer(t) });
      expect(res.status).toBe(403);
      const body = await res.json() as { errors: { code: string; message: string }[] };
      expect(body.errors[0]).toEqual({ code: 'DENIED', message: expect.stringContaining('project "ghost" does not exist') });
    });

    it('reads there answer NAME_UNKNOWN with the reason (so a client\'s blob check goes on to the upload)', async () => {
      const t = await token([], { subject: alice });
      const head = await fetch(`${url}/v2/ghost/app/blobs/sha256:${'a'.repeat(64)}`, { method: 'HEAD', headers: bearer(t) });
      expect(head.status).toBe(404);
      const res = await get('/v2/ghost/app/tags/list', bearer(t));
      expect(res.status).toBe(404);
      const body = await res.json() as { errors: { code: string; message: string }[] };
      expect(body.errors[0]).toMatchObject({ code: 'NAME_UNKNOWN', message: expect.stringContaining('project "ghost" does not exist') });
      expect((await get('/v2/loner/tags/list', basic(alice, PASSWORD))).status).toBe(404);
    });

    it('a name without a project part is refused with DENIED saying so', async () => {
      const t = await token([], { subject: alice });
      const res = await fetch(`${url}/v2/loner/blobs/uploads/`, { method: 'POST', headers: bearer(t) });
      expect(res.status).toBe(403);
      expect((await res.json() as { errors: { message: string }[] }).errors[0].message).toContain('has no project part');
    });

    it('an anonymous client is still sent to the token service first', async () => {
      const res = await fetch(`${url}/v2/ghost/app/blobs/uploads/`, { method: 'POST', headers: bearer(await token([], { subject: '' })) });
      expect(res.status).toBe(401);
      expect((await get('/v2/ghost/app/tags/list', bearer(await token([], { subject: '' })))).status).toBe(401);
    });

    it('basic credentials pushing there get the same DENIED', async () => {
      const res = await fetch(`${url}/v2/ghost/app/blobs/uploads/`, { method: 'POST', headers: basic(admin, PASSWORD) });
      expect(res.status).toBe(403);
      expect((await res.json() as { errors: { message: string }[] }).errors[0].message).toContain('project "ghost" does not exist');
    });

    it('even a token granting the push does not make the registry create the project', async () => {
      const t = await token([repo('ghost/app', 'pull', 'push')], { subject: admin });
      const res = await pushImage(url, 'ghost/app', makeImage(), 'v1', bearer(t)).catch((err: Error) => err);
      expect(res).toBeInstanceOf(Error);
      expect((res as Error).message).toMatch(/403 .*DENIED.*project \\"ghost\\" does not exist/);
      expect(await fixtures.sql.query('SELECT id FROM project WHERE name = $1', ['ghost'])).toEqual([]);
      expect(await fixtures.sql.query('SELECT id FROM repository WHERE name = $1', ['ghost/app'])).toEqual([]);

      const loner = await pushImage(url, 'loner', makeImage(), 'v1', bearer(await token([repo('loner', 'pull', 'push')], { subject: admin }))).catch((err: Error) => err);
      expect((loner as Error).message).toMatch(/403 .*has no project part/);
    });
  });

  describe('basic credentials sent to the registry', () => {
    it('a user with the right password passes /v2/; a wrong password gets the challenge', async () => {
      expect((await get('/v2/', basic(alice, PASSWORD))).status).toBe(200);
      const wrong = await get('/v2/', basic(alice, 'nope'));
      expect(wrong.status).toBe(401);
      expect(wrong.headers.get('www-authenticate')).toBe(`Bearer realm="${REALM}",service="${SERVICE}"`);
    });

    it('a developer pushes and pulls; a guest pulls but may not push (DENIED)', async () => {
      expect((await pushImage(url, 'team/app', makeImage(), 'by-alice', basic(alice, PASSWORD))).status).toBe(201);
      expect((await get('/v2/team/app/tags/list', basic(guest, PASSWORD))).status).toBe(200);
      const res = await fetch(`${url}/v2/team/app/blobs/uploads/`, { method: 'POST', headers: basic(guest, PASSWORD) });
      expect(res.status).toBe(403);
      expect(await errorCode(res)).toBe('DENIED');
      // No role in a private project: nothing.
      expect((await get('/v2/hidden/secret/tags/list', basic(alice, PASSWORD))).status).toBe(403);
    });

    it('robots hold exactly their permissions', async () => {
      expect((await get('/v2/other/lib/tags/list', basic(robot.login, robot.secret))).status).toBe(200);
      expect((await get('/v2/team/app/tags/list', basic(robot.login, robot.secret))).status).toBe(403);
      // Robots get the visitor rights of public projects (pull), as in Harbor; no more.
      expect((await get('/v2/open/base/tags/list', basic(robot.login, robot.secret))).status).toBe(200);
      expect((await fetch(`${url}/v2/open/base/blobs/uploads/`, { method: 'POST', headers: basic(robot.login, robot.secret) })).status).toBe(403);
      expect((await get('/v2/', basic(robot.login, 'wrong'))).status).toBe(401);
    });

    it('five wrong passwords lock the user from this address, even for the right password', async () => {
      const victim = `victim-${suffix}`;
      await fixtures.user(victim, PASSWORD);
      for (let i = 0; i < 5; i++) expect((await get('/v2/', basic(victim, `wrong-${i}`))).status).toBe(401);
      const locked = await get('/v2/', basic(victim, PASSWORD));
      expect(locked.status).toBe(401);
      expect(locked.headers.get('www-authenticate')).toBe(`Bearer realm="${REALM}",service="${SERVICE}"`);
      expect((await locked.json() as { errors: { code: string; message: string }[] }).errors[0]).toMatchObject({
        code: 'UNAUTHORIZED',
        message: 'too many failed attempts; try again later',
      });
    });

    it('guesses from twenty addresses never lock the right password out of an address that has not failed', async () => {
      const target = `target-${suffix}`;
      await fixtures.user(target, PASSWORD);
      const from = (address: string) => ({ 'X-Forwarded-For': address });
      await Promise.all(
        Array.from({ length: 20 }, async (_, i) => {
          for (let n = 0; n < 5; n++) await get('/v2/', { ...basic(target, `guess-${i}-${n}`), ...from(`198.51.100.${i}`) });
        }),
      );
      expect((await get('/v2/', { ...basic(target, PASSWORD), ...from('203.0.113.9') })).status).toBe(200);
      expect((await get('/v2/', basic(target, PASSWORD))).status).toBe(200);
      const guesser = await get('/v2/', { ...basic(target, PASSWORD), ...from('198.51.100.4') });
      expect(guesser.status).toBe(401);
      expect((await guesser.json() as { errors: { message: string }[] }).errors[0].message).toBe('too many failed attempts; try again later');
    }, 120_000);
  });

  describe('account changes apply to the next request, on every registry serving the database', () => {
    let second: RegistryHarness;
    beforeAll(async () => {
      second = await startTestRegistry({ auth: registry.config.auth }, { db });
    });
    afterAll(async () => {
      await second?.close();
    });
    /** The status of the same request on both registries, each having answered it before. */
    const onBoth = async (path: string, headers: Record<string, string>) => [
      (await fetch(`${url}${path}`, { headers })).status,
      (await fetch(`${second.url}${path}`, { headers })).status,
    ];

    it('a reset password: the old one is refused at once, the new one accepted', async () => {
      const name = `reset-${suffix}`;
      const id = await fixtures.user(name, PASSWORD);
      expect(await onBoth('/v2/', basic(name, PASSWORD))).toEqual([200, 200]);
      // What core's password change writes.
      await fixtures.sql.query('UPDATE app_user SET password_hash = $2 WHERE id = $1', [id, await hashPassword('Renewed12345')]);
      expect(await onBoth('/v2/', basic(name, PASSWORD))).toEqual([401, 401]);
      expect(await onBoth('/v2/', basic(name, 'Renewed12345'))).toEqual([200, 200]);
    });

    it('a deleted user, or one who lost a role or the administrator flag, at once', async () => {
      const name = `leaver-${suffix}`;
      const id = await fixtures.user(name, PASSWORD, { sysadmin: true });
      expect(await onBoth('/v2/hidden/secret/tags/list', basic(name, PASSWORD))).toEqual([200, 200]);
      await fixtures.sql.query('UPDATE app_user SET sysadmin = false WHERE id = $1', [id]);
      expect(await onBoth('/v2/hidden/secret/tags/list', basic(name, PASSWORD))).toEqual([403, 403]);
      await fixtures.sql.query('DELETE FROM app_user WHERE id = $1', [id]);
      expect(await onBoth('/v2/', basic(name, PASSWORD))).toEqual([401, 401]);
    });

    it('a robot disabled, given other permissions, with a new secret or deleted, at once', async () => {
      const team = (await fixtures.sql.one<{ id: number }>("SELECT id FROM project WHERE name = 'team'"))?.id as number;
      const bot = await fixtures.robot({ name: `bot-${suffix}`, project: { id: team, name: 'team' }, permissions: repositoryPermissions('team', ['pull']) });
      const creds = basic(bot.login, bot.secret);
      expect(await onBoth('/v2/team/app/tags/list', creds)).toEqual([200, 200]);
      await fixtures.sql.query('UPDATE robot SET disabled = true WHERE id = $1', [bot.id]);
      expect(await onBoth('/v2/team/app/tags/list', creds)).toEqual([401, 401]);
      await fixtures.sql.query('UPDATE robot SET disabled = false WHERE id = $1', [bot.id]);
      await fixtures.setRobotPermissions(bot.id, repositoryPermissions('team', ['push']));
      expect(await onBoth('/v2/team/app/tags/list', creds)).toEqual([403, 403]);
      await fixtures.sql.query('UPDATE robot SET secret_hash = $2 WHERE id = $1', [bot.id, await hashPassword('NewSecret12345')]);
      expect(await onBoth('/v2/', creds)).toEqual([401, 401]);
      expect(await onBoth('/v2/', basic(bot.login, 'NewSecret12345'))).toEqual([200, 200]);
      await fixtures.sql.query('DELETE FROM robot WHERE id = $1', [bot.id]);
      expect(await onBoth('/v2/', basic(bot.login, 'NewSecret12345'))).toEqual([401, 401]);
    });
  });

  describe('catalog', () => {
    const catalog = async (headers: Record<string, string>) => {
      const res = await get('/v2/_catalog', headers);
      expect(res.status).toBe(200);
      return (await res.json() as { repositories: string[] }).repositories;
    };
    const all = ['hidden/secret', 'open/base', 'other/lib', 'team/app'];

    it('a token granting registry:catalog:* lists every repository', async () => {
      expect(await catalog(bearer(await token([{ type: 'registry', name: 'catalog', actions: ['*'] }], { subject: admin })))).toEqual(all);
    });

    it('a user lists the repositories of their projects and of public ones', async () => {
      expect(await catalog(bearer(await token([], { subject: alice })))).toEqual(['open/base', 'other/lib', 'team/app']);
      expect(await catalog(basic(guest, PASSWORD))).toEqual(['open/base', 'team/app']);
    });

    it('a system administrator lists everything even without the catalog grant', async () => {
      expect(await catalog(bearer(await token([], { subject: admin })))).toEqual(all);
      expect(await catalog(basic(admin, PASSWORD))).toEqual(all);
    });

    it('a robot lists what it is granted and public projects; anonymous callers and unknown subjects see public projects', async () => {
      expect(await catalog(bearer(await token([], { subject: robot.login })))).toEqual(['open/base', 'other/lib']);
      expect(await catalog(basic(robot.login, robot.secret))).toEqual(['open/base', 'other/lib']);
      expect(await catalog(bearer(await token([], { subject: '' })))).toEqual(['open/base']);
      expect(await catalog(bearer(await token([], { subject: 'deleted-user' })))).toEqual(['open/base']);
    });

    it('pagination applies to the filtered list', async () => {
      const t = bearer(await token([], { subject: alice }));
      const first = await get('/v2/_catalog?n=2', t);
      expect(await first.json()).toEqual({ repositories: ['open/base', 'other/lib'] });
      const next = /^<([^>]+)>; rel="next"$/.exec(first.headers.get('link') ?? '');
      // hidden/secret, which alice may not see, is on no page.
      expect(await (await get(next?.[1] ?? '/v2/_catalog?missing-link', t)).json()).toEqual({ repositories: ['team/app'] });
    });
  });

  it('token mode without a readable key fails at start, naming the variables', async () => {
    await expect(
      startTestRegistry({
        auth: { mode: 'token', realm: REALM, issuer: ISSUER, service: SERVICE, privateKeyPath: join(keyDir, 'missing.pem'), robotPrefix: 'robot$' },
      }),
    ).rejects.toThrow(/TOKEN_PRIVATE_KEY .*missing\.pem.* cannot be read.*REGISTRY_AUTH=none/s);
  });

  it('a public key file (TOKEN_PUBLIC_KEY) verifies tokens too', async () => {
    const publicPath = join(keyDir, 'public_key.pem');
    await writeFile(publicPath, createPublicKey(signingKey).export({ type: 'spki', format: 'pem' }));
    const other = await startTestRegistry(
      { auth: { mode: 'token', realm: REALM, issuer: ISSUER, service: SERVICE, publicKeyPath: publicPath, privateKeyPath: join(keyDir, 'missing.pem'), robotPrefix: 'robot$' } },
      { db },
    );
    try {
      expect((await fetch(`${other.url}/v2/team/app/tags/list`, { headers: bearer(await token([repo('team/app', 'pull')])) })).status).toBe(200);
    } finally {
      await other.close();
    }
  });
});
