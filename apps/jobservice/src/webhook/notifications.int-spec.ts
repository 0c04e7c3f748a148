import { type ArtifactEvent, EventType, eventsStream, removeQueueKeys } from '@wharf/jobs';
import Redis from 'ioredis';
import { startTestJobService, type TestJobService } from '../testing';
import { QUOTA_WARNING_PERCENT } from './quota-warnings';
import { DIGEST, Fixture, REDIS_URL } from './testing/fixture';
import { WebhookReceiver } from '@wharf/testing';

const MIB = 1024 * 1024;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Longer than the jobservice keeps a reading of the notification switch. */
const SWITCH_SETTLES_MS = 2_300;

describe('quota warnings and the global notification switch', () => {
  let t: TestJobService;
  let redis: Redis;
  let f: Fixture;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    t = await startTestJobService({ webhookMaxRetry: 0, eventClaimIdleMs: 1000, externalUrl: 'https://reg.example.com' });
    redis = new Redis(REDIS_URL);
    f = new Fixture(t, redis);
    await f.allowNetworks();
    receiver = await WebhookReceiver.start();
  });

  afterAll(async () => {
    await receiver?.close();
    await t?.close();
    if (t) await removeQueueKeys(redis, t.config.queuePrefix);
    redis?.disconnect();
  });

  /** The project's limit, and its usage as the registry's triggers keep it. */
  async function limitAndUsage(projectId: number, limit: number, used: number): Promise<void> {
    await t.sql.query('UPDATE project SET storage_limit = $2 WHERE id = $1', [projectId, limit]);
    await t.sql.query('INSERT INTO quota (project_id, used) VALUES ($1, $2) ON CONFLICT (project_id) DO UPDATE SET used = EXCLUDED.used', [projectId, used]);
  }

  const warningsOnStream = async () =>
    (await redis.xrange(eventsStream(t.config.queuePrefix), '-', '+')).map(([, fields]) => JSON.parse(fields[1]!) as ArtifactEvent).filter((e) => e.type === EventType.QuotaWarning);

  async function until(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error('the event was not handled in time');
      await sleep(25);
    }
  }

  /** Whether the webhook consumers read the entry and acknowledged everything they read. */
  async function handled(entryId: string): Promise<boolean> {
    const [group] = (await redis.xinfo('GROUPS', eventsStream(t.config.queuePrefix))) as unknown[][];
    const info = new Map<string, unknown>();
    for (let i = 0; i + 1 < group!.length; i += 2) info.set(String(group![i]), group![i + 1]);
    const id = (s: string) => s.split('-').map(Number) as [number, number];
    const [ms, seq] = id(String(info.get('last-delivered-id')));
    const [wantMs, wantSeq] = id(entryId);
    return (ms > wantMs || (ms === wantMs && seq >= wantSeq)) && Number(info.get('pending')) === 0;
  }

  /** Publishes a push and waits until its PUSH_ARTIFACT delivery arrived: the batch was handled by then. */
  async function push(repository: string, tag: string, path: string): Promise<void> {
    const before = receiver.to(path).length;
    await f.publish({ repository, tag, operator: 'alice' });
    await receiver.waitFor(path, before + 1);
  }

  it(`warns once when a push takes usage past ${QUOTA_WARNING_PERCENT}% of the limit, and again only after usage fell back`, async () => {
    const id = await f.project('quota');
    await f.repository('quota/app', id);
    const pushes = await f.policy(id, 'pushes', [EventType.PushArtifact], [{ address: `${receiver.url}/q-push` }]);
    const warned = await f.policy(id, 'warned', [EventType.QuotaWarning], [{ address: `${receiver.url}/q-warn`, auth_header: 'Bearer w' }]);

    await limitAndUsage(id, 10 * MIB, 8 * MIB);
    await push('quota/app', 'at-80', '/q-push');
    expect(await warningsOnStream()).toEqual([]);

    await limitAndUsage(id, 10 * MIB, 9 * MIB);
    await push('quota/app', 'at-90', '/q-push');
    const [request] = await receiver.waitFor('/q-warn', 1);
    expect(request.headers['authorization']).toBe('Bearer w');
    expect(JSON.parse(request.body)).toEqual({
      type: 'QUOTA_WARNING',
      occur_at: expect.any(Number),
      operator: 'alice',
      event_data: {
        resources: [{ digest: DIGEST, tag: 'at-90' }],
        repository: { name: 'app', namespace: 'quota', repo_full_name: 'quota/app', repo_type: 'private' },
        custom_attributes: { Details: 'project quota uses 90% of its storage quota (warning at 85%): 9.0 MiB of 10.0 MiB' },
      },
    });

    // Still past the line: no second warning, however many pushes.
    await limitAndUsage(id, 10 * MIB, 9.5 * MIB);
    await push('quota/app', 'at-95', '/q-push');
    await push('quota/app', 'at-95-again', '/q-push');
    // A delete brings usage down: re-armed; the next push past the line warns again.
    await limitAndUsage(id, 10 * MIB, 2 * MIB);
    const deleted = await f.publish({ type: EventType.DeleteArtifact, repository: 'quota/app', tag: undefined });
    await until(() => handled(deleted));
    await limitAndUsage(id, 10 * MIB, Math.round(8.6 * MIB));
    await push('quota/app', 'at-86', '/q-push');
    const requests = await receiver.waitFor('/q-warn', 2);
    expect(JSON.parse(requests[1]!.body)).toMatchObject({ event_data: { resources: [{ tag: 'at-86' }] } });
    expect((await warningsOnStream()).map((w) => w.tag)).toEqual(['at-90', 'at-86']);
    expect((await f.settled(warned, 2)).map((d) => [d.parameters['event_type'], d.status])).toEqual([
      ['QUOTA_WARNING', 'Success'],
      ['QUOTA_WARNING', 'Success'],
    ]);
    // The push policy never got a warning, the warning policy never got a push.
    expect((await f.deliveries(pushes)).every((d) => d.parameters['event_type'] === 'PUSH_ARTIFACT')).toBe(true);
  });

  it('never warns a project without a limit, however much it holds', async () => {
    const id = await f.project('unlimited');
    await f.repository('unlimited/app', id);
    await f.policy(id, 'both', [EventType.PushArtifact, EventType.QuotaWarning], [{ address: `${receiver.url}/u` }]);
    await limitAndUsage(id, -1, 900 * MIB);
    await push('unlimited/app', 'big', '/u');
    await sleep(300);
    expect(receiver.to('/u').map((r) => JSON.parse(r.body).type)).toEqual(['PUSH_ARTIFACT']);
    expect((await warningsOnStream()).filter((w) => w.repository === 'unlimited/app')).toEqual([]);
  });

  it('delivers nothing while notification_enable is false, and delivers again once it is true', async () => {
    const id = await f.project('switch');
    await f.repository('switch/app', id);
    const policyId = await f.policy(id, 'ci', [EventType.PushArtifact, EventType.QuotaWarning], [{ address: `${receiver.url}/switch` }]);
    // As core's PUT /configurations writes it.
    const setSwitch = (on: boolean) =>
      t.sql.query(`INSERT INTO setting (key, value) VALUES ('notification_enable', $1::jsonb) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`, [JSON.stringify(on)]);

    await setSwitch(false);
    await sleep(SWITCH_SETTLES_MS);
    await limitAndUsage(id, 10 * MIB, 9 * MIB);
    const off = await f.publish({ repository: 'switch/app', tag: 'while-off' });
    // Read and acknowledged (dropped), not left for later.
    await until(() => handled(off));
    await sleep(300);
    expect(receiver.to('/switch')).toEqual([]);
    expect(await f.deliveries(policyId)).toEqual([]);
    // The crossing was still noted while off: switching on does not replay it.
    expect((await warningsOnStream()).map((w) => w.tag)).toContain('while-off');

    await setSwitch(true);
    await sleep(SWITCH_SETTLES_MS);
    await push('switch/app', 'while-on', '/switch');
    const [delivery] = await f.settled(policyId, 1);
    expect(delivery!.parameters['event_type']).toBe('PUSH_ARTIFACT');
    expect(JSON.parse(receiver.to('/switch')[0]!.body)).toMatchObject({ type: 'PUSH_ARTIFACT', event_data: { resources: [{ tag: 'while-on' }] } });
    await sleep(300);
    expect(receiver.to('/switch')).toHaveLength(1);
  });
});
