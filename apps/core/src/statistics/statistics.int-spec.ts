import { randomBytes } from 'node:crypto';
import { addTestMember, api, basicAuthHeader, CoreHarness, createTestProject, createTestUser, errorCode, sqlQuery, startTestCore, TestUser } from '../testing';

interface Statistic {
  private_project_count: number;
  private_repo_count: number;
  public_project_count: number;
  public_repo_count: number;
  total_project_count: number;
  total_repo_count: number;
  total_storage_consumption: number;
}

describe('GET /statistics', () => {
  let core: CoreHarness;
  let alice: TestUser;
  let gina: TestUser;
  let mallory: TestUser;

  const get = (auth?: string) => api<Statistic>(core.url, 'GET', '/api/v2.0/statistics', { auth });
  const repository = (projectId: number, name: string, listed = true) =>
    sqlQuery(core.db.url, `INSERT INTO repository (project_id, name, first_push_time) VALUES ($1, $2, ${listed ? 'now()' : 'NULL'})`, [projectId, name]);
  const blob = (size: number, mediaType: string | null) =>
    sqlQuery(core.db.url, 'INSERT INTO blob (digest, size, media_type) VALUES ($1, $2, $3)', [`sha256:${randomBytes(32).toString('hex')}`, size, mediaType]);

  beforeAll(async () => {
    core = await startTestCore();
    alice = await createTestUser(core.url, core.adminAuth, 'alice');
    gina = await createTestUser(core.url, core.adminAuth, 'gina');
    mallory = await createTestUser(core.url, core.adminAuth, 'mallory');
    // Besides the bootstrap's public `library` (no repositories):
    const team = await createTestProject(core.url, core.adminAuth, 'team');
    const side = await createTestProject(core.url, core.adminAuth, 'side');
    const other = await createTestProject(core.url, core.adminAuth, 'other');
    const pub = await createTestProject(core.url, core.adminAuth, 'pub', true);
    await addTestMember(core.url, core.adminAuth, 'team', 'alice', 2);
    // Gina reaches `side` through a group only; both are members of the public project too.
    const [group] = await sqlQuery<{ id: number }>(core.db.url, "INSERT INTO user_group (group_name, group_type) VALUES ('devs', 3) RETURNING id");
    await sqlQuery(core.db.url, 'INSERT INTO user_group_member (group_id, user_id) VALUES ($1, $2)', [group.id, gina.id]);
    await sqlQuery(core.db.url, 'INSERT INTO project_member (project_id, group_id, role) VALUES ($1, $2, 3)', [side, group.id]);
    await addTestMember(core.url, core.adminAuth, 'pub', 'alice', 3);
    await repository(team, 'team/a');
    await repository(team, 'team/b');
    await repository(team, 'team/pending', false);
    await repository(side, 'side/a');
    await repository(other, 'other/a');
    await repository(other, 'other/b');
    await repository(other, 'other/c');
    await repository(pub, 'pub/a');
    await blob(1000, 'application/vnd.oci.image.layer.v1.tar+gzip');
    await blob(234, 'application/vnd.oci.image.manifest.v1+json');
    await blob(6, null);
    await blob(50_000, 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip');
  });

  afterAll(async () => {
    await core?.close();
  });

  it('gives system administrators every project, repository and stored byte', async () => {
    expect(await get(core.adminAuth)).toMatchObject({
      status: 200,
      body: {
        public_project_count: 2,
        public_repo_count: 1,
        private_project_count: 3,
        private_repo_count: 6,
        total_project_count: 5,
        total_repo_count: 7,
        // Foreign layers are not stored here.
        total_storage_consumption: 1240,
      },
    });
  });

  it.each([
    ['alice', 1, 2],
    ['gina', 1, 1],
    ['mallory', 0, 0],
  ] as const)('gives %s the public figures and the private projects it is a member of', async (who, projects, repos) => {
    const auth = { alice, gina, mallory }[who].auth;
    expect((await get(auth)).body).toEqual({
      public_project_count: 2,
      public_repo_count: 1,
      private_project_count: projects,
      private_repo_count: repos,
      total_project_count: 0,
      total_repo_count: 0,
      total_storage_consumption: 0,
    });
  });

  it('gives a robot the public figures only, and anonymous callers 401', async () => {
    const created = await api<{ name: string; secret: string }>(core.url, 'POST', '/api/v2.0/robots', {
      auth: core.adminAuth,
      body: { name: 'stats', level: 'project', duration: -1, permissions: [{ kind: 'project', namespace: 'team', access: [{ resource: 'repository', action: 'pull' }] }] },
    });
    expect(created.status).toBe(201);
    const robot = await get(basicAuthHeader(created.body.name, created.body.secret));
    expect(robot.body).toMatchObject({ public_project_count: 2, public_repo_count: 1, private_project_count: 0, private_repo_count: 0, total_storage_consumption: 0 });
    const anonymous = await get();
    expect([anonymous.status, errorCode(anonymous)]).toEqual([401, 'UNAUTHORIZED']);
  });
});
