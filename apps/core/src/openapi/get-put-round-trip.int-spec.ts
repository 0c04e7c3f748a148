import { api, CoreHarness, createTestProject, createTestUser, locationId, sqlQuery, startTestCore } from '../testing';

/**
 * Harbor's clients (Terraform's provider, the portal, generated SDKs) update a resource by reading
 * it, changing a field and sending the whole body back: every PUT must take what its GET answered,
 * read-only fields included, and leave the resource as it was when nothing was changed.
 */
describe('a resource’s GET body is accepted by its PUT', () => {
  let core: CoreHarness;
  let projectId: number;
  const call = <T = unknown>(method: string, path: string, body?: unknown) => api<T>(core.url, method, `/api/v2.0${path}`, { auth: core.adminAuth, body });

  /** Volatile fields a PUT may rightly touch. */
  const stable = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(stable);
    if (value && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value as Record<string, unknown>)
          .filter(([key]) => !['update_time', 'updated_at', 'current_time', 'next_scheduled_time'].includes(key))
          .map(([key, v]) => [key, stable(v)]),
      );
    }
    return value;
  };

  /** GET, PUT the body back unchanged, GET again: 200 and the same resource. */
  async function roundTrip(getPath: string, putPath = getPath): Promise<void> {
    const before = await call<Record<string, unknown>>('GET', getPath);
    expect([getPath, before.status]).toEqual([getPath, 200]);
    const put = await call('PUT', putPath, before.body);
    // The refusal's body, if any, shows in the failure.
    expect({ path: putPath, status: put.status, refusal: put.status === 200 ? undefined : put.body }).toEqual({ path: putPath, status: 200, refusal: undefined });
    const after = await call<Record<string, unknown>>('GET', getPath);
    expect(stable(after.body)).toEqual(stable(before.body));
  }

  beforeAll(async () => {
    core = await startTestCore();
    projectId = await createTestProject(core.url, core.adminAuth, 'round', false);
    await sqlQuery(core.db.url, "INSERT INTO repository (name, project_id, first_push_time) VALUES ('round/app', $1, now())", [projectId]);
  });
  afterAll(async () => {
    await core?.close();
  });

  it('projects, by name and by id', async () => {
    await roundTrip('/projects/round');
    await roundTrip(`/projects/${projectId}`);
  });

  it('users', async () => {
    const user = await createTestUser(core.url, core.adminAuth, 'roundtrip-user');
    await roundTrip(`/users/${user.id}`);
  });

  it('project members', async () => {
    await createTestUser(core.url, core.adminAuth, 'roundtrip-member');
    const added = await call('POST', '/projects/round/members', { role_id: 2, member_user: { username: 'roundtrip-member' } });
    expect(added.status).toBe(201);
    await roundTrip(`/projects/round/members/${locationId(added)}`);
  });

  it('immutable tag rules and project metadata', async () => {
    const created = await call('POST', '/projects/round/immutabletagrules', {
      action: 'immutable',
      template: 'immutable_template',
      tag_selectors: [{ kind: 'doublestar', decoration: 'matches', pattern: 'v*' }],
      scope_selectors: { repository: [{ kind: 'doublestar', decoration: 'repoMatches', pattern: '**' }] },
    });
    expect(created.status).toBe(201);
    const rules = await call<{ id: number }[]>('GET', '/projects/round/immutabletagrules');
    // Harbor has no GET of one rule: the list's entry is what clients send back.
    const rule = rules.body.find((r) => r.id === locationId(created))!;
    expect((await call('PUT', `/projects/round/immutabletagrules/${rule.id}`, rule)).status).toBe(200);
    expect((await call('GET', '/projects/round/immutabletagrules')).body).toEqual(rules.body);
    expect((await call('POST', '/projects/round/metadatas', { auto_scan: 'true' })).status).toBe(200);
    await roundTrip('/projects/round/metadatas/auto_scan');
  });

  it('labels', async () => {
    const created = await call('POST', '/labels', { name: 'round-label', color: '#00ff00', scope: 'g', description: 'a label' });
    expect(created.status).toBe(201);
    await roundTrip(`/labels/${locationId(created)}`);
  });

  it('repositories', async () => {
    await roundTrip('/projects/round/repositories/app');
  });

  it('robot accounts', async () => {
    const created = await call<{ id: number }>('POST', '/robots', {
      name: 'round-bot',
      level: 'project',
      duration: 30,
      permissions: [{ kind: 'project', namespace: 'round', access: [{ resource: 'repository', action: 'pull' }] }],
    });
    expect(created.status).toBe(201);
    await roundTrip(`/robots/${created.body.id}`);
  });

  it('webhook policies', async () => {
    const created = await call('POST', '/projects/round/webhook/policies', {
      name: 'round-hook',
      event_types: ['PUSH_ARTIFACT'],
      targets: [{ type: 'http', address: 'https://ci.example.com/hook', skip_cert_verify: false }],
    });
    expect(created.status).toBe(201);
    await roundTrip(`/projects/round/webhook/policies/${locationId(created)}`);
  });

  it('tag retention policies', async () => {
    const created = await call('POST', '/retentions', {
      algorithm: 'or',
      rules: [
        {
          action: 'retain',
          template: 'latestPushedK',
          params: { latestPushedK: 3 },
          tag_selectors: [{ kind: 'doublestar', decoration: 'matches', pattern: '**' }],
          scope_selectors: { repository: [{ kind: 'doublestar', decoration: 'repoMatches', pattern: '**' }] },
        },
      ],
      trigger: { kind: 'Schedule', references: {}, settings: { cron: '0 0 0 * * *' } },
      scope: { level: 'project', ref: projectId },
    });
    expect(created.status).toBe(201);
    await roundTrip(`/retentions/${locationId(created)}`);
  });

  it('quotas', async () => {
    const quotas = await call<{ id: number }[]>('GET', `/quotas?reference=project&reference_id=${projectId}`);
    await roundTrip(`/quotas/${quotas.body[0]!.id}`);
  });

  it('user groups', async () => {
    const created = await call('POST', '/usergroups', { group_name: 'round-group', group_type: 2 });
    expect(created.status).toBe(201);
    await roundTrip(`/usergroups/${locationId(created)}`);
  });

  it('the GC and audit-log purge schedules, and the system CVE allowlist', async () => {
    const schedule = { schedule: { type: 'Custom', cron: '0 0 3 * * *' }, parameters: { delete_untagged: true, workers: 1 } };
    expect((await call('POST', '/system/gc/schedule', schedule)).status).toBe(201);
    await roundTrip('/system/gc/schedule');
    const purge = { schedule: { type: 'Custom', cron: '0 0 4 * * *' }, parameters: { audit_retention_hour: 168, include_event_types: 'create_artifact', dry_run: false } };
    expect((await call('POST', '/system/purgeaudit/schedule', purge)).status).toBe(201);
    await roundTrip('/system/purgeaudit/schedule');
    expect((await call('PUT', '/system/CVEAllowlist', { items: [{ cve_id: 'CVE-2026-0001' }], expires_at: 4102444800 })).status).toBe(200);
    await roundTrip('/system/CVEAllowlist');
  });
});
