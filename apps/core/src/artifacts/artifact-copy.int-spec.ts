import { eventsStream } from '@wharf/jobs';
import Redis from 'ioredis';
import { ArtifactRow, RegistryRows } from '@wharf/testing';
import { addTestMember, api, CoreHarness, createRoleCast, createTestProject, errorCode, ROLE_CAST, startTestCore, TestUser } from '../testing';

interface ArtifactView {
  id: number;
  digest: string;
  repository_name: string;
  references: { child_digest: string }[];
  tags?: { name: string }[];
  accessories?: { digest: string }[];
}

const NOTATION = 'application/vnd.cncf.notary.signature';

describe('artifact copy (POST /projects/{p}/repositories/{r}/artifacts?from=)', () => {
  let core: CoreHarness;
  let rows: RegistryRows;
  let srcRepo: string;
  const a = {} as Record<'image' | 'amd64' | 'arm64' | 'index' | 'signature' | 'loose', ArtifactRow>;
  const users = {} as Record<keyof typeof ROLE_CAST, TestUser>;

  const call = <T = unknown>(method: string, path: string, auth?: string) => api<T>(core.url, method, `/api/v2.0${path}`, { auth });
  const copy = (target: string, from: string | undefined, auth: string | undefined) =>
    call('POST', `/projects/${target}/artifacts${from === undefined ? '' : `?from=${encodeURIComponent(from)}`}`, auth);
  const artifactsIn = (repository: string) => rows.count('artifact', 'repository_id = (SELECT id FROM repository WHERE name = $1)', [repository]);
  const createRows = (repository: string) =>
    rows.count('audit_log', "operation = 'create' AND resource_type = 'artifact' AND (resource LIKE $1 OR resource LIKE $2)", [`${repository}:%`, `${repository}@%`]);

  beforeAll(async () => {
    core = await startTestCore();
    rows = RegistryRows.open(core.db.url);
    await createTestProject(core.url, core.adminAuth, 'dst');
    await createTestProject(core.url, core.adminAuth, 'src');
    await createTestProject(core.url, core.adminAuth, 'closed');
    Object.assign(users, await createRoleCast(core.url, core.adminAuth, 'dst'));
    // Everyone but mallory may read the source project.
    for (const name of ['alice', 'dave', 'gina', 'maria', 'lena'] as const) await addTestMember(core.url, core.adminAuth, 'src', name, 3);
    srcRepo = await rows.repository('src/app');
    a.image = await rows.artifact(srcRepo);
    a.amd64 = await rows.artifact(srcRepo);
    a.arm64 = await rows.artifact(srcRepo);
    a.index = await rows.index(srcRepo, [
      { artifact: a.amd64, platform: { os: 'linux', architecture: 'amd64' } },
      { artifact: a.arm64, platform: { os: 'linux', architecture: 'arm64' } },
    ]);
    a.signature = await rows.artifact(srcRepo, { configMediaType: 'application/vnd.oci.empty.v1+json', artifactType: NOTATION, subjectDigest: a.index.digest });
    a.loose = await rows.artifact(srcRepo);
    await rows.tag(srcRepo, a.index.id, 'v1');
    await rows.tag(srcRepo, a.index.id, 'latest');
    await rows.tag(srcRepo, a.amd64.id, 'amd-only');
    await rows.tag(srcRepo, a.image.id, 'plain');
    const secret = await rows.repository('closed/secret');
    await rows.tag(secret, (await rows.artifact(secret)).id, 'v1');
  });

  afterAll(async () => {
    await rows?.close();
    await core?.close();
  });

  it('copies an index with its children, accessories and tags, and answers 201 with its Location', async () => {
    const res = await copy('dst/repositories/copy', 'src/app:v1', users.dave.auth);
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe('/api/v2.0/projects/dst/repositories/copy/artifacts/v1');
    expect(await artifactsIn('dst/copy')).toBe(4);

    const view = await call<ArtifactView>('GET', '/projects/dst/repositories/copy/artifacts/v1?with_accessory=true', users.gina.auth);
    expect(view.status).toBe(200);
    expect(view.body.digest).toBe(a.index.digest);
    expect(view.body.repository_name).toBe('dst/copy');
    expect(view.body.references.map((r) => r.child_digest).sort()).toEqual([a.amd64.digest, a.arm64.digest].sort());
    expect(view.body.tags?.map((t) => t.name).sort()).toEqual(['latest', 'v1']);
    expect(view.body.accessories?.map((x) => x.digest)).toEqual([a.signature.digest]);
    // A child's own tag comes along; the source is left as it was.
    expect((await call('GET', '/projects/dst/repositories/copy/artifacts/amd-only', users.gina.auth)).status).toBe(200);
    expect(await artifactsIn('src/app')).toBe(6);

    // Blob links and the quota follow the copied rows.
    const [{ links }] = await rows.query<{ links: number }>(
      `SELECT count(*)::int AS links FROM repository_blob rb JOIN repository r ON r.id = rb.repository_id WHERE r.name = 'dst/copy'`,
    );
    expect(links).toBe(4);
    const [{ used }] = await rows.query<{ used: string }>(`SELECT q.used FROM quota q JOIN project p ON p.id = q.project_id WHERE p.name = 'dst'`);
    expect(Number(used)).toBe(4 * 500);

    // One create row per artifact made, each named by its newest tag or its digest, by the caller.
    const audit = await rows.query<{ resource: string; username: string }>(
      "SELECT resource, username FROM audit_log WHERE operation = 'create' AND resource_type = 'artifact' AND resource LIKE 'dst/copy%' ORDER BY resource",
    );
    expect(audit).toEqual(
      ['dst/copy:latest', 'dst/copy:amd-only', `dst/copy@${a.arm64.digest}`, `dst/copy@${a.signature.digest}`].sort().map((resource) => ({ resource, username: 'dave' })),
    );

    // And one PUSH_ARTIFACT event each on the installation's event stream, for webhooks.
    const redis = new Redis(core.config.jobRedisUrl);
    try {
      const entries = await redis.xrange(eventsStream(core.config.jobQueuePrefix), '-', '+');
      const pushes = entries
        .map(([, fields]) => JSON.parse(fields[1]) as { type: string; repository: string; digest: string; tag?: string; operator: string })
        .filter((e) => e.type === 'PUSH_ARTIFACT' && e.repository === 'dst/copy');
      expect(pushes.map((e) => `${e.digest}:${e.tag ?? ''}:${e.operator}`).sort()).toEqual(
        [`${a.index.digest}:latest:dave`, `${a.amd64.digest}:amd-only:dave`, `${a.arm64.digest}::dave`, `${a.signature.digest}::dave`].sort(),
      );
    } finally {
      redis.disconnect();
    }
  });

  it('copies by digest, the Location naming the digest; a copy made again changes nothing', async () => {
    const res = await copy('dst/repositories/by-digest', `src/app@${a.image.digest}`, users.maria.auth);
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe(`/api/v2.0/projects/dst/repositories/by-digest/artifacts/${a.image.digest}`);
    const again = await copy('dst/repositories/by-digest', `src/app:plain`, users.maria.auth);
    expect(again.status).toBe(201);
    expect(await artifactsIn('dst/by-digest')).toBe(1);
    expect(await rows.count('tag', "name = 'plain' AND repository_id = (SELECT id FROM repository WHERE name = 'dst/by-digest')")).toBe(1);
  });

  it('moves a tag the destination has on another artifact, as Harbor', async () => {
    expect((await copy('dst/repositories/moving', `src/app@${a.loose.digest}`, users.alice.auth)).status).toBe(201);
    const moving = (await rows.query<{ id: string }>("SELECT id FROM repository WHERE name = 'dst/moving'"))[0].id;
    const looseCopy = (await rows.query<{ id: string }>('SELECT id FROM artifact WHERE repository_id = $1', [moving]))[0].id;
    await rows.tag(moving, looseCopy, 'plain');
    expect((await copy('dst/repositories/moving', 'src/app:plain', users.alice.auth)).status).toBe(201);
    const view = await call<ArtifactView>('GET', '/projects/dst/repositories/moving/artifacts/plain', users.alice.auth);
    expect(view.body.digest).toBe(a.image.digest);
  });

  it('refuses to move an immutable tag (412) and leaves the destination alone', async () => {
    const created = await api(core.url, 'POST', '/api/v2.0/projects/dst/immutabletagrules', {
      auth: users.alice.auth,
      body: {
        action: 'immutable',
        template: 'immutable_template',
        tag_selectors: [{ kind: 'doublestar', decoration: 'matches', pattern: 'v*' }],
        scope_selectors: { repository: [{ kind: 'doublestar', decoration: 'repoMatches', pattern: 'locked' }] },
      },
    });
    expect(created.status).toBe(201);
    expect((await copy('dst/repositories/locked', `src/app@${a.loose.digest}`, users.alice.auth)).status).toBe(201);
    const locked = (await rows.query<{ id: string }>("SELECT id FROM repository WHERE name = 'dst/locked'"))[0].id;
    const looseCopy = (await rows.query<{ id: string }>('SELECT id FROM artifact WHERE repository_id = $1', [locked]))[0].id;
    await rows.tag(locked, looseCopy, 'v1');
    const res = await copy('dst/repositories/locked', 'src/app:v1', users.alice.auth);
    expect(res.status).toBe(412);
    expect(errorCode(res)).toBe('PRECONDITION');
    expect(await artifactsIn('dst/locked')).toBe(1);
    // A tag the rule does not protect elsewhere is copied.
    expect((await copy('dst/repositories/unlocked', 'src/app:v1', users.alice.auth)).status).toBe(201);
  });

  it('refuses a copy past the destination quota (403 DENIED) and records nothing', async () => {
    await createTestProject(core.url, core.adminAuth, 'tight');
    await rows.query("UPDATE project SET storage_limit = 1200 WHERE name = 'tight'");
    const res = await copy('tight/repositories/big', 'src/app:v1', core.adminAuth);
    expect(res.status).toBe(403);
    expect(errorCode(res)).toBe('DENIED');
    expect(await rows.count('repository', "name = 'tight/big'")).toBe(0);
    expect(await rows.count('audit_log', "resource LIKE 'tight/%'")).toBe(0);
    // What fits is copied.
    expect((await copy('tight/repositories/small', 'src/app:plain', core.adminAuth)).status).toBe(201);
  });

  it('refuses to copy an accessory on its own (403 DENIED)', async () => {
    const res = await copy('dst/repositories/sig', `src/app@${a.signature.digest}`, users.alice.auth);
    expect(res.status).toBe(403);
    expect(errorCode(res)).toBe('DENIED');
    expect(await rows.count('repository', "name = 'dst/sig'")).toBe(0);
  });

  describe('bad input', () => {
    it.each([
      ['no from', undefined],
      ['an empty from', ''],
      ['no reference', 'src/app'],
      ['no project', 'app:v1'],
      ['a bad tag', 'src/app:-bad'],
      ['a bad digest', 'src/app@sha256:abc'],
      ['a bad name', 'src/App:v1'],
      ['an unknown tag', 'src/app:nope'],
      ['an unknown repository', 'src/nope:v1'],
    ])('%s is 400 with nothing copied', async (_, from) => {
      const res = await copy('dst/repositories/bad', from, users.alice.auth);
      expect(res.status).toBe(400);
      expect(errorCode(res)).toBe('BAD_REQUEST');
      expect(await rows.count('repository', "name = 'dst/bad'")).toBe(0);
    });

    it('an unknown source or destination project is 404', async () => {
      expect((await copy('dst/repositories/bad', 'nosuch/app:v1', users.alice.auth)).status).toBe(404);
      expect((await copy('nosuch/repositories/bad', 'src/app:v1', core.adminAuth)).status).toBe(404);
    });

    it('an invalid destination repository name is 400', async () => {
      const res = await copy('dst/repositories/Bad', 'src/app:v1', users.alice.auth);
      expect(res.status).toBe(400);
    });
  });

  describe('RBAC: create artifact in the destination, read artifact in the source', () => {
    it.each([['alice'], ['maria'], ['dave']] as const)('lets %s copy', async (who) => {
      const res = await copy(`dst/repositories/by-${who}`, 'src/app:plain', users[who].auth);
      expect(res.status).toBe(201);
      expect(await createRows(`dst/by-${who}`)).toBe(1);
    });

    it.each([['gina'], ['lena'], ['mallory']] as const)('refuses %s (403)', async (who) => {
      const res = await copy(`dst/repositories/by-${who}`, 'src/app:plain', users[who].auth);
      expect(res.status).toBe(403);
      expect(await rows.count('repository', 'name = $1', [`dst/by-${who}`])).toBe(0);
    });

    it('refuses an anonymous caller (401)', async () => {
      expect((await copy('dst/repositories/anon', 'src/app:plain', undefined)).status).toBe(401);
    });

    it('refuses a source the caller cannot read (403)', async () => {
      const res = await copy('dst/repositories/stolen', 'closed/secret:v1', users.dave.auth);
      expect(res.status).toBe(403);
      expect(await rows.count('repository', "name = 'dst/stolen'")).toBe(0);
    });
  });
});
