import { hashPassword } from '@wharf/auth';
import { addTestMember, api, basicAuthHeader, CoreHarness, createTestProject, createTestUser, errorCode, locationId, sqlQuery, startTestCore, TestUser } from '../testing';

interface UserResp {
  user_id: number;
  username: string;
  email: string;
  realname: string;
  comment: string;
  sysadmin_flag: boolean;
  creation_time: string;
}

describe('users API', () => {
  let core: CoreHarness;
  let alice: TestUser;
  let bob: TestUser;

  const get = <T = unknown>(path: string, auth?: string) => api<T>(core.url, 'GET', path, { auth });
  const userCount = async (q: string) => Number((await get(`/api/v2.0/users?q=${encodeURIComponent(q)}`, core.adminAuth)).headers.get('x-total-count'));

  beforeAll(async () => {
    core = await startTestCore();
    alice = await createTestUser(core.url, core.adminAuth, 'alice');
    bob = await createTestUser(core.url, core.adminAuth, 'bob');
  });
  afterAll(async () => {
    await core.close();
  });

  describe('POST /users', () => {
    it('creates a user who can then log in; the answer never carries the password', async () => {
      const res = await api(core.url, 'POST', '/api/v2.0/users', {
        auth: core.adminAuth,
        body: { username: 'carol', password: 'Carol1234', email: 'carol@example.com', realname: 'Carol C', comment: 'ops' },
      });
      expect(res.status).toBe(201);
      const id = locationId(res);
      expect(res.headers.get('location')).toBe(`/api/v2.0/users/${id}`);
      const user = await get<Record<string, unknown>>(`/api/v2.0/users/${id}`, core.adminAuth);
      expect(user.body).toMatchObject({ user_id: id, username: 'carol', email: 'carol@example.com', realname: 'Carol C', comment: 'ops', sysadmin_flag: false, admin_role_in_auth: false });
      expect(JSON.stringify(user.body)).not.toMatch(/password|Carol1234/i);
      const me = await get<UserResp>('/api/v2.0/users/current', basicAuthHeader('carol', 'Carol1234'));
      expect(me.status).toBe(200);
      expect(me.body.username).toBe('carol');
    });

    it('refuses duplicate names (any case) and e-mail addresses with 409, creating nothing', async () => {
      const before = await userCount('username=~');
      const sameName = await api(core.url, 'POST', '/api/v2.0/users', {
        auth: core.adminAuth,
        body: { username: 'ALICE', password: 'Passw0rd1', email: 'other@example.com', realname: 'A' },
      });
      expect([sameName.status, errorCode(sameName)]).toEqual([409, 'CONFLICT']);
      const sameEmail = await api(core.url, 'POST', '/api/v2.0/users', {
        auth: core.adminAuth,
        body: { username: 'alice2', password: 'Passw0rd1', email: 'Alice@Example.com', realname: 'A' },
      });
      expect([sameEmail.status, errorCode(sameEmail)]).toEqual([409, 'CONFLICT']);
      expect(await userCount('username=~')).toBe(before);
    });

    it('ignores fields it does not know, and nothing in a body makes an administrator', async () => {
      const body = { username: 'erin', password: 'Passw0rd1', email: 'erin@example.com', realname: 'Erin', admin: true, sysadmin_flag: true, admin_role_in_auth: true };
      const res = await api(core.url, 'POST', '/api/v2.0/users', { auth: core.adminAuth, body });
      expect(res.status).toBe(201);
      const erin = await api<{ sysadmin_flag: boolean; admin_role_in_auth: boolean }>(core.url, 'GET', `/api/v2.0/users/${locationId(res)}`, { auth: core.adminAuth });
      expect(erin.body).toMatchObject({ sysadmin_flag: false, admin_role_in_auth: false });
    });

    it.each([
      ['a weak password', { password: 'password' }, /upper-case/],
      ['a short password', { password: 'Ab1' }, /8 to 128/],
      ['a number as username', { username: 42 }, /username must be a string/],
      ['a missing password', { password: undefined }, /password must be a string/],
      ['a missing e-mail address', { email: undefined }, /email/],
      ['a malformed e-mail address', { email: 'dave@' }, /email/],
      ['a reserved character', { username: 'da$ve' }, /username/],
      ['a robot-like name', { username: 'robot$dave' }, /username/],
      ['an over-long comment', { comment: 'x'.repeat(31) }, /comment/],
    ])('refuses %s with 400 and creates nothing', async (_what, change, message) => {
      const body: Record<string, unknown> = { username: 'dave', password: 'Passw0rd1', email: 'dave@example.com', realname: 'Dave', ...change };
      const res = await api<{ errors: { message: string }[] }>(core.url, 'POST', '/api/v2.0/users', { auth: core.adminAuth, body });
      expect([res.status, errorCode(res)]).toEqual([400, 'BAD_REQUEST']);
      expect(res.body.errors[0].message).toMatch(message);
      expect(await userCount('username=dave')).toBe(0);
      expect(await userCount('username=da$ve')).toBe(0);
    });

    it('is for system administrators only', async () => {
      const body = { username: 'eve', password: 'Passw0rd1', email: 'eve@example.com', realname: 'Eve' };
      const anonymous = await api(core.url, 'POST', '/api/v2.0/users', { body });
      expect([anonymous.status, errorCode(anonymous)]).toEqual([401, 'UNAUTHORIZED']);
      const user = await api(core.url, 'POST', '/api/v2.0/users', { auth: alice.auth, body });
      expect([user.status, errorCode(user)]).toEqual([403, 'FORBIDDEN']);
      expect(await userCount('username=eve')).toBe(0);
    });
  });

  describe('GET /users and /users/search', () => {
    beforeAll(async () => {
      for (let i = 0; i < 5; i++) await createTestUser(core.url, core.adminAuth, `page${i}`);
    });

    it('pages with X-Total-Count and Link', async () => {
      const first = await get<UserResp[]>('/api/v2.0/users?q=username%3D~page&sort=username&page=1&page_size=2', core.adminAuth);
      expect(first.status).toBe(200);
      expect(first.headers.get('x-total-count')).toBe('5');
      expect(first.body.map((u) => u.username)).toEqual(['page0', 'page1']);
      expect(first.headers.get('link')).toBe('</api/v2.0/users?q=username%3D%7Epage&sort=username&page=2&page_size=2>; rel="next"');
      const middle = await get<UserResp[]>('/api/v2.0/users?q=username%3D~page&sort=-username&page=2&page_size=2', core.adminAuth);
      expect(middle.body.map((u) => u.username)).toEqual(['page2', 'page1']);
      expect(middle.headers.get('link')).toContain('rel="prev" , <');
      const last = await get<UserResp[]>('/api/v2.0/users?q=username%3D~page&sort=username&page=3&page_size=2', core.adminAuth);
      expect(last.body.map((u) => u.username)).toEqual(['page4']);
      expect(last.headers.get('link')).toMatch(/rel="prev"$/);
      const fuzzy = await get<UserResp[]>('/api/v2.0/users?username=age3', core.adminAuth);
      expect(fuzzy.body.map((u) => u.username)).toEqual(['page3']);
    });

    it('refuses bad queries with 400 and paging out of bounds with 422, as Harbor', async () => {
      for (const qs of ['q=nokey', 'q=user_id%3Dabc']) {
        const res = await get(`/api/v2.0/users?${qs}`, core.adminAuth);
        expect([qs, res.status, errorCode(res)]).toEqual([qs, 400, 'BAD_REQUEST']);
      }
      for (const qs of ['page_size=101', 'page=x']) {
        const res = await get(`/api/v2.0/users?${qs}`, core.adminAuth);
        expect([qs, res.status, errorCode(res)]).toEqual([qs, 422, 'UNPROCESSABLE_ENTITY']);
      }
    });

    it('never filters or sorts by a password hash: such keys are skipped, as Harbor skips unknown ones', async () => {
      const plain = await get<{ username: string }[]>('/api/v2.0/users?page_size=100', core.adminAuth);
      for (const qs of ['q=password%3Dx', 'q=password_hash%3D~%24', 'sort=password_hash', 'page=0']) {
        const res = await get<{ username: string }[]>(`/api/v2.0/users?page_size=100&${qs}`, core.adminAuth);
        expect([qs, res.status, res.body.map((u) => u.username)]).toEqual([qs, 200, plain.body.map((u) => u.username)]);
      }
    });

    it('lists for system administrators only', async () => {
      expect((await get('/api/v2.0/users')).status).toBe(401);
      expect((await get('/api/v2.0/users', alice.auth)).status).toBe(403);
    });

    it('lets any authenticated user search by name', async () => {
      const res = await get<{ user_id: number; username: string }[]>('/api/v2.0/users/search?username=ali', bob.auth);
      expect(res.status).toBe(200);
      expect(res.body).toEqual([{ user_id: alice.id, username: 'alice' }]);
      expect(res.headers.get('x-total-count')).toBe('1');
      expect((await get('/api/v2.0/users/search?username=ali')).status).toBe(401);
      const missing = await get('/api/v2.0/users/search', bob.auth);
      expect([missing.status, errorCode(missing)]).toEqual([400, 'BAD_REQUEST']);
    });
  });

  describe('GET /users/{id} and /users/current', () => {
    it('shows users themselves and administrators, nobody else', async () => {
      expect((await get(`/api/v2.0/users/${alice.id}`, alice.auth)).status).toBe(200);
      expect((await get(`/api/v2.0/users/${alice.id}`, core.adminAuth)).status).toBe(200);
      const other = await get(`/api/v2.0/users/${alice.id}`, bob.auth);
      expect([other.status, errorCode(other)]).toEqual([403, 'FORBIDDEN']);
      expect((await get(`/api/v2.0/users/${alice.id}`)).status).toBe(401);
    });

    it('answers 404 for a missing user and 400 for an id that is not one', async () => {
      const missing = await get('/api/v2.0/users/999999', core.adminAuth);
      expect([missing.status, errorCode(missing)]).toEqual([404, 'NOT_FOUND']);
      for (const id of ['abc', '0', '-1', '1.5', '99999999999']) {
        const bad = await get(`/api/v2.0/users/${id}`, core.adminAuth);
        expect([id, bad.status, errorCode(bad)]).toEqual([id, 400, 'BAD_REQUEST']);
      }
    });

    it('describes the caller, 401 without credentials, 412 for robots', async () => {
      const me = await get<UserResp>('/api/v2.0/users/current', core.adminAuth);
      expect(me.body).toMatchObject({ username: 'admin', sysadmin_flag: true });
      expect((await get('/api/v2.0/users/current')).status).toBe(401);
      await sqlQuery(core.db.url, `INSERT INTO robot (name, level, secret_hash, permissions) VALUES ('probe', 'system', $1, '[]')`, [await hashPassword('Robot1234')]);
      const robot = await get('/api/v2.0/users/current', basicAuthHeader('robot$probe', 'Robot1234'));
      expect([robot.status, errorCode(robot)]).toEqual([412, 'PRECONDITION']);
    });

    it('lists the caller\'s permissions in a project', async () => {
      const projectId = await createTestProject(core.url, core.adminAuth, 'perm-probe');
      await addTestMember(core.url, core.adminAuth, projectId, 'bob', 3);
      const res = await get<{ resource: string; action: string }[]>(`/api/v2.0/users/current/permissions?scope=/project/${projectId}&relative=true`, bob.auth);
      expect(res.status).toBe(200);
      expect(res.body).toContainEqual({ resource: 'repository', action: 'pull' });
      expect(res.body).not.toContainEqual({ resource: 'repository', action: 'push' });
      const stranger = await get<unknown[]>(`/api/v2.0/users/current/permissions?scope=/project/${projectId}`, alice.auth);
      expect(stranger.body).toEqual([]);
    });
  });

  describe('PUT /users/{id}', () => {
    it('lets users change their own profile, keeping fields they leave out', async () => {
      const res = await api(core.url, 'PUT', `/api/v2.0/users/${alice.id}`, { auth: alice.auth, body: { realname: 'Alice A', comment: 'hi' } });
      expect(res.status).toBe(200);
      const after = await get<UserResp>(`/api/v2.0/users/${alice.id}`, alice.auth);
      expect(after.body).toMatchObject({ realname: 'Alice A', comment: 'hi', email: 'alice@example.com' });
    });

    it('refuses changes to others, bad values and taken e-mail addresses, changing nothing', async () => {
      const before = (await get<UserResp>(`/api/v2.0/users/${alice.id}`, core.adminAuth)).body;
      const other = await api(core.url, 'PUT', `/api/v2.0/users/${alice.id}`, { auth: bob.auth, body: { realname: 'Mallory' } });
      expect([other.status, errorCode(other)]).toEqual([403, 'FORBIDDEN']);
      const taken = await api(core.url, 'PUT', `/api/v2.0/users/${alice.id}`, { auth: alice.auth, body: { email: 'bob@example.com' } });
      expect([taken.status, errorCode(taken)]).toEqual([409, 'CONFLICT']);
      for (const body of [{ email: 'nope' }, { realname: '' }, { comment: 7 }]) {
        const bad = await api(core.url, 'PUT', `/api/v2.0/users/${alice.id}`, { auth: alice.auth, body });
        expect([JSON.stringify(body), bad.status, errorCode(bad)]).toEqual([JSON.stringify(body), 400, 'BAD_REQUEST']);
      }
      expect((await get<UserResp>(`/api/v2.0/users/${alice.id}`, core.adminAuth)).body).toEqual(before);
      // A user name is not part of a profile: Harbor ignores it, and so does Wharf.
      const renamed = await api(core.url, 'PUT', `/api/v2.0/users/${alice.id}`, { auth: alice.auth, body: { username: 'renamed', sysadmin_flag: true } });
      expect(renamed.status).toBe(200);
      expect((await get<UserResp>(`/api/v2.0/users/${alice.id}`, core.adminAuth)).body).toMatchObject({ username: before.username, sysadmin_flag: false });
    });
  });

  describe('PUT /users/{id}/password', () => {
    it('needs the old password from users themselves', async () => {
      const frank = await createTestUser(core.url, core.adminAuth, 'frank', 'Frank1234');
      const wrongOld = await api(core.url, 'PUT', `/api/v2.0/users/${frank.id}/password`, { auth: frank.auth, body: { old_password: 'Nope12345', new_password: 'Frank5678' } });
      expect([wrongOld.status, errorCode(wrongOld)]).toEqual([403, 'FORBIDDEN']);
      const noOld = await api(core.url, 'PUT', `/api/v2.0/users/${frank.id}/password`, { auth: frank.auth, body: { new_password: 'Frank5678' } });
      expect(noOld.status).toBe(403);
      const weak = await api<{ errors: { message: string }[] }>(core.url, 'PUT', `/api/v2.0/users/${frank.id}/password`, {
        auth: frank.auth,
        body: { old_password: 'Frank1234', new_password: 'weakweak' },
      });
      expect([weak.status, errorCode(weak)]).toEqual([400, 'BAD_REQUEST']);
      expect(weak.body.errors[0].message).toMatch(/upper-case/);
      const same = await api(core.url, 'PUT', `/api/v2.0/users/${frank.id}/password`, { auth: frank.auth, body: { old_password: 'Frank1234', new_password: 'Frank1234' } });
      expect(same.status).toBe(400);
      // Nothing above changed the password.
      expect((await get('/api/v2.0/users/current', frank.auth)).status).toBe(200);
      const ok = await api(core.url, 'PUT', `/api/v2.0/users/${frank.id}/password`, { auth: frank.auth, body: { old_password: 'Frank1234', new_password: 'Frank5678' } });
      expect(ok.status).toBe(200);
      expect((await get('/api/v2.0/users/current', frank.auth)).status).toBe(401);
      expect((await get('/api/v2.0/users/current', basicAuthHeader('frank', 'Frank5678'))).status).toBe(200);
    });

    it('lets administrators reset any password without the old one, and nobody else', async () => {
      const gina = await createTestUser(core.url, core.adminAuth, 'gina', 'Gina12345');
      const other = await api(core.url, 'PUT', `/api/v2.0/users/${gina.id}/password`, { auth: bob.auth, body: { new_password: 'Stolen123' } });
      expect(other.status).toBe(403);
      const reset = await api(core.url, 'PUT', `/api/v2.0/users/${gina.id}/password`, { auth: core.adminAuth, body: { new_password: 'Reset1234' } });
      expect(reset.status).toBe(200);
      expect((await get('/api/v2.0/users/current', basicAuthHeader('gina', 'Reset1234'))).status).toBe(200);
    });
  });

  describe('PUT /users/{id}/sysadmin', () => {
    it('promotes and demotes, for administrators only', async () => {
      const hank = await createTestUser(core.url, core.adminAuth, 'hank');
      expect((await api(core.url, 'PUT', `/api/v2.0/users/${hank.id}/sysadmin`, { auth: hank.auth, body: { sysadmin_flag: true } })).status).toBe(403);
      const bad = await api(core.url, 'PUT', `/api/v2.0/users/${hank.id}/sysadmin`, { auth: core.adminAuth, body: { sysadmin_flag: 'yes' } });
      expect([bad.status, errorCode(bad)]).toEqual([400, 'BAD_REQUEST']);
      expect((await get('/api/v2.0/users', hank.auth)).status).toBe(403);
      expect((await api(core.url, 'PUT', `/api/v2.0/users/${hank.id}/sysadmin`, { auth: core.adminAuth, body: { sysadmin_flag: true } })).status).toBe(200);
      expect((await get('/api/v2.0/users', hank.auth)).status).toBe(200);
      expect((await api(core.url, 'PUT', `/api/v2.0/users/${hank.id}/sysadmin`, { auth: core.adminAuth, body: { sysadmin_flag: false } })).status).toBe(200);
      expect((await get('/api/v2.0/users', hank.auth)).status).toBe(403);
    });

    it('keeps admin a system administrator', async () => {
      const adminId = (await get<UserResp>('/api/v2.0/users/current', core.adminAuth)).body.user_id;
      const res = await api(core.url, 'PUT', `/api/v2.0/users/${adminId}/sysadmin`, { auth: core.adminAuth, body: { sysadmin_flag: false } });
      expect(res.status).toBe(403);
      expect((await get<UserResp>('/api/v2.0/users/current', core.adminAuth)).body.sysadmin_flag).toBe(true);
    });
  });

  describe('DELETE /users/{id}', () => {
    it('deletes a user, whose credentials then stop working', async () => {
      const ivan = await createTestUser(core.url, core.adminAuth, 'ivan');
      expect((await api(core.url, 'DELETE', `/api/v2.0/users/${ivan.id}`, { auth: alice.auth })).status).toBe(403);
      expect((await api(core.url, 'DELETE', `/api/v2.0/users/${ivan.id}`, { auth: core.adminAuth })).status).toBe(200);
      expect((await get(`/api/v2.0/users/${ivan.id}`, core.adminAuth)).status).toBe(404);
      expect((await get('/api/v2.0/users/current', ivan.auth)).status).toBe(401);
      const again = await api(core.url, 'DELETE', `/api/v2.0/users/${ivan.id}`, { auth: core.adminAuth });
      expect([again.status, errorCode(again)]).toEqual([404, 'NOT_FOUND']);
    });

    it('never deletes admin or the caller', async () => {
      const adminId = (await get<UserResp>('/api/v2.0/users/current', core.adminAuth)).body.user_id;
      expect((await api(core.url, 'DELETE', `/api/v2.0/users/${adminId}`, { auth: core.adminAuth })).status).toBe(403);
      const judy = await createTestUser(core.url, core.adminAuth, 'judy');
      await api(core.url, 'PUT', `/api/v2.0/users/${judy.id}/sysadmin`, { auth: core.adminAuth, body: { sysadmin_flag: true } });
      expect((await api(core.url, 'DELETE', `/api/v2.0/users/${judy.id}`, { auth: judy.auth })).status).toBe(403);
      expect((await api(core.url, 'DELETE', `/api/v2.0/users/${adminId}`, { auth: judy.auth })).status).toBe(403);
      expect((await get('/api/v2.0/users/current', core.adminAuth)).status).toBe(200);
      expect((await get('/api/v2.0/users/current', judy.auth)).status).toBe(200);
    });
  });

  it('records one audit row per change to a user', async () => {
    const kim = await createTestUser(core.url, core.adminAuth, 'kim');
    await api(core.url, 'PUT', `/api/v2.0/users/${kim.id}`, { auth: kim.auth, body: { comment: 'x' } });
    await api(core.url, 'DELETE', `/api/v2.0/users/${kim.id}`, { auth: core.adminAuth });
    const logs = await get<{ username: string; resource: string; resource_type: string; operation: string }[]>(
      '/api/v2.0/audit-logs?q=resource%3Dkim,resource_type%3Duser&sort=op_time',
      core.adminAuth,
    );
    expect(logs.body.map((l) => [l.operation, l.username, l.resource, l.resource_type])).toEqual([
      ['create', 'admin', 'kim', 'user'],
      ['update', 'kim', 'kim', 'user'],
      ['delete', 'admin', 'kim', 'user'],
    ]);
  });
});
