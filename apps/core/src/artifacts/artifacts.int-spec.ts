import { ArtifactRow, RegistryRows } from '@wharf/testing';
import { api, CoreHarness, createRoleCast, createTestProject, errorCode, startTestCore, TestUser } from '../testing';

interface TagView {
  id: number;
  repository_id: number;
  artifact_id: number;
  name: string;
  push_time: string;
  pull_time: string;
  immutable: boolean;
}

interface ArtifactView {
  id: number;
  type: string;
  media_type: string;
  manifest_media_type: string;
  artifact_type: string;
  project_id: number;
  repository_id: number;
  repository_name: string;
  digest: string;
  size: number;
  push_time: string;
  pull_time: string;
  annotations: Record<string, string>;
  references: { parent_id: number; child_id: number; child_digest: string; platform?: Record<string, unknown> }[];
  tags?: TagView[];
  labels?: unknown[];
  accessories?: { artifact_id: number; subject_artifact_id: number; subject_artifact_digest: string; subject_artifact_repo: string; digest: string; type: string }[];
}

const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const HELM_CONFIG = 'application/vnd.cncf.helm.config.v1+json';
const NOTATION = 'application/vnd.cncf.notary.signature';

describe('artifacts and tags (/projects/{p}/repositories/{r}/artifacts)', () => {
  let core: CoreHarness;
  let rows: RegistryRows;
  let teamId: number;
  let repo: string;
  const a = {} as Record<'image' | 'loose' | 'amd64' | 'arm64' | 'index' | 'signature' | 'chart' | 'other', ArtifactRow>;
  const users = {} as Record<'alice' | 'maria' | 'dave' | 'gina' | 'lena' | 'mallory', TestUser>;

  const call = <T = unknown>(method: string, path: string, auth?: string, body?: unknown) => api<T>(core.url, method, `/api/v2.0${path}`, { auth, body });
  const APP = '/projects/team/repositories/app/artifacts';
  const digests = (res: { body: unknown }) => (res.body as ArtifactView[]).map((x) => x.digest).sort();
  const sorted = (...rowsOf: ArtifactRow[]) => rowsOf.map((r) => r.digest).sort();

  beforeAll(async () => {
    core = await startTestCore();
    rows = RegistryRows.open(core.db.url);
    teamId = await createTestProject(core.url, core.adminAuth, 'team');
    await createTestProject(core.url, core.adminAuth, 'pub', true);
    Object.assign(users, await createRoleCast(core.url, core.adminAuth, 'team'));
    repo = await rows.repository('team/app');
    const hour = (h: number) => new Date(Date.UTC(2024, 0, 1, h));
    a.image = await rows.artifact(repo, { pushTime: hour(1), size: 1234, annotations: { 'org.opencontainers.image.title': 'app' } });
    a.loose = await rows.artifact(repo, { pushTime: hour(2) });
    a.amd64 = await rows.artifact(repo, { pushTime: hour(3) });
    a.arm64 = await rows.artifact(repo, { pushTime: hour(3) });
    a.index = await rows.index(repo, [
      { artifact: a.amd64, platform: { os: 'linux', architecture: 'amd64' } },
      { artifact: a.arm64, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
    ]);
    await rows.query('UPDATE artifact SET push_time = $2 WHERE id = $1', [a.index.id, hour(4)]);
    a.signature = await rows.artifact(repo, { pushTime: hour(5), configMediaType: 'application/vnd.oci.empty.v1+json', artifactType: NOTATION, subjectDigest: a.image.digest });
    a.chart = await rows.artifact(repo, { pushTime: hour(6), configMediaType: HELM_CONFIG });
    a.other = await rows.artifact(repo, { pushTime: hour(7), configMediaType: 'application/vnd.oci.empty.v1+json', artifactType: 'application/vnd.example+json' });
    await rows.tag(repo, a.image.id, 'v1');
    await rows.tag(repo, a.image.id, 'latest');
    await rows.tag(repo, a.index.id, 'multi');
    await rows.tag(repo, a.chart.id, 'chart-1.0');
    await rows.artifact(await rows.repository('pub/web'));
  });

  afterAll(async () => {
    await rows?.close();
    await core?.close();
  });

  describe('listing', () => {
    it('shows tagged artifacts and standalone ones; index children and accessories stay under their parents', async () => {
      const res = await call<ArtifactView[]>('GET', APP, users.alice.auth);
      expect(res.status).toBe(200);
      expect(digests(res)).toEqual(sorted(a.image, a.loose, a.index, a.chart, a.other));
      expect(res.headers.get('x-total-count')).toBe('5');
      // Newest push first.
      expect(res.body.map((x) => x.digest)).toEqual([a.other, a.chart, a.index, a.loose, a.image].map((r) => r.digest));
    });

    it('describes each artifact as Harbor does', async () => {
      const res = await call<ArtifactView[]>('GET', APP, users.alice.auth);
      const byDigest = new Map(res.body.map((x) => [x.digest, x]));
      const image = byDigest.get(a.image.digest) as ArtifactView;
      expect(image).toMatchObject({
        id: Number(a.image.id),
        type: 'IMAGE',
        media_type: OCI_CONFIG,
        manifest_media_type: OCI_MANIFEST,
        artifact_type: OCI_CONFIG,
        project_id: teamId,
        repository_id: Number(repo),
        repository_name: 'team/app',
        size: 1234,
        push_time: '2024-01-01T01:00:00.000Z',
        pull_time: '0001-01-01T00:00:00.000Z',
        annotations: { 'org.opencontainers.image.title': 'app' },
        references: [],
      });
      expect(image.tags?.map((t) => t.name).sort()).toEqual(['latest', 'v1']);
      expect(image.tags?.[0]).toMatchObject({ repository_id: Number(repo), artifact_id: Number(a.image.id), immutable: false, pull_time: '0001-01-01T00:00:00.000Z' });
      expect(image).not.toHaveProperty('labels');
      expect(image).not.toHaveProperty('accessories');

      const index = byDigest.get(a.index.digest) as ArtifactView;
      expect(index).toMatchObject({ type: 'IMAGE', media_type: OCI_INDEX, manifest_media_type: OCI_INDEX });
      expect(index.references).toEqual([
        { parent_id: Number(a.index.id), child_id: Number(a.amd64.id), child_digest: a.amd64.digest, platform: { os: 'linux', architecture: 'amd64' } },
        { parent_id: Number(a.index.id), child_id: Number(a.arm64.id), child_digest: a.arm64.digest, platform: { os: 'linux', architecture: 'arm64', variant: 'v8' } },
      ]);
      expect(byDigest.get(a.chart.digest)?.type).toBe('CHART');
      expect(byDigest.get(a.other.digest)).toMatchObject({ type: 'UNKNOWN', artifact_type: 'application/vnd.example+json' });
      expect(byDigest.get(a.loose.digest)?.tags).toEqual([]);
    });

    it('filters by tags, digest, type and media type', async () => {
      const q = async (query: string) => digests(await call('GET', `${APP}?q=${encodeURIComponent(query)}&page_size=100`, users.alice.auth));
      expect(await q('tags=nil')).toEqual(sorted(a.loose, a.other));
      expect(await q('tags=*')).toEqual(sorted(a.image, a.index, a.chart));
      expect(await q('tags=v1')).toEqual(sorted(a.image));
      expect(await q('tags=~ult')).toEqual(sorted(a.index));
      expect(await q('tags={v1 chart-1.0}')).toEqual(sorted(a.image, a.chart));
      // A child is found by its digest, though not listed on its own.
      expect(await q(`digest=${a.amd64.digest}`)).toEqual([]);
      expect(await q(`digest=${a.image.digest}`)).toEqual(sorted(a.image));
      expect(await q('type=CHART')).toEqual(sorted(a.chart));
      expect(await q(`media_type=${OCI_CONFIG}`)).toEqual(sorted(a.image, a.loose));
      expect(await q(`manifest_media_type=${OCI_INDEX}`)).toEqual(sorted(a.index));
    });

    it('pages and sorts', async () => {
      const first = await call<ArtifactView[]>('GET', `${APP}?sort=push_time&page=1&page_size=2`, users.alice.auth);
      expect(first.body.map((x) => x.digest)).toEqual([a.image.digest, a.loose.digest]);
      expect(first.headers.get('x-total-count')).toBe('5');
      expect(first.headers.get('link')).toBe(`<${'/api/v2.0' + APP}?sort=push_time&page=2&page_size=2>; rel="next"`);
      const last = await call<ArtifactView[]>('GET', `${APP}?sort=push_time&page=3&page_size=2`, users.alice.auth);
      expect(last.body.map((x) => x.digest)).toEqual([a.other.digest]);
      expect(last.headers.get('link')).toContain('rel="prev"');
      expect(last.headers.get('link')).not.toContain('rel="next"');
    });

    it('attaches tags, labels and accessories on request', async () => {
      const without = await call<ArtifactView[]>('GET', `${APP}?with_tag=false`, users.alice.auth);
      expect(without.body.every((x) => !('tags' in x))).toBe(true);
      const full = await call<ArtifactView[]>('GET', `${APP}?with_label=true&with_accessory=true&with_scan_overview=true`, users.alice.auth);
      const image = full.body.find((x) => x.digest === a.image.digest) as ArtifactView;
      expect(image.labels).toEqual([]);
      expect(image.accessories).toEqual([
        expect.objectContaining({
          artifact_id: Number(a.signature.id),
          subject_artifact_id: Number(a.image.id),
          subject_artifact_digest: a.image.digest,
          subject_artifact_repo: 'team/app',
          digest: a.signature.digest,
          type: 'signature.notation',
        }),
      ]);
      expect(full.body.find((x) => x.digest === a.loose.digest)?.accessories).toEqual([]);
    });

    it('lists an artifact’s accessories as Harbor does, paged and filtered by type, per the matrix', async () => {
      const list = await call<NonNullable<ArtifactView['accessories']>>('GET', `${APP}/${a.image.digest}/accessories`, users.lena.auth);
      expect(list.status).toBe(200);
      expect(list.headers.get('x-total-count')).toBe('1');
      expect(list.body).toEqual([
        expect.objectContaining({ artifact_id: Number(a.signature.id), subject_artifact_digest: a.image.digest, subject_artifact_repo: 'team/app', digest: a.signature.digest, type: 'signature.notation' }),
      ]);
      const byTag = await call<unknown[]>('GET', `${APP}/v1/accessories?q=${encodeURIComponent('type=signature.notation')}`, users.lena.auth);
      expect(byTag.body).toHaveLength(1);
      expect((await call<unknown[]>('GET', `${APP}/v1/accessories?q=${encodeURIComponent('type=signature.cosign')}`, users.lena.auth)).body).toEqual([]);
      expect((await call<unknown[]>('GET', `${APP}/${a.loose.digest}/accessories`, users.lena.auth)).body).toEqual([]);
      expect((await call('GET', `${APP}/${a.image.digest}/accessories?page_size=101`, users.lena.auth)).status).toBe(422);
      expect((await call('GET', `${APP}/nope/accessories`, users.lena.auth)).status).toBe(404);
      expect((await call('GET', `${APP}/${a.image.digest}/accessories`, users.mallory.auth)).status).toBe(403);
      expect((await call('GET', `${APP}/${a.image.digest}/accessories`, undefined)).status).toBe(401);
    });

    it('refuses bad parameters with 400', async () => {
      for (const query of ['q=tags%3D%5Ba~b%5D', 'q=labels%3D(x)', 'q=labels%3D%7B1%202%7D', 'q=size%3Dbig', 'with_tag=maybe', 'with_accessory=1']) {
        const res = await call('GET', `${APP}?${query}`, users.alice.auth);
        expect({ query, status: res.status }).toEqual({ query, status: 400 });
        expect(errorCode(res)).toBe('BAD_REQUEST');
      }
      const zero = await call('GET', `${APP}?page_size=0`, users.alice.auth);
      expect({ status: zero.status, code: errorCode(zero) }).toEqual({ status: 422, code: 'UNPROCESSABLE_ENTITY' });
      // A sort key it cannot sort by is skipped, as Harbor skips it.
      expect((await call('GET', `${APP}?sort=secret`, users.alice.auth)).status).toBe(200);
    });

    it.each([
      ['alice', 200],
      ['maria', 200],
      ['dave', 200],
      ['gina', 200],
      ['lena', 200],
      ['mallory', 403],
    ] as const)('lets %s list and read artifacts of the private project: %i', async (who, status) => {
      expect((await call('GET', APP, users[who].auth)).status).toBe(status);
      expect((await call('GET', `${APP}/v1`, users[who].auth)).status).toBe(status);
    });

    it('serves public projects to anonymous callers, private ones not', async () => {
      const open = await call<ArtifactView[]>('GET', '/projects/pub/repositories/web/artifacts', undefined);
      expect(open.status).toBe(200);
      expect(open.body).toHaveLength(1);
      expect((await call('GET', APP, undefined)).status).toBe(401);
      expect((await call('GET', '/projects/team/repositories/ghost/artifacts', users.alice.auth)).status).toBe(404);
      expect((await call('GET', '/projects/ghost/repositories/app/artifacts', users.alice.auth)).status).toBe(404);
    });
  });

  describe('one artifact', () => {
    it('is found by tag or digest, children included', async () => {
      const byTag = await call<ArtifactView>('GET', `${APP}/latest`, users.gina.auth);
      expect(byTag.status).toBe(200);
      expect(byTag.body.digest).toBe(a.image.digest);
      const byDigest = await call<ArtifactView>('GET', `${APP}/${a.image.digest}?with_accessory=true`, users.gina.auth);
      expect(byDigest.body.id).toBe(byTag.body.id);
      expect(byDigest.body.accessories).toHaveLength(1);
      const child = await call<ArtifactView>('GET', `${APP}/${a.arm64.digest}`, users.gina.auth);
      expect(child.body.tags).toEqual([]);
    });

    it('answers unknown references with 404 and malformed ones with 400', async () => {
      const unknown = await call('GET', `${APP}/nope`, users.alice.auth);
      expect(unknown.status).toBe(404);
      expect(errorCode(unknown)).toBe('NOT_FOUND');
      expect((await call('GET', `${APP}/sha256:${'0'.repeat(64)}`, users.alice.auth)).status).toBe(404);
      for (const bad of ['sha256:abc', '-x', 'a%20b', 't'.repeat(129)]) {
        const res = await call('GET', `${APP}/${bad}`, users.alice.auth);
        expect({ bad, status: res.status }).toEqual({ bad, status: 400 });
      }
    });
  });

  describe('tags', () => {
    const TAGS = `${APP}/v1/tags`;
    const tagNames = async () => (await rows.query<{ name: string }>('SELECT name FROM tag WHERE repository_id = $1 ORDER BY name', [repo])).map((r) => r.name);

    it('lists the tags of an artifact with paging, filters and sorting', async () => {
      const res = await call<TagView[]>('GET', `${TAGS}?sort=name&page_size=1`, users.lena.auth);
      expect(res.status).toBe(200);
      expect(res.body.map((t) => t.name)).toEqual(['latest']);
      expect(res.headers.get('x-total-count')).toBe('2');
      expect(res.headers.get('link')).toContain('rel="next"');
      const fuzzy = await call<TagView[]>('GET', `${TAGS}?q=${encodeURIComponent('name=~v')}`, users.lena.auth);
      expect(fuzzy.body.map((t) => t.name)).toEqual(['v1']);
      // A key it cannot filter by is skipped, as Harbor skips it.
      expect((await call<TagView[]>('GET', `${TAGS}?q=color%3Dred&page_size=10`, users.lena.auth)).body).toHaveLength(2);
      expect((await call('GET', TAGS, users.mallory.auth)).status).toBe(403);
      expect((await call('GET', `${APP}/nope/tags`, users.alice.auth)).status).toBe(404);
    });

    it.each([
      ['alice', 201],
      ['maria', 201],
      ['dave', 201],
      ['gina', 403],
      ['lena', 403],
      ['mallory', 403],
    ] as const)('lets %s create a tag: %i', async (who, status) => {
      const name = `by-${who}`;
      const res = await call('POST', TAGS, users[who].auth, { name });
      expect(res.status).toBe(status);
      if (status === 201) {
        expect(res.headers.get('location')).toBe(`/api/v2.0${TAGS}/${name}`);
        expect(await rows.count('audit_log', "resource_type = 'tag' AND operation = 'create' AND resource = $1 AND username = $2", [`team/app:${name}`, who])).toBe(1);
        expect((await call<ArtifactView>('GET', `${APP}/${name}`, users[who].auth)).body.digest).toBe(a.image.digest);
      } else {
        expect(errorCode(res)).toBe('FORBIDDEN');
        expect(await tagNames()).not.toContain(name);
      }
    });

    it('refuses taken names (409), bad names and bodies (400) and unknown artifacts (404), changing nothing', async () => {
      const before = await tagNames();
      const taken = await call('POST', `${APP}/${a.loose.digest}/tags`, users.alice.auth, { name: 'multi' });
      expect(taken.status).toBe(409);
      expect(errorCode(taken)).toBe('CONFLICT');
      expect((await call('POST', TAGS, users.alice.auth, { name: 'v1' })).status).toBe(409);
      const cases: [string, unknown, number][] = [
        ['a name starting with -', { name: '-bad' }, 400],
        ['a too long name', { name: 'x'.repeat(129) }, 400],
        ['an empty name', { name: '' }, 400],
        ['a name that is not a string', { name: 5 }, 400],
        ['no name', {}, 400],
        ['a list', [{ name: 'fine' }], 400],
      ];
      for (const [label, body, status] of cases) {
        const res = await call('POST', TAGS, users.alice.auth, body);
        expect({ label, status: res.status }).toEqual({ label, status });
        expect(errorCode(res)).toBe('BAD_REQUEST');
      }
      expect((await call('POST', `${APP}/nope/tags`, users.alice.auth, { name: 'fine' })).status).toBe(404);
      expect((await call('POST', TAGS, undefined, { name: 'fine' })).status).toBe(401);
      expect(await tagNames()).toEqual(before);
    });

    it('deletes a tag per the matrix; only from the artifact it is on', async () => {
      await rows.tag(repo, a.loose.id, 'doomed');
      for (const who of ['dave', 'gina', 'lena', 'mallory'] as const) {
        expect((await call('DELETE', `${APP}/${a.loose.digest}/tags/doomed`, users[who].auth)).status).toBe(403);
      }
      // The tag exists, but on another artifact.
      const elsewhere = await call('DELETE', `${APP}/v1/tags/doomed`, users.maria.auth);
      expect(elsewhere.status).toBe(404);
      expect(await tagNames()).toContain('doomed');
      const res = await call('DELETE', `${APP}/${a.loose.digest}/tags/doomed`, users.maria.auth);
      expect(res.status).toBe(200);
      expect(await tagNames()).not.toContain('doomed');
      expect(await rows.count('audit_log', "resource_type = 'tag' AND operation = 'delete' AND resource = 'team/app:doomed' AND username = 'maria'")).toBe(1);
      expect((await call('DELETE', `${APP}/${a.loose.digest}/tags/doomed`, users.maria.auth)).status).toBe(404);
    });
  });

  describe('deletion', () => {
    it.each([['dave'], ['gina'], ['lena'], ['mallory']] as const)('is refused to %s', async (who) => {
      const res = await call('DELETE', `${APP}/${a.loose.digest}`, users[who].auth);
      expect(res.status).toBe(403);
      expect(await rows.count('artifact', 'id = $1', [a.loose.id])).toBe(1);
    });

    it('refuses to delete a manifest an index needs (412)', async () => {
      const res = await call('DELETE', `${APP}/${a.amd64.digest}`, users.alice.auth);
      expect(res.status).toBe(412);
      expect(errorCode(res)).toBe('PRECONDITION');
      expect(await rows.count('artifact', 'id = $1', [a.amd64.id])).toBe(1);
    });

    it('deletes an index with the children nothing else needs', async () => {
      // A tagged child stays; the untagged one goes with its index.
      await rows.tag(repo, a.arm64.id, 'arm-only');
      const res = await call('DELETE', `${APP}/multi`, users.maria.auth);
      expect(res.status).toBe(200);
      expect(await rows.count('artifact', 'id = ANY($1::bigint[])', [[a.index.id, a.amd64.id]])).toBe(0);
      expect(await rows.count('artifact', 'id = $1', [a.arm64.id])).toBe(1);
      expect(await rows.count('audit_log', "resource_type = 'artifact' AND operation = 'delete' AND resource = $1", [`team/app@${a.index.digest}`])).toBe(1);
      expect((await call('GET', `${APP}/multi`, users.maria.auth)).status).toBe(404);
    });

    it('deletes an artifact with its tags and accessories, keeping blobs', async () => {
      const blobs = await rows.count('blob');
      const res = await call('DELETE', `${APP}/${a.image.digest}`, users.alice.auth);
      expect(res.status).toBe(200);
      expect(await rows.count('artifact', 'id = ANY($1::bigint[])', [[a.image.id, a.signature.id]])).toBe(0);
      expect(await rows.count('tag', 'artifact_id = $1', [a.image.id])).toBe(0);
      expect(await rows.count('blob')).toBe(blobs);
      expect((await call('GET', `${APP}/v1`, users.alice.auth)).status).toBe(404);
      expect((await call('DELETE', `${APP}/${a.image.digest}`, users.alice.auth)).status).toBe(404);
    });
  });
});
