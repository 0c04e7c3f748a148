import { AUDIT_EVENT_TYPES } from '@wharf/db';
import { SyslogReceiver } from '@wharf/outage/testing';
import { addTestMember, api, ApiResponse, CoreHarness, createTestProject, createTestUser, errorCode, locationId, sqlQuery, startTestCore, TestUser } from '../testing';
import type { AuditLogExtView } from './audit.service';

/**
 * Harbor 2.13's extended audit log: which operations core records (with description and
 * result), the three list/event operations with their paging, filters and permissions, and the
 * settings that disable event types, keep rows out of the database and forward them to syslog.
 */

type AuditLogExt = AuditLogExtView;

const CSRF = 'X-Harbor-CSRF-Token';
const PROJECT_ADMIN = 1;
const GUEST = 3;
const LIMITED_GUEST = 5;

describe('extended audit log (auditlog-exts)', () => {
  let core: CoreHarness;
  let alice: TestUser;
  let gina: TestUser;
  let outsider: TestUser;

  const list = (auth: string | undefined, path: string) => api<AuditLogExt[]>(core.url, 'GET', path, { auth });
  const rows = async (path = '/api/v2.0/auditlog-exts?page_size=100') => {
    const res = await list(core.adminAuth, path);
    expect(res.status).toBe(200);
    return res.body;
  };
  const latest = async (q: string) => (await rows(`/api/v2.0/auditlog-exts?page_size=1&q=${encodeURIComponent(q)}`))[0];
  const count = async (table: 'audit_log' | 'audit_log_ext') => Number((await sqlQuery<{ n: string }>(core.db.url, `SELECT count(*) AS n FROM ${table}`))[0].n);
  const configure = (body: Record<string, unknown>) => api(core.url, 'PUT', '/api/v2.0/configurations', { auth: core.adminAuth, body });

  async function consoleLogin(principal: string, password: string): Promise<ApiResponse> {
    const token = (await api(core.url, 'GET', '/api/v2.0/systeminfo')).headers.get(CSRF) ?? '';
    const body = new URLSearchParams({ principal, password }).toString();
    return api(core.url, 'POST', '/c/login', { body, headers: { 'Content-Type': 'application/x-www-form-urlencoded', [CSRF]: token } });
  }

  beforeAll(async () => {
    core = await startTestCore();
    alice = await createTestUser(core.url, core.adminAuth, 'alice', 'Alice12345');
    gina = await createTestUser(core.url, core.adminAuth, 'gina', 'Gina123456');
    outsider = await createTestUser(core.url, core.adminAuth, 'outsider', 'Outsider12');
    await createTestProject(core.url, core.adminAuth, 'team');
    await createTestProject(core.url, core.adminAuth, 'other');
    await addTestMember(core.url, core.adminAuth, 'team', 'alice', PROJECT_ADMIN);
    await addTestMember(core.url, core.adminAuth, 'team', 'gina', LIMITED_GUEST);
  }, 60_000);

  afterAll(async () => {
    await core?.close();
  });

  describe('what is recorded', () => {
    it('users: create, update (profile, password, sysadmin) and delete, with Harbor’s descriptions', async () => {
      const created = await api(core.url, 'POST', '/api/v2.0/users', {
        auth: core.adminAuth,
        body: { username: 'temp', email: 'temp@example.com', realname: 'Temp', password: 'Temp123456' },
      });
      expect(created.status).toBe(201);
      const id = locationId(created);
      expect(await latest('resource=temp,operation=create')).toMatchObject({
        username: 'admin',
        resource_type: 'user',
        operation_description: 'create user with name: temp',
        operation_result: true,
      });
      expect((await api(core.url, 'PUT', `/api/v2.0/users/${id}/password`, { auth: core.adminAuth, body: { new_password: 'Other12345' } })).status).toBe(200);
      expect((await latest('resource=temp,operation=update')).operation_description).toBe('update user with name: temp, change user password');
      expect((await api(core.url, 'PUT', `/api/v2.0/users/${id}/sysadmin`, { auth: core.adminAuth, body: { sysadmin_flag: true } })).status).toBe(200);
      expect((await latest('resource=temp,operation=update')).operation_description).toBe('update user with name: temp, add/remove user as system administrator');
      expect((await api(core.url, 'DELETE', `/api/v2.0/users/${id}`, { auth: core.adminAuth })).status).toBe(200);
      expect(await latest('resource=temp,operation=delete')).toMatchObject({ resource_type: 'user', operation_description: 'delete user with name: temp' });
    });

    it('projects, members and robots', async () => {
      expect((await api(core.url, 'POST', '/api/v2.0/projects', { auth: core.adminAuth, body: { project_name: 'short', metadata: { public: 'false' } } })).status).toBe(201);
      expect(await latest('resource=short,operation=create')).toMatchObject({ resource_type: 'project', operation_description: 'create project: short' });
      expect((await api(core.url, 'PUT', '/api/v2.0/projects/short', { auth: core.adminAuth, body: { metadata: { public: 'true' } } })).status).toBe(200);
      expect(await latest('resource=short,operation=update')).toMatchObject({ resource_type: 'project', operation_description: 'update project: short' });

      const member = await addTestMember(core.url, core.adminAuth, 'short', 'outsider', GUEST);
      expect(await latest('resource_type=member,operation=create')).toMatchObject({ resource: 'outsider', operation_description: 'create user member outsider in project short' });
      expect((await api(core.url, 'PUT', `/api/v2.0/projects/short/members/${member}`, { auth: core.adminAuth, body: { role_id: 2 } })).status).toBe(200);
      expect((await latest('resource_type=member,operation=update')).operation_description).toBe('update user member outsider in project short');
      expect((await api(core.url, 'DELETE', `/api/v2.0/projects/short/members/${member}`, { auth: core.adminAuth })).status).toBe(200);
      expect((await latest('resource_type=member,operation=delete')).operation_description).toBe('delete user member outsider from project short');

      const robot = await api<{ id: number; name: string }>(core.url, 'POST', '/api/v2.0/robots', {
        auth: core.adminAuth,
        body: { name: 'ci', level: 'project', duration: -1, permissions: [{ kind: 'project', namespace: 'short', access: [{ resource: 'repository', action: 'pull' }] }] },
      });
      expect(robot.status).toBe(201);
      expect(await latest('resource_type=robot,operation=create')).toMatchObject({ resource: robot.body.name, operation_description: `create robot: ${robot.body.name}` });
      expect((await api(core.url, 'DELETE', `/api/v2.0/robots/${robot.body.id}`, { auth: core.adminAuth })).status).toBe(200);
      expect(await latest('resource_type=robot,operation=delete')).toMatchObject({ resource: robot.body.name });

      // A metadata change is an update of the project in the extended log only.
      const legacyBefore = await count('audit_log');
      const extBefore = await count('audit_log_ext');
      expect((await api(core.url, 'PUT', '/api/v2.0/projects/short/metadatas/auto_scan', { auth: core.adminAuth, body: { auto_scan: 'true' } })).status).toBe(200);
      expect(await count('audit_log_ext')).toBe(extBefore + 1);
      expect(await count('audit_log')).toBe(legacyBefore);
      expect(await latest('resource=short,operation=update')).toMatchObject({ operation_description: 'update project: short' });

      expect((await api(core.url, 'DELETE', '/api/v2.0/projects/short', { auth: core.adminAuth })).status).toBe(200);
      expect(await latest('resource=short,operation=delete')).toMatchObject({ resource_type: 'project', operation_description: 'delete project: short' });
    });

    it('console logins with their result (a refused one only in the extended log) and logouts', async () => {
      const legacyBefore = await count('audit_log');
      expect((await consoleLogin('alice', 'wrong-password')).status).toBe(401);
      expect(await latest('operation=login')).toMatchObject({ username: 'alice', resource: 'alice', resource_type: 'user', operation_description: 'login', operation_result: false });
      expect(await count('audit_log')).toBe(legacyBefore);

      const ok = await consoleLogin('alice', 'Alice12345');
      expect(ok.status).toBe(200);
      expect(await latest('operation=login')).toMatchObject({ username: 'alice', operation_result: true });
      const sid = /sid=([^;]+)/.exec(ok.headers.get('set-cookie') ?? '')![1];
      expect((await api(core.url, 'GET', '/c/log_out', { headers: { Cookie: `sid=${sid}` } })).status).toBe(200);
      expect(await latest('operation=logout')).toMatchObject({ username: 'alice', operation_description: 'logout', operation_result: true });
    });

    it('configuration updates, a refused one with result false and nothing changed', async () => {
      expect((await configure({ robot_token_duration: 45 })).status).toBe(200);
      expect(await latest('resource_type=configuration')).toMatchObject({ operation: 'update', resource: 'configuration', operation_description: 'update configuration', operation_result: true });
      const refused = await configure({ robot_token_duration: 0 });
      expect(refused.status).toBe(400);
      expect(await latest('resource_type=configuration')).toMatchObject({ operation_result: false });
      const settings = await api<Record<string, { value: unknown }>>(core.url, 'GET', '/api/v2.0/configurations', { auth: core.adminAuth });
      expect(settings.body.robot_token_duration.value).toBe(45);
    });
  });

  describe('listing', () => {
    it('pages with X-Total-Count and Link, filters with q and sorts', async () => {
      const all = await rows();
      expect(all.length).toBeGreaterThan(10);
      const first = await list(core.adminAuth, '/api/v2.0/auditlog-exts?page=1&page_size=2');
      expect(first.status).toBe(200);
      expect(first.headers.get('x-total-count')).toBe(String(all.length));
      expect(first.headers.get('link')).toContain('rel="next"');
      expect(first.body.map((r) => r.id)).toEqual(all.slice(0, 2).map((r) => r.id));
      const second = await list(core.adminAuth, '/api/v2.0/auditlog-exts?page=2&page_size=2');
      expect(second.body.map((r) => r.id)).toEqual(all.slice(2, 4).map((r) => r.id));
      // Newest first by default.
      const times = all.map((r) => Date.parse(r.op_time));
      expect([...times].sort((a, b) => b - a)).toEqual(times);

      const ascending = await rows('/api/v2.0/auditlog-exts?page_size=100&sort=op_time');
      expect(ascending.map((r) => r.id)).toEqual([...all].reverse().map((r) => r.id));
      const failed = await rows(`/api/v2.0/auditlog-exts?page_size=100&q=${encodeURIComponent('operation_result=false')}`);
      expect(failed.length).toBeGreaterThan(0);
      expect(failed.every((r) => !r.operation_result)).toBe(true);
      const fuzzy = await rows(`/api/v2.0/auditlog-exts?page_size=100&q=${encodeURIComponent('resource_type=user,username=~adm')}`);
      expect(fuzzy.length).toBeGreaterThan(0);
      expect(fuzzy.every((r) => r.resource_type === 'user' && r.username === 'admin')).toBe(true);
    });

    it('refuses a malformed q, a wrongly typed q value or a repeated parameter with 400', async () => {
      for (const query of ['q=operation%3D', 'q=operation_result%3Dmaybe', 'q=op_time%3Dyesterday', 'q=id%3D~1', 'page=1&page=2']) {
        const res = await list(core.adminAuth, `/api/v2.0/auditlog-exts?${query}`);
        expect([query, res.status]).toEqual([query, 400]);
        expect(errorCode(res)).toBe('BAD_REQUEST');
      }
    });

    it('lists everything for admins, the rows of projects whose logs they may list for members, nothing for others; 401 anonymous', async () => {
      expect((await list(undefined, '/api/v2.0/auditlog-exts')).status).toBe(401);
      const teamId = (await sqlQuery<{ id: number }>(core.db.url, "SELECT id FROM project WHERE name = 'team'"))[0].id;
      const asAlice = await list(alice.auth, '/api/v2.0/auditlog-exts?page_size=100');
      expect(asAlice.status).toBe(200);
      expect(asAlice.body.length).toBeGreaterThan(0);
      const teamRows = await sqlQuery<{ id: string }>(core.db.url, 'SELECT id FROM audit_log_ext WHERE project_id = $1', [teamId]);
      expect(asAlice.body.map((r) => r.id).sort()).toEqual(teamRows.map((r) => Number(r.id)).sort());
      expect((await list(outsider.auth, '/api/v2.0/auditlog-exts')).body).toEqual([]);
    });

    it('a project’s list: its members with the log permission, 401 anonymous, 403 otherwise (a limited guest), 404 unknown project', async () => {
      const asAlice = await list(alice.auth, '/api/v2.0/projects/team/auditlog-exts?page_size=100');
      expect(asAlice.status).toBe(200);
      expect(asAlice.body.map((r) => r.operation_description)).toContain('create user member gina in project team');
      expect(asAlice.headers.get('x-total-count')).toBe(String(asAlice.body.length));
      expect((await list(undefined, '/api/v2.0/projects/team/auditlog-exts')).status).toBe(401);
      expect((await list(gina.auth, '/api/v2.0/projects/team/auditlog-exts')).status).toBe(403);
      expect((await list(outsider.auth, '/api/v2.0/projects/team/auditlog-exts')).status).toBe(403);
      expect((await list(core.adminAuth, '/api/v2.0/projects/team/auditlog-exts?q=operation%3Dcreate')).body.every((r) => r.operation === 'create')).toBe(true);
      expect((await list(core.adminAuth, '/api/v2.0/projects/nosuch/auditlog-exts')).status).toBe(404);
    });

    it('event types: Harbor’s list for administrators, 403 for others, 401 anonymous', async () => {
      const res = await api<{ event_type: string }[]>(core.url, 'GET', '/api/v2.0/auditlog-exts/events', { auth: core.adminAuth });
      expect(res.status).toBe(200);
      expect(res.body.map((e) => e.event_type)).toEqual([...AUDIT_EVENT_TYPES]);
      expect(res.body).toContainEqual({ event_type: 'update_configuration' });
      expect((await api(core.url, 'GET', '/api/v2.0/auditlog-exts/events', { auth: alice.auth })).status).toBe(403);
      expect((await api(core.url, 'GET', '/api/v2.0/auditlog-exts/events')).status).toBe(401);
    });
  });

  describe('settings', () => {
    afterEach(async () => {
      expect((await configure({ skip_audit_log_database: false, audit_log_forward_endpoint: '', disabled_audit_log_event_types: '' })).status).toBe(200);
    });

    it('disabled event types are not recorded; others still are', async () => {
      expect((await configure({ disabled_audit_log_event_types: 'create_project, Delete_Project' })).status).toBe(200);
      const before = await count('audit_log_ext');
      await createTestProject(core.url, core.adminAuth, 'quiet');
      expect((await api(core.url, 'DELETE', '/api/v2.0/projects/quiet', { auth: core.adminAuth })).status).toBe(200);
      expect(await count('audit_log_ext')).toBe(before);
      await createTestUser(core.url, core.adminAuth, 'loud', 'Loud123456');
      expect(await count('audit_log_ext')).toBe(before + 1);
    });

    it('refuses unknown event types, a malformed or unreachable endpoint, and skipping the database without an endpoint, changing nothing', async () => {
      const before = await api<Record<string, { value: unknown }>>(core.url, 'GET', '/api/v2.0/configurations', { auth: core.adminAuth });
      for (const body of [
        { disabled_audit_log_event_types: 'create_user,eat_cake' },
        { disabled_audit_log_event_types: 42 },
        { audit_log_forward_endpoint: 'no-port' },
        { audit_log_forward_endpoint: '127.0.0.1:1' },
        { skip_audit_log_database: true },
        { skip_audit_log_database: 'yes' },
      ]) {
        const res = await configure(body);
        expect([body, res.status]).toEqual([body, 400]);
      }
      const after = await api<Record<string, { value: unknown }>>(core.url, 'GET', '/api/v2.0/configurations', { auth: core.adminAuth });
      expect(after.body).toEqual(before.body);
      expect(after.body.skip_audit_log_database).toEqual({ value: false, editable: true });
      expect(after.body.audit_log_forward_endpoint).toEqual({ value: '', editable: true });
      expect(after.body.disabled_audit_log_event_types).toEqual({ value: '', editable: true });
    });

    it('forwards every recorded row to a TCP syslog endpoint; with skip_audit_log_database nothing reaches the database', async () => {
      const receiver = await SyslogReceiver.start('tcp');
      try {
        expect((await configure({ audit_log_forward_endpoint: receiver.endpoint })).status).toBe(200);
        await createTestUser(core.url, core.adminAuth, 'fwd1', 'Forward123');
        const line = await receiver.waitFor('resource:fwd1');
        expect(line).toMatch(/^<6>\S+ \S+ audit\[\d+\]: \S+ \[INFO\] \[operator="admin" result="true" resourceType="user" time="[^"]+"\]: action:create, resource:fwd1, operation_description:create user with name: fwd1$/);
        expect(await latest('resource=fwd1')).toBeDefined();

        expect((await configure({ skip_audit_log_database: true })).status).toBe(200);
        const ext = await count('audit_log_ext');
        const legacy = await count('audit_log');
        await createTestUser(core.url, core.adminAuth, 'fwd2', 'Forward123');
        await receiver.waitFor('resource:fwd2', 'action:create');
        expect(await count('audit_log_ext')).toBe(ext);
        expect(await count('audit_log')).toBe(legacy);
        // The endpoint cannot go while the database is skipped.
        expect((await configure({ audit_log_forward_endpoint: '' })).status).toBe(400);
      } finally {
        await receiver.stop();
      }
    });

    it('forwards over UDP too, and a disabled event type is not forwarded either', async () => {
      const receiver = await SyslogReceiver.start('udp');
      try {
        expect((await configure({ audit_log_forward_endpoint: receiver.endpoint, disabled_audit_log_event_types: 'create_project' })).status).toBe(200);
        await createTestProject(core.url, core.adminAuth, 'udp-quiet');
        await createTestUser(core.url, core.adminAuth, 'udp1', 'Forward123');
        await receiver.waitFor('resource:udp1');
        expect(receiver.lines.filter((l) => l.includes('udp-quiet'))).toEqual([]);
      } finally {
        await receiver.stop();
      }
    });

    it('requests go on while the receiver is down, and forwarding resumes when it is back', async () => {
      const receiver = await SyslogReceiver.start('tcp');
      expect((await configure({ audit_log_forward_endpoint: receiver.endpoint })).status).toBe(200);
      await createTestUser(core.url, core.adminAuth, 'up1', 'Forward123');
      await receiver.waitFor('resource:up1');
      await receiver.stop();
      // Recorded in the database and answered while nobody listens.
      for (const name of ['down1', 'down2']) {
        await createTestUser(core.url, core.adminAuth, name, 'Forward123');
        expect(await latest(`resource=${name}`)).toBeDefined();
      }
      await receiver.start();
      try {
        // Sent until one arrives: lines written into the connection that broke may be lost.
        let n = 0;
        const arrived = receiver.waitFor('resource:back');
        let done = false;
        void arrived.then(() => (done = true));
        while (!done) {
          await createTestUser(core.url, core.adminAuth, `back${n++}`, 'Forward123');
          await new Promise((r) => setTimeout(r, 50));
        }
        await arrived;
      } finally {
        await receiver.stop();
      }
    });
  });
});
