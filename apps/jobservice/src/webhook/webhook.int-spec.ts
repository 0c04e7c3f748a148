import { type ArtifactEvent, EventType, eventsStream, ExecutionStatus, Trigger, VendorType, removeQueueKeys } from '@wharf/jobs';
import Redis from 'ioredis';
import { Logger } from '../logger';
import { startTestJobService, type TestJobService } from '../testing';
import { QuotaWarnings } from './quota-warnings';
import { postOnce } from './http-post';
import { DIGEST, Fixture, REDIS_URL } from './testing/fixture';
import { selfSignedCertificate, WebhookReceiver } from '@wharf/testing';
import { WebhookDispatcher } from './webhook-dispatcher';
import { WEBHOOK_CONSUMER_GROUP } from './webhooks';
import { WebhookSettings } from './webhook-settings';
import { WebhookStore } from './webhook.store';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Short retries (100 ms, then 200 ms) and claims, so that failures play out in a second. */
const SETTINGS = { webhookMaxRetry: 2, webhookRetryDelayMs: 100, eventClaimIdleMs: 1000, externalUrl: 'https://reg.example.com' };

describe('webhook deliveries from the event stream', () => {
  let t: TestJobService;
  let redis: Redis;
  let f: Fixture;
  let receiver: WebhookReceiver;
  let teamId: number;
  let created: Date;

  beforeAll(async () => {
    t = await startTestJobService(SETTINGS);
    redis = new Redis(REDIS_URL);
    f = new Fixture(t, redis);
    await f.allowNetworks();
    receiver = await WebhookReceiver.start();
    teamId = await f.project('team');
    created = await f.repository('team/app', teamId);
  });

  afterAll(async () => {
    await receiver?.close();
    await t?.close();
    if (t) await removeQueueKeys(redis, t.config.queuePrefix);
    redis?.disconnect();
  });

  afterEach(() => receiver.answerWith(() => 200));

  it('delivers a push once, as Harbor’s payload with the Authorization header, and logs it without the secret', async () => {
    const policyId = await f.policy(teamId, 'ci', [EventType.PushArtifact], [{ address: `${receiver.url}/push`, auth_header: 'Bearer s3cr3t-t0ken' }]);
    const occurAt = Date.now();
    const eventId = await f.publish({ repository: 'team/app', tag: 'v1', occurAt });

    const [request] = await receiver.waitFor('/push', 1);
    expect(request.method).toBe('POST');
    expect(request.headers['authorization']).toBe('Bearer s3cr3t-t0ken');
    expect(request.headers['content-type']).toBe('application/json');
    expect(JSON.parse(request.body)).toEqual({
      type: 'PUSH_ARTIFACT',
      occur_at: Math.floor(occurAt / 1000),
      operator: 'alice',
      event_data: {
        resources: [{ digest: DIGEST, tag: 'v1', resource_url: 'reg.example.com/team/app:v1' }],
        repository: { date_created: Math.floor(created.getTime() / 1000), name: 'app', namespace: 'team', repo_full_name: 'team/app', repo_type: 'private' },
      },
    });

    const [delivery] = await f.settled(policyId, 1);
    expect(delivery).toMatchObject({
      vendorType: VendorType.Webhook,
      vendorId: String(policyId),
      trigger: Trigger.Event,
      status: ExecutionStatus.Success,
      parameters: { event_type: 'PUSH_ARTIFACT', event_id: eventId, target_index: 0, notify_type: 'http', address: `${receiver.url}/push`, auth_header: 'Bearer ******' },
      extraAttrs: { event_type: 'PUSH_ARTIFACT', payload: request.body },
    });
    const log = await f.log(delivery);
    expect(log).toMatch(/\[INFO\] attempt 1 of 3: POST http:\/\/127\.0\.0\.1:\d+\/push \(PUSH_ARTIFACT, Default\)/);
    expect(log).toMatch(/\[INFO\] delivered: 200 OK after \d+ ms/);
    expect(JSON.stringify(delivery) + log).not.toContain('s3cr3t');

    await sleep(1500);
    expect(receiver.to('/push')).toHaveLength(1);
    expect(await f.deliveries(policyId)).toHaveLength(1);
  });

  it('retries a refused delivery with growing delays until it is taken, the log showing each attempt', async () => {
    const policyId = await f.policy(teamId, 'flaky', [EventType.PullArtifact], [{ address: `${receiver.url}/flaky` }]);
    receiver.answerWith((req, n) => (req.path === '/flaky' && n < 2 ? 503 : 200));
    await f.publish({ type: EventType.PullArtifact, repository: 'team/app', tag: undefined });

    const requests = await receiver.waitFor('/flaky', 3);
    const [delivery] = await f.settled(policyId, 1);
    expect(delivery.status).toBe(ExecutionStatus.Success);
    const [task] = await t.service.executions.tasks(delivery.id);
    expect(task.runCount).toBe(3);
    // Exponential backoff from 100 ms: about 100 ms, then about 200 ms.
    expect(requests[1].at - requests[0].at).toBeGreaterThanOrEqual(90);
    expect(requests[2].at - requests[1].at).toBeGreaterThanOrEqual(180);
    // Every attempt carries the same payload: it was built once, when the event was read.
    expect(new Set(requests.map((r) => r.body)).size).toBe(1);
    expect(JSON.parse(requests[0].body).event_data.resources).toEqual([{ digest: DIGEST, tag: DIGEST, resource_url: `reg.example.com/team/app@${DIGEST}` }]);

    const log = await f.log(delivery);
    expect(log.match(/attempt \d of 3/g)).toEqual(['attempt 1 of 3', 'attempt 2 of 3', 'attempt 3 of 3']);
    expect(log.match(/answered 503 Service Unavailable after \d+ ms\n/g)).toHaveLength(2);
    expect(log).toMatch(/delivered: 200 OK/);
    await sleep(500);
    expect(receiver.to('/flaky')).toHaveLength(3);
  });

  it('gives up after max_retry + 1 attempts: the delivery ends in Error with the last answer', async () => {
    const policyId = await f.policy(teamId, 'broken', [EventType.DeleteArtifact], [{ address: `${receiver.url}/broken` }]);
    receiver.answerWith((req) => (req.path === '/broken' ? 500 : 200));
    await f.publish({ type: EventType.DeleteArtifact, repository: 'team/app' });

    const [delivery] = await f.settled(policyId, 1);
    expect(delivery.status).toBe(ExecutionStatus.Error);
    expect(delivery.statusMessage).toMatch(/^POST http:\/\/127\.0\.0\.1:\d+\/broken answered 500 Internal Server Error/);
    const [task] = await t.service.executions.tasks(delivery.id);
    expect(task.runCount).toBe(3);
    expect((await f.log(delivery)).match(/attempt \d of 3/g)).toHaveLength(3);
    await sleep(1000);
    expect(receiver.to('/broken')).toHaveLength(3);
  });

  it('records the status of an answer, never what the target wrote: neither its body nor its reason phrase', async () => {
    const policyId = await f.policy(teamId, 'talkative', [EventType.PushArtifact], [{ address: `${receiver.url}/talkative` }]);
    // What an internal service might answer: the delivery log must not become a way to read it.
    receiver.answerWith((req) => (req.path === '/talkative' ? { status: 500, body: 'root:x:0:0:SECRET-BODY', reason: 'SECRET-REASON' } : 200));
    await f.publish({ repository: 'team/app', tag: 'talk' });

    const [delivery] = await f.settled(policyId, 1);
    expect(delivery.status).toBe(ExecutionStatus.Error);
    expect(delivery.statusMessage).toMatch(/^POST http:\/\/127\.0\.0\.1:\d+\/talkative answered 500 Internal Server Error after \d+ ms$/);
    const tasks = await t.service.executions.tasks(delivery.id);
    const recorded = JSON.stringify([delivery, tasks]) + (await f.log(delivery));
    expect(recorded).toMatch(/answered 500 Internal Server Error/);
    expect(recorded).not.toMatch(/SECRET|root:x/);
  });

  it('delivers nothing for a disabled policy, another event type or another project', async () => {
    const disabled = await f.policy(teamId, 'off', [EventType.PushArtifact], [{ address: `${receiver.url}/off` }], false);
    const pullsOnly = await f.policy(teamId, 'pulls', [EventType.PullArtifact], [{ address: `${receiver.url}/pulls` }]);
    const otherId = await f.project('other');
    const sentinel = await f.policy(otherId, 'sentinel', [EventType.DeleteArtifact], [{ address: `${receiver.url}/sentinel` }]);

    await f.publish({ repository: 'team/app', tag: 'quiet' });
    await f.publish({ repository: 'other/app', tag: 'elsewhere' });
    // Events are read in order: once this one is delivered, the ones before it were handled.
    await f.publish({ type: EventType.DeleteArtifact, repository: 'other/app' });
    await f.settled(sentinel, 1);

    expect(await f.deliveries(disabled)).toEqual([]);
    expect(await f.deliveries(pullsOnly)).toEqual([]);
    expect(receiver.to('/off')).toEqual([]);
    expect(receiver.to('/pulls')).toEqual([]);
    // The push to "other" matched no policy there (the sentinel wants deletes only).
    expect(await f.deliveries(sentinel)).toHaveLength(1);
  });

  it('notifies every target of a policy in its own format: CloudEvents, and Slack without the auth header', async () => {
    const publicId = await f.project('open', true);
    const policyId = await f.policy(publicId, 'many', [EventType.PushArtifact], [
      { address: `${receiver.url}/cloud`, payload_format: 'CloudEvents', auth_header: 'Token abc' },
      { type: 'slack', address: `${receiver.url}/slack`, payload_format: '', auth_header: 'Token abc' },
    ]);
    const eventId = await f.publish({ repository: 'open/tools/cli', tag: 'latest' });

    const [cloud] = await receiver.waitFor('/cloud', 1);
    const [slack] = await receiver.waitFor('/slack', 1);
    expect(cloud.headers['content-type']).toBe('application/cloudevents+json');
    expect(cloud.headers['authorization']).toBe('Token abc');
    expect(JSON.parse(cloud.body)).toMatchObject({
      specversion: '1.0',
      id: eventId,
      source: `/projects/${publicId}/webhook/policies/${policyId}`,
      type: 'harbor.artifact.pushed',
      datacontenttype: 'application/json',
      operator: 'alice',
      data: { repository: { name: 'tools/cli', namespace: 'open', repo_full_name: 'open/tools/cli', repo_type: 'public' } },
    });
    expect(slack.headers['authorization']).toBeUndefined();
    expect(JSON.parse(slack.body).text).toContain('*event_type:* PUSH_ARTIFACT');
    const deliveries = await f.settled(policyId, 2);
    expect(deliveries.map((d) => [d.parameters['notify_type'], d.parameters['target_index'], d.status])).toEqual([
      ['http', 0, 'Success'],
      ['slack', 1, 'Success'],
    ]);
    // A Slack URL is its own credential: its path stays out of the log.
    const slackLog = await f.log(deliveries[1]);
    expect(slackLog).toMatch(/POST http:\/\/127\.0\.0\.1:\d+\/\*{6} \(PUSH_ARTIFACT, slack\)/);
    expect(slackLog).not.toContain('/slack');
  });

  it('skips certificate checks over HTTPS only when the target says so', async () => {
    const secure = await WebhookReceiver.start(await selfSignedCertificate());
    try {
      const lax = await f.policy(teamId, 'lax', [EventType.QuotaExceed], [{ address: `${secure.url}/lax`, skip_cert_verify: true }]);
      const strict = await f.policy(teamId, 'strict', [EventType.QuotaExceed], [{ address: `${secure.url}/strict` }]);
      await f.publish({ type: EventType.QuotaExceed, repository: 'team/app', tag: undefined, operator: '', message: 'quota exceeded' });

      const [ok] = await f.settled(lax, 1);
      expect(ok.status).toBe(ExecutionStatus.Success);
      expect(JSON.parse(secure.to('/lax')[0].body)).toMatchObject({ type: 'QUOTA_EXCEED', event_data: { custom_attributes: { Details: 'quota exceeded' } } });
      const [refused] = await f.settled(strict, 1);
      expect(refused.status).toBe(ExecutionStatus.Error);
      expect(refused.statusMessage).toMatch(/self-signed certificate/);
      expect(secure.to('/strict')).toEqual([]);
    } finally {
      await secure.close();
    }
  });

  it('stops retrying once the policy is disabled', async () => {
    const policyId = await f.policy(teamId, 'short-lived', [EventType.PushArtifact], [{ address: `${receiver.url}/short` }]);
    receiver.answerWith(async (req) => {
      if (req.path !== '/short') return 200;
      await t.sql.query('UPDATE webhook_policy SET enabled = false WHERE id = $1', [policyId]);
      return 503;
    });
    await f.publish({ repository: 'team/app', tag: 'v2' });
    const [delivery] = await f.settled(policyId, 1);
    expect(delivery.status).toBe(ExecutionStatus.Stopped);
    expect(delivery.statusMessage).toBe('webhook policy short-lived was disabled');
    expect(receiver.to('/short')).toHaveLength(1);
  });

  it('creates one delivery per event and target however often the event is read', async () => {
    const policyId = await f.policy(teamId, 'once', [EventType.PushArtifact], [{ address: `${receiver.url}/once` }, { address: `${receiver.url}/once-too` }]);
    const aids = { notifications: new WebhookSettings(t.sql), quotaWarnings: new QuotaWarnings(t.sql), publish: (e: readonly ArtifactEvent[]) => t.service.queues.publishEvents(e) };
    const dispatcher = new WebhookDispatcher(new WebhookStore(t.sql), t.service.executions, t.service.queues, { maxRetry: 2, retryDelayMs: 100, registryHost: 'h' }, aids, new Logger('test', 'error'));
    const entry = { id: '1-1', fields: { event: JSON.stringify({ type: EventType.PushArtifact, occurAt: Date.now(), operator: 'x', repository: 'team/app', tag: 'v3' }) } };
    expect(await Promise.all([dispatcher.dispatch([entry]), dispatcher.dispatch([entry])])).toEqual([['1-1'], ['1-1']]);
    // Unusable entries are done at once (acknowledged, never read again).
    expect((await dispatcher.dispatch([entry, { id: '1-2', fields: { event: 'nonsense' } }])).sort()).toEqual(['1-1', '1-2']);

    await receiver.waitFor('/once', 1);
    await receiver.waitFor('/once-too', 1);
    expect(await f.settled(policyId, 2)).toHaveLength(2);
    await sleep(500);
    expect(receiver.to('/once')).toHaveLength(1);
    expect(receiver.to('/once-too')).toHaveLength(1);
  });

  it('delivers each event once while two jobservices read the stream', async () => {
    await t.startAnother();
    const policyId = await f.policy(teamId, 'busy', [EventType.PullArtifact], [{ address: `${receiver.url}/busy` }]);
    const tags = Array.from({ length: 30 }, (_, i) => `t${i}`);
    for (const tag of tags) await f.publish({ type: EventType.PullArtifact, repository: 'team/app', tag });

    const requests = await receiver.waitFor('/busy', tags.length);
    await f.settled(policyId, tags.length);
    await sleep(1500);
    expect(receiver.to('/busy')).toHaveLength(tags.length);
    expect(new Set(requests.map((r) => JSON.parse(r.body).event_data.resources[0].tag))).toEqual(new Set(tags));
    // Both consumers joined the group (each jobservice is one).
    const consumers = (await redis.xinfo('CONSUMERS', eventsStream(t.config.queuePrefix), WEBHOOK_CONSUMER_GROUP)) as unknown[];
    expect(consumers.length).toBeGreaterThanOrEqual(2);
  });
});

