import { ExecutionStatus, ExecutionStore, Trigger, VendorType } from '@wharf/jobs';
import { api, ApiResponse, CoreHarness, createRoleCast, createTestProject, errorCode, locationId, sqlQuery, startTestCore, TestUser } from '../testing';

interface Target {
  type: string;
  address: string;
  auth_header?: string;
  skip_cert_verify: boolean;
  payload_format?: string;
}

interface Policy {
  id: number;
  name: string;
  description: string;
  project_id: number;
  targets: Target[];
  event_types: string[];
  creator: string;
  creation_time: string;
  update_time: string;
  enabled: boolean;
}

const policyBody = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  event_types: ['PUSH_ARTIFACT'],
  targets: [{ type: 'http', address: 'https://ci.example.com/hooks/harbor', auth_header: 'Bearer s3cret', skip_cert_verify: false }],
  ...extra,
});

describe('webhook policies (/projects/{p}/webhook)', () => {
  let core: CoreHarness;
  const users = {} as Record<'alice' | 'maria' | 'dave' | 'mallory', TestUser>;
  let teamId: number;
  let otherId: number;

  const call = <T = unknown>(method: string, path: string, auth?: string | null, body?: unknown, headers?: Record<string, string>) =>
    api<T>(core.url, method, `/api/v2.0${path}`, { auth: auth === null ? undefined : (auth ?? core.adminAuth), body, headers });
  const stored = (projectId: number) =>
    sqlQuery<{ id: number; name: string; enabled: boolean; event_types: string[]; targets: unknown[] }>(
      core.db.url,
      'SELECT id, name, enabled, event_types, targets FROM webhook_policy WHERE project_id = $1 ORDER BY id',
      [projectId],
    );
  const clear = () => sqlQuery(core.db.url, 'DELETE FROM webhook_policy');
  const message = (res: ApiResponse) => (res.body as { errors: { message: string }[] }).errors[0].message;
  function expectError(res: ApiResponse, status: number, code: string, pattern?: RegExp): void {
    expect(res.status).toBe(status);
    expect(errorCode(res)).toBe(code);
    if (pattern) expect(message(res)).toMatch(pattern);
  }

  beforeAll(async () => {
    // As in Compose: core is known to the others as core:8080 (INTERNAL_SERVICES).
    core = await startTestCore({ services: [{ host: 'core', port: 8080 }] });
    teamId = await createTestProject(core.url, core.adminAuth, 'team');
    otherId = await createTestProject(core.url, core.adminAuth, 'other');
    Object.assign(users, await createRoleCast(core.url, core.adminAuth, 'team', ['alice', 'maria', 'dave', 'mallory']));
  });

  afterAll(async () => {
    await core?.close();
  });

  describe('create, read, list, update, delete', () => {
    afterAll(clear);

    it('creates a policy and answers it as Harbor’s WebhookPolicy', async () => {
      const res = await call('POST', '/projects/team/webhook/policies', users.alice.auth, {
        ...policyBody('ci', { description: 'builds on push', project_id: teamId }),
        targets: [
          { type: 'http', address: 'https://ci.example.com/hooks/harbor', auth_header: 'Bearer s3cret', skip_cert_verify: true, payload_format: 'CloudEvents' },
          { type: 'slack', address: 'https://hooks.slack.com/services/T/B/X' },
        ],
      });
      expect(res.status).toBe(201);
      const id = locationId(res);
      expect(res.headers.get('location')).toBe(`/api/v2.0/projects/team/webhook/policies/${id}`);

      const got = await call<Policy>('GET', `/projects/${teamId}/webhook/policies/${id}`, users.alice.auth);
      expect(got.status).toBe(200);
      expect(got.body).toEqual({
        id,
        name: 'ci',
        description: 'builds on push',
        project_id: teamId,
        targets: [
          { type: 'http', address: 'https://ci.example.com/hooks/harbor', auth_header: 'Bearer s3cret', skip_cert_verify: true, payload_format: 'CloudEvents' },
          { type: 'slack', address: 'https://hooks.slack.com/services/T/B/X', skip_cert_verify: false },
        ],
        event_types: ['PUSH_ARTIFACT'],
        creator: 'alice',
        creation_time: expect.any(String),
        update_time: expect.any(String),
        enabled: true,
      });
      // A minimal http target gets Harbor's Default format.
      const second = await call('POST', '/projects/team/webhook/policies', core.adminAuth, policyBody('audit', { enabled: false, event_types: ['DELETE_ARTIFACT', 'QUOTA_EXCEED'] }));
      expect(second.status).toBe(201);
      const audit = await call<Policy>('GET', `/projects/team/webhook/policies/${locationId(second)}`);
      expect(audit.body).toMatchObject({ creator: 'admin', enabled: false, event_types: ['DELETE_ARTIFACT', 'QUOTA_EXCEED'], targets: [{ payload_format: 'Default' }] });
    });

    it('lists a project’s policies newest first, with paging, q and sort', async () => {
      await call('POST', '/projects/team/webhook/policies', users.alice.auth, policyBody('zeta'));
      const page = await call<Policy[]>('GET', '/projects/team/webhook/policies?page_size=2', users.alice.auth);
      expect(page.status).toBe(200);
      expect(page.headers.get('x-total-count')).toBe('3');
      expect(page.headers.get('link')).toBe('</api/v2.0/projects/team/webhook/policies?page_size=2&page=2>; rel="next"');
      expect(page.body.map((p) => p.name)).toEqual(['zeta', 'audit']);
      const byName = await call<Policy[]>('GET', '/projects/team/webhook/policies?sort=name', users.maria.auth);
      expect(byName.body.map((p) => p.name)).toEqual(['audit', 'ci', 'zeta']);
      const enabled = await call<Policy[]>('GET', '/projects/team/webhook/policies?q=enabled=false', users.alice.auth);
      expect(enabled.body.map((p) => p.name)).toEqual(['audit']);
      // A key the list cannot filter by is skipped, as Harbor skips it.
      expect((await call('GET', '/projects/team/webhook/policies?q=targets=x', users.alice.auth)).status).toBe(200);
      const elsewhere = await call<Policy[]>('GET', '/projects/other/webhook/policies');
      expect(elsewhere.body).toEqual([]);
      expect(elsewhere.headers.get('x-total-count')).toBe('0');
    });

    it('updates only what a PUT names; a taken name is 409; another project’s policy is 404', async () => {
      const [ci, audit] = await stored(teamId);
      const before = (await call<Policy>('GET', `/projects/team/webhook/policies/${ci.id}`)).body;
      expect((await call('PUT', `/projects/team/webhook/policies/${ci.id}`, users.alice.auth, { enabled: false })).status).toBe(200);
      const after = (await call<Policy>('GET', `/projects/team/webhook/policies/${ci.id}`)).body;
      expect(after).toEqual({ ...before, enabled: false, update_time: expect.any(String) });
      expect(Date.parse(after.update_time)).toBeGreaterThanOrEqual(Date.parse(before.update_time));

      // Harbor's console sends the whole policy back.
      const edited = { ...after, enabled: true, event_types: ['PULL_ARTIFACT'], targets: [{ type: 'http', address: 'http://10.0.0.1:9000/hook', skip_cert_verify: false }] };
      expect((await call('PUT', `/projects/team/webhook/policies/${ci.id}`, users.alice.auth, edited)).status).toBe(200);
      expect((await call<Policy>('GET', `/projects/team/webhook/policies/${ci.id}`)).body).toMatchObject({
        enabled: true,
        event_types: ['PULL_ARTIFACT'],
        targets: [{ type: 'http', address: 'http://10.0.0.1:9000/hook', skip_cert_verify: false, payload_format: 'Default' }],
      });

      expectError(await call('PUT', `/projects/team/webhook/policies/${ci.id}`, users.alice.auth, { name: audit.name }), 409, 'CONFLICT', /already has a webhook policy named "audit"/);
      expectError(await call('POST', '/projects/team/webhook/policies', users.alice.auth, policyBody('audit')), 409, 'CONFLICT');
      // The same name in another project is fine.
      expect((await call('POST', '/projects/other/webhook/policies', core.adminAuth, policyBody('audit'))).status).toBe(201);

      expectError(await call('GET', `/projects/other/webhook/policies/${ci.id}`), 404, 'NOT_FOUND', /webhook policy \d+ not found in project other/);
      expectError(await call('PUT', `/projects/other/webhook/policies/${ci.id}`, core.adminAuth, { enabled: false }), 404, 'NOT_FOUND');
      expectError(await call('DELETE', `/projects/other/webhook/policies/${ci.id}`), 404, 'NOT_FOUND');
      expectError(await call('GET', '/projects/team/webhook/policies/99999'), 404, 'NOT_FOUND');
      expectError(await call('GET', '/projects/team/webhook/policies/abc'), 400, 'BAD_REQUEST');
      expectError(await call('GET', '/projects/nowhere/webhook/policies'), 404, 'NOT_FOUND', /project nowhere not found/);
      expectError(await call('POST', '/projects/nowhere/webhook/policies', core.adminAuth, policyBody('x')), 404, 'NOT_FOUND');
      expect((await stored(teamId)).find((p) => p.id === ci.id)?.enabled).toBe(true);
    });

    it('refuses unusable bodies with Harbor’s 400 and changes nothing', async () => {
      const before = await stored(teamId);
      const [ci] = before;
      const bad: [unknown, RegExp][] = [
        [{ ...policyBody('x'), targets: 'http://h' }, /targets must be an array/],
        [{ ...policyBody('x'), targets: [{ type: 'http', address: 'http://h/', skip_cert_verify: 'yes' }] }, /skip_cert_verify must be a boolean/],
        [policyBody('x', { targets: [] }), /at least one target/],
        [policyBody('x', { targets: [{ type: 'http', address: 'https://u:p@h/' }] }), /credentials/],
        [policyBody('x', { event_types: ['SCANNING_COMPLETED'] }), /unsupported event type "SCANNING_COMPLETED"/],
        [policyBody('x', { project_id: otherId }), /is not the project of the path/],
        [{ event_types: ['PUSH_ARTIFACT'], targets: [{ type: 'http', address: 'http://h/' }] }, /name is required/],
        ['"policy"', /object/],
      ];
      for (const [body, pattern] of bad) expectError(await call('POST', '/projects/team/webhook/policies', users.alice.auth, body), 400, 'BAD_REQUEST', pattern);
      expectError(await call('PUT', `/projects/team/webhook/policies/${ci.id}`, users.alice.auth, { event_types: [] }), 400, 'BAD_REQUEST', /at least one event type/);
      expectError(await call('PUT', `/projects/team/webhook/policies/${ci.id}`, users.alice.auth, { id: ci.id + 1 }), 400, 'BAD_REQUEST', /is not the policy of the path/);
      expect(await stored(teamId)).toEqual(before);
    });

    it('deletes a policy with its delivery history', async () => {
      const [, audit] = await stored(teamId);
      const executions = core.app.get(ExecutionStore);
      const created = await executions.create({ vendorType: VendorType.Webhook, vendorId: String(audit.id), trigger: Trigger.Event, parameters: { event_type: 'QUOTA_EXCEED' } });
      if (created === 'busy') throw new Error('unexpected');
      const res = await call('DELETE', `/projects/team/webhook/policies/${audit.id}`, users.alice.auth);
      expect(res.status).toBe(200);
      expect(await executions.get(created.executionId)).toBeUndefined();
      expectError(await call('GET', `/projects/team/webhook/policies/${audit.id}`), 404, 'NOT_FOUND');
      expectError(await call('DELETE', `/projects/team/webhook/policies/${audit.id}`), 404, 'NOT_FOUND');
    });
  });

  describe('which addresses targets may reach (webhook_allowed_networks)', () => {
    const allow = async (value: string) => expect((await call('PUT', '/configurations', core.adminAuth, { webhook_allowed_networks: value })).status).toBe(200);
    const withTarget = (name: string, address: string) => policyBody(name, { targets: [{ type: 'http', address, skip_cert_verify: false }] });
    afterAll(async () => {
      await allow('0.0.0.0/0,::/0');
      await clear();
    });

    it('refuses loopback, link-local, unspecified addresses and the installation’s services by default, with Harbor’s 400', async () => {
      const refused: [string, RegExp][] = [
        ['http://127.0.0.1:9000/hook', /127\.0\.0\.1 is a loopback address; webhook targets reach it only where webhook_allowed_networks names it/],
        ['http://localhost:9000/hook', /loopback/],
        ['http://[::1]:9000/hook', /loopback/],
        ['http://[::ffff:127.0.0.1]:9000/hook', /loopback/],
        ['http://2130706433:9000/hook', /loopback/],
        ['http://169.254.169.254/latest/meta-data/', /link-local address \(where cloud metadata services answer\)/],
        ['http://0.0.0.0:8080/', /unspecified/],
        ['http://core:8080/api/v2.0/users', /core:8080 is one of this installation's own services/],
      ];
      for (const [address, reason] of refused) {
        const res = await call('POST', '/projects/team/webhook/policies', users.alice.auth, withTarget('internal', address));
        expectError(res, 400, 'BAD_REQUEST', reason);
        expect(message(res)).toMatch(/^targets\[0\]\.address is refused: /);
      }
      // Private networks are where CI servers and chat relays live: reachable by default.
      expect((await call('POST', '/projects/team/webhook/policies', users.alice.auth, withTarget('jenkins', 'http://10.1.2.3:8080/hook'))).status).toBe(201);
      expect((await stored(teamId)).map((p) => p.name)).toEqual(['jenkins']);
    });

    it('reaches loopback once an administrator names it, and no further than named', async () => {
      expectError(await call('PUT', '/configurations', users.alice.auth, { webhook_allowed_networks: '0.0.0.0/0,127.0.0.1' }), 403, 'FORBIDDEN');
      expectError(await call('PUT', '/configurations', core.adminAuth, { webhook_allowed_networks: '0.0.0.0/0,localhost' }), 400, 'BAD_REQUEST', /"localhost" is not an address/);
      await allow('0.0.0.0/0,::/0,127.0.0.1');
      expect((await call('GET', '/configurations', core.adminAuth)).body).toMatchObject({ webhook_allowed_networks: { value: '0.0.0.0/0,::/0,127.0.0.1', editable: true } });
      const res = await call('POST', '/projects/team/webhook/policies', users.alice.auth, withTarget('local', 'http://127.0.0.1:9000/hook'));
      expect(res.status).toBe(201);
      const id = locationId(res);
      expectError(await call('POST', '/projects/team/webhook/policies', users.alice.auth, withTarget('other', 'http://127.0.0.2:9000/hook')), 400, 'BAD_REQUEST', /loopback/);
      // localhost is 127.0.0.1 and ::1: the second is not named.
      expectError(await call('POST', '/projects/team/webhook/policies', users.alice.auth, withTarget('other', 'http://localhost:9000/hook')), 400, 'BAD_REQUEST', /::1 is a loopback/);

      // Closed again: the policy can still be edited and disabled, not pointed anywhere refused.
      await allow('0.0.0.0/0,::/0');
      expect((await call('PUT', `/projects/team/webhook/policies/${id}`, users.alice.auth, { enabled: false, description: 'off' })).status).toBe(200);
      expectError(
        await call('PUT', `/projects/team/webhook/policies/${id}`, users.alice.auth, { targets: [{ type: 'http', address: 'http://169.254.169.254/', skip_cert_verify: false }] }),
        400,
        'BAD_REQUEST',
        /link-local/,
      );
      expect((await stored(teamId)).find((p) => p.id === id)).toMatchObject({ enabled: false, targets: [expect.objectContaining({ address: 'http://127.0.0.1:9000/hook' })] });
    });
  });

  it('lets project admins manage policies and maintainers list them (Harbor’s matrix), system admins everything', async () => {
    const id = locationId(await call('POST', '/projects/team/webhook/policies', users.alice.auth, policyBody('rbac')));
    const base = '/projects/team/webhook';
    const cases: [string, string, unknown?][] = [
      ['GET', `${base}/policies/${id}`],
      ['PUT', `${base}/policies/${id}`, { enabled: true }],
      ['POST', `${base}/policies`, policyBody('again')],
      ['DELETE', `${base}/policies/${id}`],
      ['GET', `${base}/policies/${id}/executions`],
      ['GET', `${base}/lasttrigger`],
      ['GET', `${base}/events`],
    ];
    for (const [method, path, body] of cases) {
      for (const who of ['maria', 'dave', 'mallory'] as const) expectError(await call(method, path, users[who].auth, body), 403, 'FORBIDDEN');
      expectError(await call(method, path, null, body), 401, 'UNAUTHORIZED');
    }
    expect((await call('GET', `${base}/policies`, users.maria.auth)).status).toBe(200);
    for (const who of ['dave', 'mallory'] as const) expectError(await call('GET', `${base}/policies`, users[who].auth), 403, 'FORBIDDEN');
    expectError(await call('GET', `${base}/policies`, null), 401, 'UNAUTHORIZED');
    expect((await stored(teamId)).map((p) => p.name)).toEqual(['rbac']);
    expect((await call('PUT', `${base}/policies/${id}`, core.adminAuth, { description: 'by admin' })).status).toBe(200);
    expect((await call('DELETE', `${base}/policies/${id}`, core.adminAuth)).status).toBe(200);
  });

  it('names the supported event types, notify types and payload formats', async () => {
    const res = await call('GET', '/projects/team/webhook/events', users.alice.auth);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      event_type: ['PUSH_ARTIFACT', 'PULL_ARTIFACT', 'DELETE_ARTIFACT', 'QUOTA_EXCEED', 'QUOTA_WARNING', 'TAG_RETENTION'],
      notify_type: ['http', 'slack'],
      payload_formats: [{ notify_type: 'http', formats: ['Default', 'CloudEvents'] }],
    });
    expectError(await call('GET', '/projects/nowhere/webhook/events'), 404, 'NOT_FOUND');
  });

  describe('the delivery log', () => {
    let executions: ExecutionStore;
    let policyId: number;
    let otherPolicyId: number;

    /** A delivery as the jobservice records it: started, logged, ended. */
    async function delivery(vendorId: number, eventType: string, status: ExecutionStatus, log: string): Promise<{ executionId: string; taskId: string }> {
      const c = await executions.create({
        vendorType: VendorType.Webhook,
        vendorId: String(vendorId),
        trigger: Trigger.Event,
        parameters: { event_type: eventType, event_id: `${Date.now()}-${Math.random()}`, target_index: 0, notify_type: 'http', address: 'http://h/', auth_header: 'Bearer ******' },
        extraAttrs: { event_type: eventType, payload: '{"type":"' + eventType + '"}' },
      });
      if (c === 'busy') throw new Error('unexpected');
      const taskId = c.taskIds[0];
      await executions.startTask(taskId, `task-${taskId}`);
      await executions.appendLog(taskId, log);
      if (status === ExecutionStatus.Success) await executions.finishTask(taskId, status, '', { http_status: 200 });
      if (status === ExecutionStatus.Error) await executions.finishTask(taskId, status, 'POST http://h/ answered 500');
      return { executionId: c.executionId, taskId };
    }

    beforeAll(async () => {
      executions = core.app.get(ExecutionStore);
      policyId = locationId(await call('POST', '/projects/team/webhook/policies', users.alice.auth, policyBody('logged', { event_types: ['PUSH_ARTIFACT', 'PULL_ARTIFACT'] })));
      otherPolicyId = locationId(await call('POST', '/projects/other/webhook/policies', core.adminAuth, policyBody('elsewhere')));
    });

    it('lists a policy’s executions newest first, with their task counts', async () => {
      const first = await delivery(policyId, 'PUSH_ARTIFACT', ExecutionStatus.Success, 'attempt 1\n');
      const second = await delivery(policyId, 'PUSH_ARTIFACT', ExecutionStatus.Error, 'attempt 1\nattempt 2\n');
      const third = await delivery(policyId, 'PULL_ARTIFACT', ExecutionStatus.Running, 'attempt 1\n');
      await delivery(otherPolicyId, 'PUSH_ARTIFACT', ExecutionStatus.Success, 'x');

      const res = await call<Record<string, unknown>[]>('GET', `/projects/team/webhook/policies/${policyId}/executions`, users.alice.auth);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-total-count')).toBe('3');
      expect(res.body.map((e) => e['id'])).toEqual([third, second, first].map((d) => Number(d.executionId)));
      expect(res.body[1]).toEqual({
        id: Number(second.executionId),
        vendor_type: 'WEBHOOK',
        vendor_id: policyId,
        status: 'Error',
        status_message: 'POST http://h/ answered 500',
        metrics: { task_count: 1, success_task_count: 0, error_task_count: 1, pending_task_count: 0, running_task_count: 0, scheduled_task_count: 0, stopped_task_count: 0 },
        trigger: 'EVENT',
        extra_attrs: { event_type: 'PUSH_ARTIFACT', payload: '{"type":"PUSH_ARTIFACT"}' },
        start_time: expect.any(String),
        end_time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      });
      expect(res.body[0]).toMatchObject({ status: 'Running', end_time: '0001-01-01T00:00:00Z', metrics: { running_task_count: 1 } });
      const errors = await call<Record<string, unknown>[]>('GET', `/projects/team/webhook/policies/${policyId}/executions?q=status=Error`, users.alice.auth);
      expect(errors.body.map((e) => e['id'])).toEqual([Number(second.executionId)]);
      const pulls = await call<Record<string, unknown>[]>('GET', `/projects/team/webhook/policies/${policyId}/executions?q=event_type=PULL_ARTIFACT&page_size=1`, users.alice.auth);
      expect(pulls.body.map((e) => e['id'])).toEqual([Number(third.executionId)]);
    });

    it('lists the same deliveries as Harbor’s deprecated webhook jobs, by policy and status', async () => {
      const jobs = await call<Record<string, unknown>[]>('GET', `/projects/team/webhook/jobs?policy_id=${policyId}`, users.alice.auth);
      expect(jobs.status).toBe(200);
      const executions = await call<Record<string, unknown>[]>('GET', `/projects/team/webhook/policies/${policyId}/executions?page_size=100`, users.alice.auth);
      expect(jobs.headers.get('x-total-count')).toBe(executions.headers.get('x-total-count'));
      const failed = executions.body.find((e) => e['status'] === 'Error') as Record<string, unknown>;
      expect(jobs.body.find((j) => j['id'] === failed['id'])).toEqual({
        id: failed['id'],
        policy_id: policyId,
        event_type: 'PUSH_ARTIFACT',
        notify_type: 'http',
        status: 'Error',
        job_detail: '{"type":"PUSH_ARTIFACT"}',
        creation_time: failed['start_time'],
        update_time: failed['end_time'],
      });
      const some = await call<Record<string, unknown>[]>('GET', `/projects/team/webhook/jobs?policy_id=${policyId}&status=Error&status=Running&page_size=100`, users.alice.auth);
      expect(new Set(some.body.map((j) => j['status']))).toEqual(new Set(['Error', 'Running']));
      // By project id too; the policy must be the project's own.
      expect((await call('GET', `/projects/${teamId}/webhook/jobs?policy_id=${policyId}`, users.alice.auth)).status).toBe(200);
      expectError(await call('GET', `/projects/team/webhook/jobs?policy_id=${otherPolicyId}`, core.adminAuth), 404, 'NOT_FOUND');
      expectError(await call('GET', '/projects/team/webhook/jobs', users.alice.auth), 422, 'UNPROCESSABLE_ENTITY', /policy_id in query is required/);
      expectError(await call('GET', '/projects/team/webhook/jobs?policy_id=x', users.alice.auth), 422, 'UNPROCESSABLE_ENTITY');
      expect((await call('GET', `/projects/team/webhook/jobs?policy_id=${policyId}`, users.maria.auth)).status).toBe(200);
      expectError(await call('GET', `/projects/team/webhook/jobs?policy_id=${policyId}`, users.dave.auth), 403, 'FORBIDDEN');
      expectError(await call('GET', `/projects/team/webhook/jobs?policy_id=${policyId}`, null), 401, 'UNAUTHORIZED');
    });

    it('shows an execution’s tasks and each task’s log, only under the policy it belongs to', async () => {
      const d = await delivery(policyId, 'PUSH_ARTIFACT', ExecutionStatus.Success, '2026-01-01T00:00:00.000Z [INFO] attempt 1 of 4: POST http://h/\n');
      const base = `/projects/team/webhook/policies/${policyId}/executions/${d.executionId}`;
      const tasks = await call<Record<string, unknown>[]>('GET', `${base}/tasks`, users.alice.auth);
      expect(tasks.status).toBe(200);
      expect(tasks.headers.get('x-total-count')).toBe('1');
      expect(tasks.body).toEqual([
        {
          id: Number(d.taskId),
          execution_id: Number(d.executionId),
          status: 'Success',
          status_message: '',
          run_count: 1,
          extra_attrs: { http_status: 200 },
          creation_time: expect.any(String),
          update_time: expect.any(String),
          start_time: expect.any(String),
          end_time: expect.any(String),
        },
      ]);
      const log = await call('GET', `${base}/tasks/${d.taskId}/log`, users.alice.auth);
      expect(log.status).toBe(200);
      expect(log.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(log.body).toBe('2026-01-01T00:00:00.000Z [INFO] attempt 1 of 4: POST http://h/\n');

      const foreign = await delivery(otherPolicyId, 'PUSH_ARTIFACT', ExecutionStatus.Success, 'secret');
      expectError(await call('GET', `/projects/team/webhook/policies/${policyId}/executions/${foreign.executionId}/tasks`), 404, 'NOT_FOUND', /execution \d+ not found in webhook policy/);
      expectError(await call('GET', `/projects/team/webhook/policies/${policyId}/executions/${foreign.executionId}/tasks/${foreign.taskId}/log`), 404, 'NOT_FOUND');
      expectError(await call('GET', `${base}/tasks/${foreign.taskId}/log`), 404, 'NOT_FOUND', /task \d+ not found in execution/);
      // Another vendor's execution is not a delivery.
      const gc = await executions.create({ vendorType: VendorType.GarbageCollection, vendorId: String(policyId), trigger: Trigger.Manual });
      if (gc === 'busy') throw new Error('unexpected');
      expectError(await call('GET', `/projects/team/webhook/policies/${policyId}/executions/${gc.executionId}/tasks`), 404, 'NOT_FOUND');
    });

    it('tells per policy and event type when it last fired', async () => {
      const res = await call<Record<string, unknown>[]>('GET', '/projects/team/webhook/lasttrigger', users.alice.auth);
      expect(res.status).toBe(200);
      const logged = res.body.filter((r) => r['policy_name'] === 'logged');
      expect(logged).toEqual([
        { policy_name: 'logged', event_type: 'PUSH_ARTIFACT', enabled: true, creation_time: expect.any(String), last_trigger_time: expect.any(String) },
        { policy_name: 'logged', event_type: 'PULL_ARTIFACT', enabled: true, creation_time: expect.any(String), last_trigger_time: expect.any(String) },
      ]);
      const [latestPush] = await sqlQuery<{ t: Date }>(
        core.db.url,
        "SELECT max(start_time) AS t FROM execution WHERE vendor_type = 'WEBHOOK' AND vendor_id = $1 AND parameters->>'event_type' = 'PUSH_ARTIFACT'",
        [policyId],
      );
      expect(logged[0]['last_trigger_time']).toBe(latestPush.t.toISOString());
      const quiet = locationId(await call('POST', '/projects/team/webhook/policies', users.alice.auth, policyBody('quiet', { event_types: ['TAG_RETENTION'] })));
      const again = await call<Record<string, unknown>[]>('GET', '/projects/team/webhook/lasttrigger', users.alice.auth);
      expect(again.body.find((r) => r['policy_name'] === 'quiet')).toEqual({ policy_name: 'quiet', event_type: 'TAG_RETENTION', enabled: true, creation_time: expect.any(String) });
      expect(quiet).toBeGreaterThan(0);
    });
  });
});
