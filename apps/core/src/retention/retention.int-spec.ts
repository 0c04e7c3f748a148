import { ExecutionStatus, QUEUE_OF, schedulesChangedChannel, VendorType } from '@wharf/jobs';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { api, type ApiResponse, type CoreHarness, createRoleCast, createTestProject, errorCode, locationId, sqlQuery, startTestCore, type TestUser } from '../testing';

const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';

const tagSel = (pattern: string, decoration = 'matches', untagged = true) => ({ kind: 'doublestar', decoration, pattern, extras: JSON.stringify({ untagged }) });
const repoSel = (pattern: string, decoration = 'repoMatches') => ({ kind: 'doublestar', decoration, pattern });
const rule = (template: string, n: number | undefined, tags = '**', repos = '**') => ({
  disabled: false,
  action: 'retain',
  template,
  params: n === undefined ? {} : { [template]: n },
  tag_selectors: [tagSel(tags)],
  scope_selectors: { repository: [repoSel(repos)] },
});
const policyBody = (projectId: number, rules: object[], cron = '') => ({
  algorithm: 'or',
  rules,
  trigger: { kind: 'Schedule', references: {}, settings: { cron } },
  scope: { level: 'project', ref: projectId },
});

interface Policy {
  id: number;
  algorithm: string;
  rules: { id: number; template: string; params: Record<string, unknown>; tag_selectors: { extras: string }[] }[];
  trigger: { kind: string; settings: { cron: string }; references: object };
  scope: { level: string; ref: number };
}

interface RetentionExecution {
  id: number;
  policy_id: number;
  start_time: string;
  end_time?: string;
  status: string;
  trigger: string;
  dry_run: boolean;
}

interface RetentionTask {
  id: number;
  execution_id: number;
  repository: string;
  job_id: string;
  status: string;
  status_code: number;
  total: number;
  retained: number;
  start_time?: string;
  end_time?: string;
}