describe('where deliveries may connect (webhook_allowed_networks)', () => {
  let t: TestJobService;
  let redis: Redis;
  let f: Fixture;
  let receiver: WebhookReceiver;
  /** Stands in for core: a service of the installation on loopback. */
  let core: WebhookReceiver;
  let teamId: number;

  beforeAll(async () => {
    receiver = await WebhookReceiver.start();
    core = await WebhookReceiver.start();
    t = await startTestJobService({ ...SETTINGS, services: [{ host: '127.0.0.1', port: Number(new URL(core.url).port) }] });
    redis = new Redis(REDIS_URL);
    f = new Fixture(t, redis);
    teamId = await f.project('team');
  });

  afterAll(async () => {
    await receiver?.close();
    await core?.close();
    await t?.close();
    if (t) await removeQueueKeys(redis, t.config.queuePrefix);
    redis?.disconnect();
  });

  /** Lets the jobservice's reading of the settings expire. */
  const settingsSettle = () => sleep(2_300);

  it('refuses loopback and the installation’s services by default, the services even where loopback is open, without retrying; delivers what an administrator opens', async () => {
    // Saved before the setting was tightened, or straight into the table: the delivery is checked anyway.
    const policyId = await f.policy(teamId, 'local', [EventType.PushArtifact], [{ address: `${receiver.url}/local` }, { address: `${core.url}/api` }]);
    await f.publish({ repository: 'team/app', tag: 'v1' });
    const closed = await f.settled(policyId, 2);
    expect(closed.map((d) => [d.status, d.statusMessage])).toEqual([
      [ExecutionStatus.Error, expect.stringMatching(/^not delivered: 127\.0\.0\.1 is a loopback address; webhook targets reach it only where webhook_allowed_networks names it/)],
      [ExecutionStatus.Error, expect.stringMatching(/^not delivered: 127\.0\.0\.1:\d+ is one of this installation's own services/)],
    ]);
    for (const d of closed) expect((await t.service.executions.tasks(d.id))[0]!.runCount).toBe(1);
    expect(await f.log(closed[0]!)).toMatch(/\[ERROR\] not delivered: 127\.0\.0\.1 is a loopback address/);

    await f.allowNetworks('0.0.0.0/0,::/0,127.0.0.1');
    await settingsSettle();
    await f.publish({ repository: 'team/app', tag: 'v2' });
    const loopback = (await f.settled(policyId, 4)).slice(2);
    expect(loopback.map((d) => d.status)).toEqual([ExecutionStatus.Success, ExecutionStatus.Error]);
    const corePort = new URL(core.url).port;
    expect(loopback[1]!.statusMessage).toBe(
      `not delivered: 127.0.0.1:${corePort} is one of this installation's own services; webhook_allowed_networks must name 127.0.0.1:${corePort} to allow it`,
    );

    await f.allowNetworks(`0.0.0.0/0,::/0,127.0.0.1,127.0.0.1:${corePort}`);
    await settingsSettle();
    await f.publish({ repository: 'team/app', tag: 'v3' });
    expect((await f.settled(policyId, 6)).slice(4).map((d) => d.status)).toEqual([ExecutionStatus.Success, ExecutionStatus.Success]);
    expect(receiver.to('/local').map((r) => JSON.parse(r.body).event_data.resources[0].tag)).toEqual(['v2', 'v3']);
    expect(core.to('/api').map((r) => JSON.parse(r.body).event_data.resources[0].tag)).toEqual(['v3']);
  });

  it('connects to the address a name was checked as, never resolving it again', async () => {
    // The name resolves nowhere: the request can only arrive through the checked address.
    const { port } = new URL(receiver.url);
    const answer = await postOnce(`http://hooks.wharf-test.invalid:${port}/pinned`, '{}', { 'Content-Type': 'application/json' }, {
      timeoutMs: 5_000,
      skipCertVerify: false,
      connectTo: { address: '127.0.0.1', family: 4 },
    });
    expect(answer.status).toBe(200);
    const [request] = receiver.to('/pinned');
    expect(request!.headers['host']).toBe(`hooks.wharf-test.invalid:${port}`);
  });
});

describe('events a dead jobservice took', () => {
  it('are taken over and delivered by a live one', async () => {
    const redis = new Redis(REDIS_URL);
    const receiver = await WebhookReceiver.start();
    const t = await startTestJobService(SETTINGS);
    try {
      const f = new Fixture(t, redis);
      await f.allowNetworks();
      const stream = eventsStream(t.config.queuePrefix);
      const policyId = await f.policy(await f.project('team'), 'ci', [EventType.PushArtifact], [{ address: `${receiver.url}/orphan` }]);
      // The first jobservice stops reading; then a consumer takes the event and dies before acknowledging it.
      await t.service.webhooks.close();
      await f.publish({ repository: 'team/app', tag: 'orphan' });
      const taken = (await redis.xreadgroup('GROUP', WEBHOOK_CONSUMER_GROUP, 'dead-jobservice', 'COUNT', 10, 'STREAMS', stream, '>')) as [string, unknown[]][];
      expect(taken[0][1]).toHaveLength(1);

      await t.startAnother();
      const [request] = await receiver.waitFor('/orphan', 1);
      expect(JSON.parse(request.body).event_data.resources[0].tag).toBe('orphan');
      expect((await f.settled(policyId, 1))[0].status).toBe(ExecutionStatus.Success);
      // Acknowledged: nothing is left pending in the group.
      const pending = (await redis.xpending(stream, WEBHOOK_CONSUMER_GROUP)) as [number, ...unknown[]];
      expect(pending[0]).toBe(0);
    } finally {
      await receiver.close();
      await t.close();
      await removeQueueKeys(redis, t.config.queuePrefix);
      redis.disconnect();
    }
  });
});
