import { type ArtifactEvent, EventType } from '@wharf/jobs';
import { retentionEvent } from '../retention/retention-events';
import { parseEvent } from './webhook-dispatcher';
import { buildPayload, cloudEventType, maskAuthHeader, renderDelivery, resourceUrl, slackText } from './webhook-payload';
import { displayAddress } from './webhook.runner';

const DIGEST = 'sha256:8a9e9863dbb6e10edb5adfe917c00da84e1700fa76e7ed02476aa6e6fb8ee0d8';
const at = Date.parse('2026-04-15T03:45:08.731Z');
const ctx = { project: { name: 'team', public: false }, repositoryCreated: new Date('2026-04-01T00:00:00Z'), registryHost: 'reg.example.com:8443' };

function event(over: Partial<ArtifactEvent> = {}): ArtifactEvent {
  return { type: EventType.PushArtifact, occurAt: at, operator: 'alice', repository: 'team/tools/debian', digest: DIGEST, tag: 'latest', ...over };
}

describe('Harbor’s webhook payload', () => {
  it('describes a push with the tag, the pull address and the repository', () => {
    expect(buildPayload(event(), ctx)).toEqual({
      type: 'PUSH_ARTIFACT',
      occur_at: Math.floor(at / 1000),
      operator: 'alice',
      event_data: {
        resources: [{ digest: DIGEST, tag: 'latest', resource_url: 'reg.example.com:8443/team/tools/debian:latest' }],
        repository: {
          date_created: Date.parse('2026-04-01T00:00:00Z') / 1000,
          name: 'tools/debian',
          namespace: 'team',
          repo_full_name: 'team/tools/debian',
          repo_type: 'private',
        },
      },
    });
  });

  it('names an artifact pulled or deleted by digest by its digest, addressed with "@"', () => {
    const payload = buildPayload(event({ type: EventType.DeleteArtifact, tag: undefined }), { ...ctx, project: { name: 'team', public: true }, repositoryCreated: undefined });
    expect(payload.event_data.resources).toEqual([{ digest: DIGEST, tag: DIGEST, resource_url: `reg.example.com:8443/team/tools/debian@${DIGEST}` }]);
    // The repository may be gone with its last artifact: no creation time then.
    expect(payload.event_data.repository).toEqual({ name: 'tools/debian', namespace: 'team', repo_full_name: 'team/tools/debian', repo_type: 'public' });
    expect(resourceUrl('h', 'p/r', 'v1')).toBe('h/p/r:v1');
  });

  it('names an artifact the API deleted once per tag it had', () => {
    const payload = buildPayload(event({ type: EventType.DeleteArtifact, tag: 'v1', tags: ['v1', 'stable'] }), ctx);
    expect(payload.event_data.resources).toEqual([
      { digest: DIGEST, tag: 'v1', resource_url: 'reg.example.com:8443/team/tools/debian:v1' },
      { digest: DIGEST, tag: 'stable', resource_url: 'reg.example.com:8443/team/tools/debian:stable' },
    ]);
  });

  it('says why a quota refused a push, with the artifact but no address', () => {
    const payload = buildPayload(event({ type: EventType.QuotaExceed, tag: undefined, operator: 'bob', message: 'quota exceeded: 10 MiB of 5 MiB' }), ctx);
    expect(payload).toEqual({
      type: 'QUOTA_EXCEED',
      occur_at: Math.floor(at / 1000),
      operator: 'bob',
      event_data: {
        resources: [{ digest: DIGEST, tag: '' }],
        repository: { name: 'tools/debian', namespace: 'team', repo_full_name: 'team/tools/debian', repo_type: 'private' },
        custom_attributes: { Details: 'quota exceeded: 10 MiB of 5 MiB' },
      },
    });
    expect(buildPayload(event({ type: EventType.QuotaWarning, tag: undefined, digest: undefined }), ctx).event_data.resources).toBeUndefined();
  });

  it('gives a retention run’s figures, as the runner publishes them, under "retention"', () => {
    const selector = { kind: 'doublestar', decoration: 'matches', pattern: '**', extras: '' };
    const rule = { disabled: false, action: 'retain', template: 'latestPushedK', params: { latestPushedK: 1 }, tagSelectors: [selector], repositorySelectors: [selector] };
    const published = retentionEvent(
      { policyId: '7', executionId: '40', project: 'team', operator: 'alice', status: 'Success', rules: [rule], total: 5, retained: 3 },
      [{ repository: 'team/tools/debian', total: 5, retained: 3, deleted: [{ digest: DIGEST, tags: ['v1', 'old'] }, { digest: 'sha256:' + 'cd'.repeat(32), tags: [] }] }],
      at,
    );
    // Through the stream: JSON out, read back as the dispatcher reads it.
    const read = parseEvent({ event: JSON.stringify(published) });
    if (typeof read === 'string') throw new Error(read);
    expect(buildPayload(read, ctx)).toEqual({
      type: 'TAG_RETENTION',
      occur_at: Math.floor(at / 1000),
      operator: 'alice',
      event_data: {
        retention: {
          total: 5,
          retained: 3,
          harbor_hostname: 'reg.example.com',
          project_name: 'team',
          retention_policy_id: 7,
          retention_rule: [{ template: 'latestPushedK', params: { latestPushedK: 1 }, tag_selectors: [selector], scope_selectors: { repository: [selector] } }],
          result: 'SUCCESS',
          deleted_artifact: [
            { type: 'image', status: 'SUCCESS', name_tag: 'tools/debian:v1' },
            { type: 'image', status: 'SUCCESS', name_tag: `tools/debian@sha256:${'cd'.repeat(32)}` },
          ],
        },
      },
    });
    // An event without figures still gives the block, with what is known.
    expect(buildPayload(event({ type: EventType.TagRetention }), ctx).event_data.retention).toMatchObject({ total: 0, project_name: 'team', deleted_artifact: [] });
  });
});