describe('tag retention API (/api/v2.0/retentions)', () => {
  let core: CoreHarness;
  let teamId: number;
  let otherId: number;
  let redis: Redis;
  let subscriber: Redis;
  let queue: Queue;
  const announced: string[] = [];
  const users = {} as Record<'alice' | 'maria' | 'dave' | 'gina' | 'lena' | 'mallory', TestUser>;

  const call = <T = unknown>(method: string, path: string, auth: string | undefined, body?: unknown) => api<T>(core.url, method, `/api/v2.0${path}`, { auth, body });
  const message = (res: ApiResponse) => (res.body as { errors: { message: string }[] }).errors[0]!.message;
  const policies = () => sqlQuery<{ id: string; project_id: number }>(core.db.url, 'SELECT id, project_id FROM retention_policy ORDER BY id');
  const scheduleRows = () => sqlQuery<{ vendor_id: string; cron_type: string; cron: string; parameters: object }>(core.db.url, "SELECT vendor_id, cron_type, cron, parameters FROM schedule WHERE vendor_type = 'RETENTION'");
  const projectMetadata = async (id: number) => (await call<{ metadata: Record<string, string> }>('GET', `/projects/${id}`, core.adminAuth)).body.metadata;

  function expectError(res: ApiResponse, status: number, code: string, pattern?: RegExp): void {
    expect(res.status).toBe(status);
    expect(errorCode(res)).toBe(code);
    if (pattern) expect(message(res)).toMatch(pattern);
  }

  async function announcements(count: number): Promise<string[]> {
    for (let i = 0; i < 50 && announced.length < count; i++) await new Promise((r) => setTimeout(r, 20));
    return announced.splice(0);
  }

  beforeAll(async () => {
    core = await startTestCore();
    teamId = await createTestProject(core.url, core.adminAuth, 'team');
    otherId = await createTestProject(core.url, core.adminAuth, 'other');
    Object.assign(users, await createRoleCast(core.url, core.adminAuth, 'team'));
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    queue = new Queue(QUEUE_OF[VendorType.Retention], { connection: redis, prefix: core.config.jobQueuePrefix });
    subscriber = new Redis(REDIS_URL);
    subscriber.on('message', (_channel: string, m: string) => announced.push(m));
    await subscriber.subscribe(schedulesChangedChannel(core.config.jobQueuePrefix));
  });

  afterAll(async () => {
    await queue?.close();
    redis?.disconnect();
    subscriber?.disconnect();
    await core?.close();
  });

  it('answers Harbor’s retention metadata to anyone signed in', async () => {
    const res = await call<{ templates: { rule_template: string; params: object[] }[]; scope_selectors: object[]; tag_selectors: object[] }>('GET', '/retentions/metadatas', users.mallory.auth);
    expect(res.status).toBe(200);
    expect(res.body.templates.map((t) => t.rule_template)).toEqual(['latestPushedK', 'latestPulledN', 'nDaysSinceLastPush', 'nDaysSinceLastPull', 'always']);
    expect(res.body.templates[0]).toEqual({ rule_template: 'latestPushedK', display_text: 'the most recently pushed # artifacts', action: 'retain', params: [{ type: 'int', unit: 'COUNT', required: true }] });
    expect(res.body.templates[4]).toEqual({ rule_template: 'always', display_text: 'always', action: 'retain', params: [] });
    expect(res.body.scope_selectors).toEqual([{ display_text: 'Repositories', kind: 'doublestar', decorations: ['repoMatches', 'repoExcludes'] }]);
    expect(res.body.tag_selectors).toEqual([{ display_text: 'Tags', kind: 'doublestar', decorations: ['matches', 'excludes'] }]);
    expectError(await call('GET', '/retentions/metadatas', undefined), 401, 'UNAUTHORIZED');
  });

  describe('a project’s policy', () => {
    let policyId: number;

    it('is created by a project member who may (201, Location), bound to the project’s retention_id, and shown normalised', async () => {
      const res = await call('POST', '/retentions', users.dave.auth, policyBody(teamId, [rule('latestPushedK', 10), rule('nDaysSinceLastPull', 7, 'release-*')]));
      expect(res.status).toBe(201);
      policyId = locationId(res);
      expect(res.headers.get('location')).toBe(`/api/v2.0/retentions/${policyId}`);
      expect((await projectMetadata(teamId))['retention_id']).toBe(String(policyId));

      const shown = await call<Policy>('GET', `/retentions/${policyId}`, users.maria.auth);
      expect(shown.status).toBe(200);
      expect(shown.body).toEqual({
        id: policyId,
        algorithm: 'or',
        rules: [
          { id: 1, priority: 0, disabled: false, action: 'retain', template: 'latestPushedK', params: { latestPushedK: 10 }, tag_selectors: [tagSel('**')], scope_selectors: { repository: [{ ...repoSel('**'), extras: '' }] } },
          { id: 2, priority: 0, disabled: false, action: 'retain', template: 'nDaysSinceLastPull', params: { nDaysSinceLastPull: 7 }, tag_selectors: [tagSel('release-*')], scope_selectors: { repository: [{ ...repoSel('**'), extras: '' }] } },
        ],
        trigger: { kind: 'Schedule', settings: { cron: '' }, references: {} },
        scope: { level: 'project', ref: teamId },
      });
      // No cron, no schedule, nothing announced.
      expect(await scheduleRows()).toEqual([]);
      expect(await announcements(0)).toEqual([]);
    });

    it('is one per project: a second is refused with 409 and changes nothing', async () => {
      expectError(await call('POST', '/retentions', users.alice.auth, policyBody(teamId, [rule('always', undefined)])), 409, 'CONFLICT', /project team already has a retention policy/);
      expect((await policies()).map((p) => p.project_id)).toEqual([teamId]);
    });

    it('refuses unusable policies with 400 (Harbor’s error body) and stores nothing', async () => {
      const bad: [unknown, RegExp][] = [
        [policyBody(otherId, [rule('latestActiveK', 3)]), /template "latestActiveK"/],
        [policyBody(otherId, [rule('latestPushedK', undefined)]), /params.latestPushedK is required/],
        [policyBody(otherId, [rule('latestPushedK', 3, '{a')]), /unclosed/],
        [policyBody(otherId, [rule('always', undefined)], '0 0 * * *'), /6 fields/],
        [{ ...policyBody(otherId, []), scope: { level: 'system', ref: 0 } }, /scope.level must be "project"/],
        [policyBody(987654, [rule('always', undefined)]), /project 987654 not found/],
        ['"text"', /JSON object/],
      ];
      for (const [body, pattern] of bad) expectError(await call('POST', '/retentions', core.adminAuth, body), 400, 'BAD_REQUEST', pattern);
      expectError(await call('POST', '/retentions', core.adminAuth, policyBody(otherId, [rule('always', undefined), rule('always', undefined)])), 409, 'CONFLICT', /rules\[1\] is the same as rules\[0\]/);
      expect((await policies()).map((p) => p.project_id)).toEqual([teamId]);
      expect((await projectMetadata(otherId))['retention_id']).toBeUndefined();
    });

    it('follows the matrix: project admins, maintainers and developers only; 401 anonymous', async () => {
      for (const who of ['gina', 'lena', 'mallory'] as const) {
        expectError(await call('GET', `/retentions/${policyId}`, users[who].auth), 403, 'FORBIDDEN');
        expectError(await call('PUT', `/retentions/${policyId}`, users[who].auth, policyBody(teamId, [])), 403, 'FORBIDDEN');
        expectError(await call('DELETE', `/retentions/${policyId}`, users[who].auth), 403, 'FORBIDDEN');
        expectError(await call('POST', `/retentions/${policyId}/executions`, users[who].auth, { dry_run: true }), 403, 'FORBIDDEN');
        expectError(await call('GET', `/retentions/${policyId}/executions`, users[who].auth), 403, 'FORBIDDEN');
      }
      expectError(await call('POST', '/retentions', users.gina.auth, policyBody(otherId, [])), 403, 'FORBIDDEN');
      expectError(await call('POST', '/retentions', users.alice.auth, policyBody(otherId, [])), 403, 'FORBIDDEN');
      expectError(await call('GET', `/retentions/${policyId}`, undefined), 401, 'UNAUTHORIZED');
      expectError(await call('GET', '/retentions/99999', users.alice.auth), 404, 'NOT_FOUND');
      expectError(await call('GET', '/retentions/abc', users.alice.auth), 400, 'BAD_REQUEST');
      for (const who of ['alice', 'maria', 'dave'] as const) expect((await call('GET', `/retentions/${policyId}`, users[who].auth)).status).toBe(200);
      expect((await call<Policy>('GET', `/retentions/${policyId}`, core.adminAuth)).body.rules).toHaveLength(2);
    });

    it('takes a cron in its trigger as a schedule (announced), replaces it, and drops it for an empty cron', async () => {
      const daily = await call('PUT', `/retentions/${policyId}`, users.maria.auth, { ...policyBody(teamId, [rule('latestPushedK', 5)], '0 0 0 * * *'), id: policyId });
      expect(daily.status).toBe(200);
      expect(await scheduleRows()).toEqual([{ vendor_id: String(policyId), cron_type: 'Daily', cron: '0 0 0 * * *', parameters: { dry_run: false } }]);
      expect(await announcements(1)).toEqual(['RETENTION']);
      const shown = await call<Policy>('GET', `/retentions/${policyId}`, users.maria.auth);
      expect(shown.body.trigger.settings.cron).toBe('0 0 0 * * *');
      expect(shown.body.rules.map((r) => [r.id, r.template, r.params])).toEqual([[1, 'latestPushedK', { latestPushedK: 5 }]]);

      expect((await call('PUT', `/retentions/${policyId}`, users.maria.auth, policyBody(teamId, [rule('latestPushedK', 5)], '*/30 * * * * *'))).status).toBe(200);
      expect(await scheduleRows()).toEqual([{ vendor_id: String(policyId), cron_type: 'Custom', cron: '*/30 * * * * *', parameters: { dry_run: false } }]);
      expect(await announcements(1)).toEqual(['RETENTION']);

      // A refused change leaves the policy and its schedule alone.
      expectError(await call('PUT', `/retentions/${policyId}`, users.maria.auth, policyBody(otherId, [])), 400, 'BAD_REQUEST', /a policy cannot move/);
      expectError(await call('PUT', `/retentions/${policyId}`, users.maria.auth, policyBody(teamId, [], '61 * * * * *')), 400, 'BAD_REQUEST', /invalid/);
      expect((await scheduleRows())[0]!.cron).toBe('*/30 * * * * *');

      expect((await call('PUT', `/retentions/${policyId}`, users.maria.auth, policyBody(teamId, [rule('latestPushedK', 5)], ''))).status).toBe(200);
      expect(await scheduleRows()).toEqual([]);
      expect(await announcements(1)).toEqual(['RETENTION']);
    });

    describe('runs', () => {
      let executionId: number;

      it('starts a dry run (201, Location), recorded and queued for the jobservice; a second waits its turn (409)', async () => {
        const res = await call('POST', `/retentions/${policyId}/executions`, users.dave.auth, { dry_run: true });
        expect(res.status).toBe(201);
        executionId = locationId(res);
        expect(res.headers.get('location')).toBe(`/api/v2.0/retentions/${policyId}/executions/${executionId}`);
        const [row] = await sqlQuery<{ vendor_type: string; vendor_id: string; trigger: string; parameters: object; extra_attrs: object; status: string }>(
          core.db.url,
          'SELECT vendor_type, vendor_id, trigger, parameters, extra_attrs, status FROM execution WHERE id = $1',
          [executionId],
        );
        // Who started it: Harbor's operator of the run, which its TAG_RETENTION webhook names.
        expect(row).toEqual({
          vendor_type: 'RETENTION',
          vendor_id: String(policyId),
          trigger: 'MANUAL',
          parameters: { dry_run: true },
          extra_attrs: { operator: users.dave.username },
          status: 'Pending',
        });
        const [task] = await sqlQuery<{ id: string; job_id: string }>(core.db.url, 'SELECT id, job_id FROM task WHERE execution_id = $1', [executionId]);
        const job = await queue.getJob(task!.job_id);
        expect(job?.name).toBe('run-task');
        expect(job?.data).toEqual({ executionId: String(executionId), taskId: task!.id });

        expectError(await call('POST', `/retentions/${policyId}/executions`, users.alice.auth, {}), 409, 'CONFLICT', /already pending or running/);
        expectError(await call('POST', `/retentions/${policyId}/executions`, users.alice.auth, { dry_run: 'yes' }), 400, 'BAD_REQUEST', /dry_run must be true or false/);
      });

      it('lists the runs, newest first, paged', async () => {
        const res = await call<RetentionExecution[]>('GET', `/retentions/${policyId}/executions`, users.dave.auth);
        expect(res.status).toBe(200);
        expect(res.headers.get('x-total-count')).toBe('1');
        expect(res.body).toEqual([{ id: executionId, policy_id: policyId, start_time: expect.any(String), status: 'Pending', trigger: 'MANUAL', dry_run: true }]);
        expect((await call<RetentionExecution[]>('GET', `/retentions/${policyId}/executions?page=2`, users.dave.auth)).body).toEqual([]);
        expectError(await call('GET', `/retentions/${policyId}/executions?page_size=1000`, users.dave.auth), 422, 'UNPROCESSABLE_ENTITY');
      });

      it('shows the per-repository records the jobservice writes, and each repository’s log as text', async () => {
        const exec = String(executionId);
        await sqlQuery(
          core.db.url,
          `INSERT INTO retention_task (execution_id, repository, status, total, retained, log, start_time, end_time) VALUES
             ($1, 'team/app', 'Success', 12, 4, 'RETAIN sha256:a\nDELETE sha256:b\n', now(), now()),
             ($1, 'team/web', 'Running', 0, 0, '', now(), NULL)`,
          [exec],
        );
        const res = await call<RetentionTask[]>('GET', `/retentions/${policyId}/executions/${executionId}/tasks`, users.dave.auth);
        expect(res.status).toBe(200);
        expect(res.headers.get('x-total-count')).toBe('2');
        const [task] = await sqlQuery<{ job_id: string }>(core.db.url, 'SELECT job_id FROM task WHERE execution_id = $1', [executionId]);
        expect(res.body[0]).toEqual({
          id: expect.any(Number),
          execution_id: executionId,
          repository: 'team/app',
          job_id: task!.job_id,
          status: 'Success',
          status_code: 3,
          status_revision: 0,
          start_time: expect.any(String),
          end_time: expect.any(String),
          total: 12,
          retained: 4,
        });
        expect(res.body[1]).toMatchObject({ repository: 'team/web', status: 'Running', status_code: 2, total: 0, retained: 0 });
        expect(res.body[1]!.end_time).toBeUndefined();
        const paged = await call<RetentionTask[]>('GET', `/retentions/${policyId}/executions/${executionId}/tasks?page=2&page_size=1`, users.dave.auth);
        expect(paged.body.map((t) => t.repository)).toEqual(['team/web']);
        expect(paged.headers.get('link')).toContain('rel="prev"');

        const log = await fetch(`${core.url}/api/v2.0/retentions/${policyId}/executions/${executionId}/tasks/${res.body[0]!.id}`, { headers: { Authorization: users.dave.auth } });
        expect(log.status).toBe(200);
        expect(log.headers.get('content-type')).toMatch(/^text\/plain/);
        expect(await log.text()).toBe('RETAIN sha256:a\nDELETE sha256:b\n');
        expectError(await call('GET', `/retentions/${policyId}/executions/${executionId}/tasks/999999`, users.dave.auth), 404, 'NOT_FOUND');
        expectError(await call('GET', `/retentions/${policyId}/executions/${executionId}/tasks/${res.body[0]!.id}`, users.gina.auth), 403, 'FORBIDDEN');
      });

      it('stops a run on {"action": "stop"}, and only that action', async () => {
        expectError(await call('PATCH', `/retentions/${policyId}/executions/${executionId}`, users.dave.auth, { action: 'pause' }), 400, 'BAD_REQUEST', /action must be "stop"/);
        expectError(await call('PATCH', `/retentions/${policyId}/executions/${executionId}`, users.gina.auth, { action: 'stop' }), 403, 'FORBIDDEN');
        expect((await call('PATCH', `/retentions/${policyId}/executions/${executionId}`, users.dave.auth, { action: 'stop' })).status).toBe(200);
        const [row] = await sqlQuery<{ status: string }>(core.db.url, 'SELECT status FROM execution WHERE id = $1', [executionId]);
        expect(row!.status).toBe(ExecutionStatus.Stopped);
        // Stopping again is no error; a new run may start now.
        expect((await call('PATCH', `/retentions/${policyId}/executions/${executionId}`, users.dave.auth, { action: 'stop' })).status).toBe(200);
        const next = await call('POST', `/retentions/${policyId}/executions`, users.dave.auth, {});
        expect(next.status).toBe(201);
        const [nextRow] = await sqlQuery<{ parameters: object }>(core.db.url, 'SELECT parameters FROM execution WHERE id = $1', [locationId(next)]);
        expect(nextRow!.parameters).toEqual({ dry_run: false });
      });

      it('finds runs only under their own policy', async () => {
        const other = await call('POST', '/retentions', core.adminAuth, policyBody(otherId, [rule('always', undefined)]));
        expect(other.status).toBe(201);
        const otherPolicy = locationId(other);
        expectError(await call('GET', `/retentions/${otherPolicy}/executions/${executionId}/tasks`, core.adminAuth), 404, 'NOT_FOUND');
        expectError(await call('PATCH', `/retentions/${otherPolicy}/executions/${executionId}`, core.adminAuth, { action: 'stop' }), 404, 'NOT_FOUND');
        const gc = await sqlQuery<{ id: string }>(core.db.url, "INSERT INTO execution (vendor_type) VALUES ('GARBAGE_COLLECTION') RETURNING id");
        expectError(await call('GET', `/retentions/${policyId}/executions/${gc[0]!.id}/tasks`, core.adminAuth), 404, 'NOT_FOUND');
        expect((await call('DELETE', `/retentions/${otherPolicy}`, core.adminAuth)).status).toBe(200);
      });
    });

    it('is deleted with its schedule, its runs and the project’s retention_id', async () => {
      expect((await call('PUT', `/retentions/${policyId}`, users.alice.auth, policyBody(teamId, [rule('always', undefined)], '0 0 * * * *'))).status).toBe(200);
      expect(await scheduleRows()).toHaveLength(1);
      await announcements(1);
      const res = await call('DELETE', `/retentions/${policyId}`, users.alice.auth);
      expect(res.status).toBe(200);
      expect(await policies()).toEqual([]);
      expect(await scheduleRows()).toEqual([]);
      expect(await announcements(1)).toEqual(['RETENTION']);
      expect((await projectMetadata(teamId))['retention_id']).toBeUndefined();
      expect(await sqlQuery(core.db.url, "SELECT id FROM execution WHERE vendor_type = 'RETENTION'")).toEqual([]);
      expect(await sqlQuery(core.db.url, 'SELECT id FROM retention_task')).toEqual([]);
      expectError(await call('GET', `/retentions/${policyId}`, users.alice.auth), 404, 'NOT_FOUND');
      expectError(await call('DELETE', `/retentions/${policyId}`, users.alice.auth), 404, 'NOT_FOUND');
      // The project may have a policy again.
      expect((await call('POST', '/retentions', users.alice.auth, policyBody(teamId, []))).status).toBe(201);
    });
  });
});
