import { HarborError } from '../http/harbor-error';
import type { WebhookPolicyDto } from './dto/webhook-policy.dto';
import { addressProblem, MAX_TARGETS, type PolicyFields, policyFromRequest } from './webhook-policy-input';

const http = (address: string, extra: Record<string, unknown> = {}) => ({ type: 'http', address, ...extra });
const body = (over: Partial<WebhookPolicyDto> = {}): WebhookPolicyDto => ({
  name: 'ci',
  event_types: ['PUSH_ARTIFACT'],
  targets: [http('https://ci.example.com/hook')],
  ...over,
});

function refusal(b: unknown, current?: PolicyFields): string {
  try {
    policyFromRequest(b as WebhookPolicyDto, { projectId: 3, policyId: current ? 7 : undefined }, current);
  } catch (err) {
    if (err instanceof HarborError && err.code === 'BAD_REQUEST') return err.message;
    throw err;
  }
  throw new Error(`accepted ${JSON.stringify(b)}`);
}

describe('policyFromRequest', () => {
  it('fills Harbor’s defaults: enabled, no description, Default format for http and none for Slack', () => {
    expect(policyFromRequest(body({ targets: [http(' https://ci.example.com/hook '), { type: 'slack', address: 'https://hooks.slack.com/services/T/B/X' }] }), { projectId: 3 })).toEqual({
      name: 'ci',
      description: '',
      enabled: true,
      eventTypes: ['PUSH_ARTIFACT'],
      targets: [
        { type: 'http', address: 'https://ci.example.com/hook', auth_header: '', skip_cert_verify: false, payload_format: 'Default' },
        { type: 'slack', address: 'https://hooks.slack.com/services/T/B/X', auth_header: '', skip_cert_verify: false, payload_format: '' },
      ],
    });
  });

  it('keeps what a client sends back from GET, checking the read-only fields against the path', () => {
    const echoed = body({ id: 7, project_id: 3, creator: 'x', creation_time: 'y', update_time: 'z', enabled: false, description: 'builds', event_types: ['PULL_ARTIFACT', 'PULL_ARTIFACT', 'QUOTA_EXCEED'] });
    const current = policyFromRequest(body(), { projectId: 3 });
    expect(policyFromRequest(echoed, { projectId: 3, policyId: 7 }, current)).toMatchObject({ enabled: false, description: 'builds', eventTypes: ['PULL_ARTIFACT', 'QUOTA_EXCEED'] });
    expect(refusal({ ...echoed, project_id: 4 }, current)).toMatch(/project_id 4 is not the project of the path \(3\)/);
    expect(refusal({ ...echoed, id: 8 }, current)).toMatch(/id 8 is not the policy of the path \(7\)/);
  });

  it('changes only what a PUT names', () => {
    const current = policyFromRequest(body({ description: 'd', targets: [http('http://a/x', { auth_header: 'Bearer t', payload_format: 'CloudEvents' })] }), { projectId: 3 });
    expect(policyFromRequest({ enabled: false }, { projectId: 3, policyId: 7 }, current)).toEqual({ ...current, enabled: false });
  });

  it.each([
    [/name is required/, body({ name: undefined })],
    [/name must not be empty/, body({ name: '  ' })],
    [/at most 256/, body({ name: 'a'.repeat(257) })],
    [/control characters/, body({ name: 'a\nb' })],
    [/event_types is required/, body({ event_types: undefined })],
    [/at least one event type/, body({ event_types: [] })],
    [/unsupported event type "PUSH_CHART"/, body({ event_types: ['PUSH_CHART'] })],
    [/targets is required/, body({ targets: undefined })],
    [/at least one target/, body({ targets: [] })],
    [/at most 10 targets/, body({ targets: Array.from({ length: MAX_TARGETS + 1 }, (_, i) => http(`http://h/${i}`)) })],
    [/targets\[0\]\.type must be one of http, slack/, body({ targets: [{ address: 'http://h/' }] })],
    [/type must be one of/, body({ targets: [{ type: 'teams', address: 'http://h/' }] })],
    [/targets\[0\]\.address is required/, body({ targets: [{ type: 'http' }] })],
    [/address is not a URL/, body({ targets: [http('ci.example.com/hook')] })],
    [/http or https URL/, body({ targets: [http('ftp://ci.example.com/hook')] })],
    [/credentials: put them in auth_header/, body({ targets: [http('https://user:pw@ci.example.com/hook')] })],
    [/query or a fragment/, body({ targets: [http('https://ci.example.com/hook?token=x')] })],
    [/query or a fragment/, body({ targets: [http('https://ci.example.com/hook#x')] })],
    [/auth_header must not contain line breaks/, body({ targets: [http('http://h/', { auth_header: 'Bearer x\r\nX-Evil: 1' })] })],
    [/payload_format must be one of Default, CloudEvents/, body({ targets: [http('http://h/', { payload_format: 'Yaml' })] })],
    [/cannot be set for a slack target/, body({ targets: [{ type: 'slack', address: 'https://hooks.slack.com/x', payload_format: 'Default' }] })],
    [/targets\[2\] repeats the http target http:\/\/h\/a/, body({ targets: [http('http://h/a'), http('http://h/b'), http('http://h/a')] })],
    [/description must have at most 1024/, body({ description: 'd'.repeat(1025) })],
    [/JSON object/, 'text'],
    [/JSON object/, []],
  ])('refuses a body: %s', (message, b) => {
    expect(refusal(b)).toMatch(message);
  });
});

describe('addressProblem', () => {
  it.each(['http://127.0.0.1:9000/hook', 'https://ci.example.com', 'https://[::1]:8443/a/b'])('accepts %s', (address) => {
    expect(addressProblem(address)).toBeUndefined();
  });
});
