import { ArtifactRow, RegistryRows } from '@wharf/testing';
import { api, CoreHarness, createRoleCast, createTestProject, errorCode, startTestCore, TestUser } from '../testing';

interface ArtifactView {
  id: number;
  digest: string;
  repository_name: string;
  media_type: string;
  tags?: { name: string; immutable: boolean }[];
  accessories?: { digest: string; subject_artifact_repo: string }[];
}

const HELM_CONFIG = 'application/vnd.cncf.helm.config.v1+json';
const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json';

describe('GET /projects/{project_name_or_id}/artifacts', () => {
  let core: CoreHarness;
  let rows: RegistryRows;
  let teamId: number;
  const a = {} as Record<'app1' | 'app2' | 'appChart' | 'appSig' | 'amd64' | 'index' | 'web1' | 'web2' | 'webChart' | 'other', ArtifactRow>;
  let users: Record<'alice' | 'maria' | 'dave' | 'gina' | 'lena' | 'mallory', TestUser>;

  const list = (path: string, auth?: string, headers?: Record<string, string>) => api<ArtifactView[]>(core.url, 'GET', `/api/v2.0/projects/${path}`, { auth, headers });
  const digests = (res: { body: unknown }) => (res.body as ArtifactView[]).map((x) => x.digest);
  const q = (query: string) => encodeURIComponent(query);

  beforeAll(async () => {
    core = await startTestCore();
    rows = RegistryRows.open(core.db.url);
    teamId = await createTestProject(core.url, core.adminAuth, 'team');
    await createTestProject(core.url, core.adminAuth, 'pub', true);
    users = await createRoleCast(core.url, core.adminAuth, 'team');
    const hour = (h: number) => new Date(Date.UTC(2024, 0, 1, h));
    const app = await rows.repository('team/app');
    const web = await rows.repository('team/web');
    a.app1 = await rows.artifact(app, { pushTime: hour(1) });
    a.app2 = await rows.artifact(app, { pushTime: hour(3) });
    a.appChart = await rows.artifact(app, { pushTime: hour(8), configMediaType: HELM_CONFIG });
    a.appSig = await rows.artifact(app, { pushTime: hour(9), configMediaType: 'application/vnd.oci.empty.v1+json', artifactType: 'application/vnd.cncf.notary.signature', subjectDigest: a.app2.digest });
    a.amd64 = await rows.artifact(app, { pushTime: hour(2) });
    a.index = await rows.index(app, [{ artifact: a.amd64, platform: { os: 'linux', architecture: 'amd64' } }]);
    await rows.query('UPDATE artifact SET push_time = $2 WHERE id = $1', [a.index.id, hour(4)]);
    a.web1 = await rows.artifact(web, { pushTime: hour(5) });
    a.web2 = await rows.artifact(web, { pushTime: hour(6) });
    a.webChart = await rows.artifact(web, { pushTime: hour(7), configMediaType: HELM_CONFIG });
    await rows.tag(app, a.app2.id, 'v2');
    await rows.tag(web, a.web2.id, 'v2');
    a.other = await rows.artifact(await rows.repository('pub/site'), { pushTime: hour(10) });
  });

  afterAll(async () => {
    await rows?.close();
    await core?.close();
  });

  it('lists the artifacts of every repository of the project, newest first, children and accessories under their parents', async () => {
    const res = await list('team/artifacts', users.gina.auth);
    expect(res.status).toBe(200);
    expect(digests(res)).toEqual([a.appChart, a.webChart, a.web2, a.web1, a.index, a.app2, a.app1].map((x) => x.digest));
    expect(res.headers.get('x-total-count')).toBe('7');
    const app2 = res.body.find((x) => x.digest === a.app2.digest);
    expect(app2?.repository_name).toBe('team/app');
    expect(app2?.tags?.map((t) => t.name)).toEqual(['v2']);
  });

  it('pages, filters and sorts as a repository’s list, and takes the with_* flags', async () => {
    const first = await list('team/artifacts?page=1&page_size=3', users.gina.auth);
    expect(digests(first)).toEqual([a.appChart, a.webChart, a.web2].map((x) => x.digest));
    expect(first.headers.get('link')).toBe('</api/v2.0/projects/team/artifacts?page=2&page_size=3>; rel="next"');
    expect(digests(await list(`team/artifacts?q=${q('tags=v2')}&sort=push_time`, users.gina.auth))).toEqual([a.app2.digest, a.web2.digest]);
    expect(digests(await list(`team/artifacts?q=${q(`media_type=${HELM_CONFIG}`)}`, users.gina.auth))).toEqual([a.appChart.digest, a.webChart.digest]);
    const flags = await list('team/artifacts?with_tag=false&with_accessory=true&with_label=true', users.gina.auth);
    const app2 = flags.body.find((x) => x.digest === a.app2.digest);
    expect(app2?.tags).toBeUndefined();
    expect(app2?.accessories?.map((x) => [x.digest, x.subject_artifact_repo])).toEqual([[a.appSig.digest, 'team/app']]);
    // By id, and a numeric name with X-Is-Resource-Name.
    expect(digests(await list(`${teamId}/artifacts?page_size=1`, users.gina.auth))).toEqual([a.appChart.digest]);
    await createTestProject(core.url, core.adminAuth, '9090');
    expect((await list('9090/artifacts', core.adminAuth, { 'X-Is-Resource-Name': 'true' })).body).toEqual([]);
    expect((await list('9090/artifacts', core.adminAuth)).status).toBe(404);
  });

  it('gives the last pushed artifact of each repository of one media or artifact type (latest_in_repository)', async () => {
    const images = await list(`team/artifacts?latest_in_repository=true&q=${q(`media_type=${OCI_CONFIG}`)}`, users.gina.auth);
    expect(digests(images)).toEqual([a.web2.digest, a.app2.digest]);
    expect(images.headers.get('x-total-count')).toBe('2');
    const charts = await list(`team/artifacts?latest_in_repository=true&q=${q(`artifact_type=${HELM_CONFIG}`)}&sort=push_time`, users.gina.auth);
    expect(digests(charts)).toEqual([a.webChart.digest, a.appChart.digest]);
    const paged = await list(`team/artifacts?latest_in_repository=true&q=${q(`media_type=${OCI_CONFIG}`)}&page_size=1&page=2`, users.gina.auth);
    expect([digests(paged), paged.headers.get('x-total-count')]).toEqual([[a.app2.digest], '2']);
  });

  it('refuses bad parameters with 400', async () => {
    for (const query of [
      'latest_in_repository=true',
      `latest_in_repository=true&q=${q(`media_type=${OCI_CONFIG},artifact_type=${HELM_CONFIG}`)}`,
      `latest_in_repository=true&q=${q('media_type=~oci')}`,
      'latest_in_repository=maybe',
      'with_tag=perhaps',
    ]) {
      const res = await list(`team/artifacts?${query}`, users.gina.auth);
      expect({ query, status: res.status, code: errorCode(res) }).toEqual({ query, status: 400, code: 'BAD_REQUEST' });
    }
    const tooMany = await list('team/artifacts?page_size=101', users.gina.auth);
    expect({ status: tooMany.status, code: errorCode(tooMany) }).toEqual({ status: 422, code: 'UNPROCESSABLE_ENTITY' });
    // Keys it cannot filter or sort by are skipped, as Harbor skips them.
    for (const query of ['q=nope%3D1', 'sort=password']) expect((await list(`team/artifacts?${query}`, users.gina.auth)).status).toBe(200);
    expect((await list('nowhere/artifacts', core.adminAuth)).status).toBe(404);
  });

  // Harbor's artifact list: every role; outsiders not in a private project.
  it.each([
    ['alice', 200],
    ['maria', 200],
    ['dave', 200],
    ['gina', 200],
    ['lena', 200],
    ['mallory', 403],
  ] as const)('%s: %i', async (who, status) => {
    expect((await list('team/artifacts', users[who].auth)).status).toBe(status);
  });

  it('asks anonymous callers to authenticate even in a public project, where any user may list', async () => {
    expect((await list('team/artifacts')).status).toBe(401);
    expect((await list('pub/artifacts')).status).toBe(401);
    expect(digests(await list('pub/artifacts', users.mallory.auth))).toEqual([a.other.digest]);
  });
});