describe('rendering a delivery', () => {
  const payload = buildPayload(event(), ctx);
  const origin = { projectId: 3, policyId: 9, eventId: '1713152708731-0' };

  it('sends the payload itself by default', () => {
    const d = renderDelivery({ type: 'http', payload_format: 'Default' }, payload, origin);
    expect(d.contentType).toBe('application/json');
    expect(JSON.parse(d.body)).toEqual(payload);
    expect(renderDelivery({ type: 'http' }, payload, origin)).toEqual(d);
  });

  it('wraps it as a CloudEvent whose id is the event’s, the same for every retry', () => {
    const d = renderDelivery({ type: 'http', payload_format: 'CloudEvents' }, payload, origin);
    expect(d.contentType).toBe('application/cloudevents+json');
    expect(JSON.parse(d.body)).toEqual({
      specversion: '1.0',
      id: '1713152708731-0',
      source: '/projects/3/webhook/policies/9',
      type: 'harbor.artifact.pushed',
      datacontenttype: 'application/json',
      time: '2026-04-15T03:45:08Z',
      data: payload.event_data,
      operator: 'alice',
    });
    expect(cloudEventType('QUOTA_WARNING')).toBe('harbor.quota.warned');
    expect(cloudEventType('TAG_RETENTION')).toBe('harbor.tag_retention.finished');
  });

  it('gives Slack a text message with the event data as a code block', () => {
    const d = renderDelivery({ type: 'slack' }, payload, origin);
    const { text } = JSON.parse(d.body) as { text: string };
    expect(text).toBe(slackText(payload));
    expect(text).toContain('*event_type:* PUSH_ARTIFACT');
    expect(text).toContain(`<!date^${payload.occur_at}^{date} at {time}|2026-04-15T03:45:08.000Z>`);
    expect(text).toContain('*operator:* alice');
    expect(text).toContain('"resource_url": "reg.example.com:8443/team/tools/debian:latest"');
  });
});

describe('maskAuthHeader', () => {
  it.each([
    ['Bearer s3cr3t-t0ken', 'Bearer ******'],
    ['Basic dXNlcjpwYXNz', 'Basic ******'],
    ['s3cr3t', '******'],
    ['', ''],
    [undefined, ''],
  ])('%j -> %j', (header, masked) => {
    expect(maskAuthHeader(header)).toBe(masked);
  });
});

describe('displayAddress', () => {
  it('hides the path of a Slack webhook URL (it is the credential) and shows other addresses whole', () => {
    expect(displayAddress('slack', 'https://hooks.slack.com/services/T000/B000/XXXX')).toBe('https://hooks.slack.com/******');
    expect(displayAddress('http', 'https://ci.example.com/hooks/harbor')).toBe('https://ci.example.com/hooks/harbor');
  });
});

describe('parseEvent', () => {
  it('reads an event as the registry publishes it', () => {
    expect(parseEvent({ event: JSON.stringify(event()) })).toEqual(event());
    expect(parseEvent({ event: JSON.stringify({ ...event(), operator: undefined }) })).toMatchObject({ operator: '' });
  });

  it.each([
    [{}, /no "event" field/],
    [{ event: '{' }, /not JSON/],
    [{ event: 'null' }, /not an object/],
    [{ event: JSON.stringify({ ...event(), type: 'PUSH_CHART' }) }, /unknown event type "PUSH_CHART"/],
    [{ event: JSON.stringify({ ...event(), repository: '' }) }, /no repository/],
    [{ event: JSON.stringify({ ...event(), occurAt: 'now' }) }, /no time/],
  ])('refuses %j', (fields, reason) => {
    expect(parseEvent(fields)).toMatch(reason);
  });
});
