import { ArtifactRow, randomDigest, RegistryRows } from '@wharf/testing';
import { addTestMember, api, ApiResponse, CoreHarness, createTestProject, createTestUser, errorCode, startTestCore, TestUser } from '../testing';

interface Quota {
  id: number;
  ref: { id: number; name: string; owner_name: string };
  hard: { storage: number };
  used: { storage: number };
  creation_time: string;
  update_time: string;
}

/** 1024 TiB. */
const MAX = 1125899906842624;

describe('quotas API (/quotas)', () => {
  let core: CoreHarness;
  let rows: RegistryRows;
  const ids = {} as Record<'team' | 'pub' | 'empty' | 'big', number>;
  const users = {} as Record<'alice' | 'gina' | 'lena' | 'mallory', TestUser>;
  let shared: string;

  const call = <T = unknown>(method: string, path: string, auth?: string, body?: unknown) => api<T>(core.url, method, `/api/v2.0${path}`, { auth, body });
  const admin = <T = unknown>(path: string) => call<T>('GET', path, core.adminAuth);
  const names = (res: ApiResponse<Quota[]>) => res.body.map((q) => q.ref.name);
  const recomputed = async (projectId: number) => Number((await rows.query<{ n: string }>('SELECT quota_recomputed($1)::text AS n', [projectId]))[0].n);
  const storageLimit = async (projectId: number) => Number((await rows.query<{ n: string }>('SELECT storage_limit::text AS n FROM project WHERE id = $1', [projectId]))[0].n);

  async function layer(size: number): Promise<string> {
    const [row] = await rows.query<{ id: string }>('INSERT INTO blob (digest, size) VALUES ($1, $2) RETURNING id', [randomDigest(), size]);
    return row.id;
  }

  /** An image (its 500-byte manifest blob) referencing `layers` too, as a push records it. */
  async function image(repositoryId: string, layers: string[]): Promise<ArtifactRow> {
    const artifact = await rows.artifact(repositoryId);
    if (layers.length > 0) {
      await rows.query('INSERT INTO artifact_blob (artifact_id, blob_id) SELECT $1, unnest($2::bigint[])', [artifact.id, layers]);
    }
    return artifact;
  }

  beforeAll(async () => {
    core = await startTestCore();
    rows = RegistryRows.open(core.db.url);
    for (const name of ['alice', 'gina', 'lena', 'mallory'] as const) users[name] = await createTestUser(core.url, core.adminAuth, name);
    ids.team = await createTestProject(core.url, users.alice.auth, 'team');
    await addTestMember(core.url, users.alice.auth, ids.team, 'gina', 3);
    await addTestMember(core.url, users.alice.auth, ids.team, 'lena', 5);
    ids.pub = await createTestProject(core.url, core.adminAuth, 'pub', true);
    ids.empty = await createTestProject(core.url, core.adminAuth, 'empty');
    const big = await call('POST', '/projects', core.adminAuth, { project_name: 'big', storage_limit: MAX });
    expect(big.status).toBe(201);
    ids.big = Number(big.headers.get('location')?.split('/').pop());

    // team: two images sharing a 10 000-byte layer, each with one of its own (3000, 4000 bytes).
    shared = await layer(10_000);
    const app = await rows.repository('team/app');
    await image(app, [shared, await layer(3000)]);
    await image(app, [shared, await layer(4000)]);
    // pub: the same shared layer counts again in another project.
    await image(await rows.repository('pub/web'), [shared]);
    // big: a single manifest.
    await image(await rows.repository('big/one'), []);
  });

  afterAll(async () => {
    await rows?.close();
    await core?.close();
  });

  describe('usage', () => {
    it('counts the distinct blobs of a project once, and a blob shared with another project in each', async () => {
      const team = await admin<Quota>(`/quotas/${ids.team}`);
      expect(team.status).toBe(200);
      // 10 000 + 3000 + 4000 + two 500-byte manifests.
      expect(team.body.used.storage).toBe(18_000);
      expect(team.body.used.storage).toBe(await recomputed(ids.team));
      const pub = await admin<Quota>(`/quotas/${ids.pub}`);
      expect(pub.body.used.storage).toBe(10_500);
      expect(pub.body.used.storage).toBe(await recomputed(ids.pub));
    });

    it('answers 0 for a project that never held anything', async () => {
      const res = await admin<Quota>(`/quotas/${ids.empty}`);
      expect(res.body).toMatchObject({ id: ids.empty, used: { storage: 0 }, hard: { storage: -1 } });
    });

    it('follows deletions: a blob still referenced or still in a repository stays counted', async () => {
      const repo = await rows.repository('team/tmp');
      const extra = await layer(700);
      const doomed = await image(repo, [shared, extra]);
      expect((await admin<Quota>(`/quotas/${ids.team}`)).body.used.storage).toBe(18_000 + 700 + 500);
      await rows.query('DELETE FROM artifact WHERE id = $1', [doomed.id]);
      // The layer only the artifact referenced goes; the manifest's bytes are still in the
      // repository (garbage collection takes them later), so they stay charged.
      const after = await admin<Quota>(`/quotas/${ids.team}`);
      expect(after.body.used.storage).toBe(18_000 + 500);
      expect(after.body.used.storage).toBe(await recomputed(ids.team));
      // With the repository, its blobs go.
      await rows.query('DELETE FROM repository WHERE id = $1', [repo]);
      const gone = await admin<Quota>(`/quotas/${ids.team}`);
      expect(gone.body.used.storage).toBe(18_000);
      expect(gone.body.used.storage).toBe(await recomputed(ids.team));
    });

    it('is what the project summary shows', async () => {
      const summary = await call<{ quota: { hard: { storage: number }; used: { storage: number } } }>('GET', `/projects/${ids.team}/summary`, users.alice.auth);
      expect(summary.body.quota).toEqual({ hard: { storage: -1 }, used: { storage: 18_000 } });
    });
  });

  describe('GET /quotas/{id}', () => {
    it('answers Harbor Quota, whose id is the project id', async () => {
      const res = await admin<Quota>(`/quotas/${ids.team}`);
      expect(res.body).toEqual({
        id: ids.team,
        ref: { id: ids.team, name: 'team', owner_name: 'alice' },
        hard: { storage: -1 },
        used: { storage: 18_000 },
        creation_time: expect.any(String),
        update_time: expect.any(String),
      });
      const project = await call<{ creation_time: string }>('GET', `/projects/${ids.team}`, core.adminAuth);
      expect(res.body.creation_time).toBe(project.body.creation_time);
      expect(Date.parse(res.body.update_time)).toBeGreaterThanOrEqual(Date.parse(res.body.creation_time));
    });

    it('shows the limit a system administrator gave at creation', async () => {
      expect((await admin<Quota>(`/quotas/${ids.big}`)).body).toMatchObject({ hard: { storage: MAX }, used: { storage: 500 }, ref: { name: 'big', owner_name: 'admin' } });
    });

    it.each(['alice', 'gina', 'lena'] as const)('lets %s, a member, read the project quota', async (who) => {
      const res = await call<Quota>('GET', `/quotas/${ids.team}`, users[who].auth);
      expect([res.status, res.body.id]).toEqual([200, ids.team]);
    });

    it('refuses outsiders with 403, of public projects too, and anonymous callers with 401', async () => {
      for (const id of [ids.team, ids.pub]) {
        const outsider = await call('GET', `/quotas/${id}`, users.mallory.auth);
        expect([outsider.status, errorCode(outsider)]).toEqual([403, 'FORBIDDEN']);
        const anonymous = await call('GET', `/quotas/${id}`);
        expect([anonymous.status, errorCode(anonymous)]).toEqual([401, 'UNAUTHORIZED']);
      }
      // Members of one project see nothing of another's.
      expect((await call('GET', `/quotas/${ids.empty}`, users.alice.auth)).status).toBe(403);
      // Anonymous callers learn nothing about which quotas exist.
      expect((await call('GET', '/quotas/999999')).status).toBe(401);
    });

    it('answers 404 for a quota that does not exist and 400 for an id that is not one', async () => {
      const missing = await admin('/quotas/999999');
      expect([missing.status, errorCode(missing)]).toEqual([404, 'NOT_FOUND']);
      expect((await call('GET', '/quotas/999999', users.alice.auth)).status).toBe(404);
      for (const bad of ['abc', '0', '-1', '99999999999']) {
        const res = await admin(`/quotas/${bad}`);
        expect([bad, res.status, errorCode(res)]).toEqual([bad, 400, 'BAD_REQUEST']);
      }
    });
  });

  describe('GET /quotas', () => {
    it('lists every project quota, newest project first, with X-Total-Count', async () => {
      const res = await admin<Quota[]>('/quotas?page_size=100');
      expect(res.status).toBe(200);
      const projects = await rows.query<{ id: number }>('SELECT id FROM project ORDER BY created_at DESC, id DESC');
      expect(res.body.map((q) => q.id)).toEqual(projects.map((p) => p.id));
      expect(res.headers.get('x-total-count')).toBe(String(projects.length));
      expect(names(res)).toEqual(expect.arrayContaining(['team', 'pub', 'empty', 'big', 'library']));
      for (const quota of res.body) expect(quota.used.storage).toBe(await recomputed(quota.id));
      expect(res.body.find((q) => q.id === ids.team)).toEqual((await admin<Quota>(`/quotas/${ids.team}`)).body);
    });

    it('pages with Link headers', async () => {
      const total = Number((await admin('/quotas')).headers.get('x-total-count'));
      const first = await admin<Quota[]>('/quotas?page=1&page_size=2');
      expect(first.body).toHaveLength(2);
      expect(first.headers.get('x-total-count')).toBe(String(total));
      expect(first.headers.get('link')).toBe('</api/v2.0/quotas?page=2&page_size=2>; rel="next"');
      const second = await admin<Quota[]>('/quotas?page=2&page_size=2');
      expect(second.headers.get('link')).toContain('rel="prev"');
      expect(second.body.map((q) => q.id)).not.toEqual(expect.arrayContaining(first.body.map((q) => q.id)));
      expect((await admin('/quotas?page_size=101')).status).toBe(422);
    });

    it('filters by reference and reference_id as Harbor does', async () => {
      const one = await admin<Quota[]>(`/quotas?reference=project&reference_id=${ids.pub}`);
      expect([names(one), one.headers.get('x-total-count')]).toEqual([['pub'], '1']);
      expect(names(await admin<Quota[]>(`/quotas?reference_id=${ids.team}`))).toEqual(['team']);
      for (const query of ['reference=user', `reference=user&reference_id=${ids.pub}`, 'reference_id=abc', 'reference_id=999999', `reference_id=0${ids.pub}`]) {
        const res = await admin<Quota[]>(`/quotas?${query}`);
        expect([query, res.status, res.body, res.headers.get('x-total-count')]).toEqual([query, 200, [], '0']);
      }
    });

    it('sorts by usage and by limit, an unlimited one above every number', async () => {
      const byUsed = await admin<Quota[]>('/quotas?sort=-used.storage&page_size=100');
      const used = byUsed.body.map((q) => q.used.storage);
      expect(used).toEqual([...used].sort((a, b) => b - a));
      expect(byUsed.body[0].ref.name).toBe('team');
      await call('PUT', `/quotas/${ids.empty}`, core.adminAuth, { hard: { storage: 5 } });
      const byHard = await admin<Quota[]>('/quotas?sort=hard.storage&page_size=100');
      expect(byHard.body[0].ref.name).toBe('empty');
      expect(byHard.body[1].ref.name).toBe('big');
      expect(byHard.body.slice(2).every((q) => q.hard.storage === -1)).toBe(true);
      const desc = await admin<Quota[]>('/quotas?sort=-hard.storage&page_size=100');
      expect(desc.body.slice(-2).map((q) => q.ref.name)).toEqual(['big', 'empty']);
      expect(desc.body.slice(0, -2).every((q) => q.hard.storage === -1)).toBe(true);
      await call('PUT', `/quotas/${ids.empty}`, core.adminAuth, { hard: { storage: -1 } });
    });

    it('sorts by creation time either way', async () => {
      const oldest = await admin<Quota[]>('/quotas?sort=creation_time&page_size=100');
      const newest = await admin<Quota[]>('/quotas?sort=-creation_time&page_size=100');
      expect(oldest.body[0].ref.name).toBe('library');
      expect(newest.body.map((q) => q.id)).toEqual([...oldest.body].reverse().map((q) => q.id));
      expect((await admin('/quotas?sort=%2Bcreation_time')).status).toBe(200);
      expect((await admin('/quotas?sort=-update_time')).status).toBe(200);
    });

    it('skips a sort key it cannot apply, as Harbor does, keeping its newest-first order', async () => {
      const plain = await admin<Quota[]>('/quotas?page_size=100');
      for (const sort of ['name', 'hard.count', 'used', '-id', 'bogus']) {
        const res = await admin<Quota[]>(`/quotas?page_size=100&sort=${sort}`);
        expect([sort, res.status, res.body.map((q) => q.id)]).toEqual([sort, 200, plain.body.map((q) => q.id)]);
      }
      const res = await admin<Quota[]>('/quotas?page_size=100&sort=used.storage,bogus');
      expect(res.status).toBe(200);
    });

    it('is for system administrators only', async () => {
      for (const who of ['alice', 'mallory'] as const) {
        const res = await call('GET', '/quotas', users[who].auth);
        expect([who, res.status, errorCode(res)]).toEqual([who, 403, 'FORBIDDEN']);
      }
      const anonymous = await call('GET', '/quotas');
      expect([anonymous.status, errorCode(anonymous)]).toEqual([401, 'UNAUTHORIZED']);
    });
  });

  describe('PUT /quotas/{id}', () => {
    it('sets the project storage limit, seen by the quota, the summary and the project row', async () => {
      const before = await admin<Quota>(`/quotas/${ids.pub}`);
      const res = await call('PUT', `/quotas/${ids.pub}`, core.adminAuth, { hard: { storage: 2048 * 1024 } });
      expect(res.status).toBe(200);
      const after = await admin<Quota>(`/quotas/${ids.pub}`);
      expect(after.body.hard).toEqual({ storage: 2048 * 1024 });
      expect(after.body.used).toEqual(before.body.used);
      expect(Date.parse(after.body.update_time)).toBeGreaterThan(Date.parse(before.body.update_time));
      expect(after.body.creation_time).toBe(before.body.creation_time);
      expect(await storageLimit(ids.pub)).toBe(2048 * 1024);
      const summary = await call<{ quota: unknown }>('GET', `/projects/${ids.pub}/summary`, core.adminAuth);
      expect(summary.body.quota).toEqual({ hard: { storage: 2048 * 1024 }, used: { storage: 10_500 } });
      expect((await call('PUT', `/quotas/${ids.pub}`, core.adminAuth, { hard: { storage: -1 } })).status).toBe(200);
      expect(await storageLimit(ids.pub)).toBe(-1);
    });

    it('takes a limit below the current usage, changing nothing stored', async () => {
      expect((await call('PUT', `/quotas/${ids.team}`, core.adminAuth, { hard: { storage: 1 } })).status).toBe(200);
      const res = await admin<Quota>(`/quotas/${ids.team}`);
      expect(res.body).toMatchObject({ hard: { storage: 1 }, used: { storage: 18_000 } });
      expect(await rows.count('artifact', 'project_id = $1', [ids.team])).toBe(2);
      await call('PUT', `/quotas/${ids.team}`, core.adminAuth, { hard: { storage: -1 } });
    });

    it('records a limit change made through PUT /projects in the quota too', async () => {
      const before = await admin<Quota>(`/quotas/${ids.empty}`);
      expect((await call('PUT', `/projects/${ids.empty}`, core.adminAuth, { storage_limit: 4096 })).status).toBe(200);
      const after = await admin<Quota>(`/quotas/${ids.empty}`);
      expect(after.body.hard.storage).toBe(4096);
      expect(Date.parse(after.body.update_time)).toBeGreaterThan(Date.parse(before.body.update_time));
      await call('PUT', `/quotas/${ids.empty}`, core.adminAuth, { hard: { storage: -1 } });
    });

    it.each([
      ['no body', undefined],
      ['an empty object', {}],
      ['an empty hard', { hard: {} }],
      ['hard as a list', { hard: [1] }],
      ['an unknown resource', { hard: { storage: 10, count: 1 } }],
      ['storage as a string', { hard: { storage: '10' } }],
      ['a fractional storage', { hard: { storage: 1.5 } }],
      ['storage 0', { hard: { storage: 0 } }],
      ['storage below -1', { hard: { storage: -2 } }],
      ['storage over 1024 TiB', { hard: { storage: MAX + 1 } }],
      ['a body that is not JSON', 'storage=10'],
    ])('refuses %s with 400, changing nothing', async (_what, body) => {
      const res = await call('PUT', `/quotas/${ids.team}`, core.adminAuth, body);
      expect([res.status, errorCode(res)]).toEqual([400, 'BAD_REQUEST']);
      expect(await storageLimit(ids.team)).toBe(-1);
    });

    it('is for system administrators only: not even the project admin', async () => {
      for (const who of ['alice', 'gina', 'mallory'] as const) {
        const res = await call('PUT', `/quotas/${ids.team}`, users[who].auth, { hard: { storage: 10 } });
        expect([who, res.status, errorCode(res)]).toEqual([who, 403, 'FORBIDDEN']);
      }
      const anonymous = await call('PUT', `/quotas/${ids.team}`, undefined, { hard: { storage: 10 } });
      expect([anonymous.status, errorCode(anonymous)]).toEqual([401, 'UNAUTHORIZED']);
      expect(await storageLimit(ids.team)).toBe(-1);
    });

    it('answers 404 for a quota that does not exist', async () => {
      const res = await call('PUT', '/quotas/999999', core.adminAuth, { hard: { storage: 10 } });
      expect([res.status, errorCode(res)]).toEqual([404, 'NOT_FOUND']);
    });
  });
});
