import { emptyFormValues, formValuesOf, isZeroTime, lastTriggerByPolicy, payloadFormatsFor, payloadText, policyBody, type SupportedEventTypes, type WebhookPolicy } from './webhook-policy';

const supported: SupportedEventTypes = {
  event_type: ['PUSH_ARTIFACT', 'DELETE_ARTIFACT'],
  notify_type: ['http', 'slack'],
  payload_formats: [{ notify_type: 'http', formats: ['Default', 'CloudEvents'] }],
};

const policy: WebhookPolicy = {
  id: 7,
  name: 'ci',
  description: 'builds',
  project_id: 3,
  targets: [
    { type: 'http', address: 'https://ci.example.com/hook', auth_header: 'Bearer x', skip_cert_verify: true, payload_format: 'CloudEvents' },
    { type: 'slack', address: 'https://hooks.slack.com/services/T/B/C', skip_cert_verify: false },
  ],
  event_types: ['PUSH_ARTIFACT'],
  creator: 'admin',
  creation_time: '2026-12-01T00:00:00Z',
  update_time: '2026-12-01T00:00:00Z',
  enabled: false,
};

describe('webhook policy form', () => {
  it('starts as an enabled http webhook for every event type, verifying certificates', () => {
    expect(emptyFormValues(supported)).toEqual({
      name: '',
      description: '',
      notifyType: 'http',
      payloadFormat: 'Default',
      address: '',
      authHeader: '',
      verifyRemoteCert: true,
      eventTypes: ['PUSH_ARTIFACT', 'DELETE_ARTIFACT'],
      enabled: true,
    });
  });

  it('round-trips a stored policy and keeps the targets it does not edit', () => {
    const values = formValuesOf(policy);
    expect(values).toMatchObject({ notifyType: 'http', payloadFormat: 'CloudEvents', verifyRemoteCert: false, authHeader: 'Bearer x', enabled: false });
    const body = policyBody({ ...values, name: '  ci2 ', address: ' https://ci.example.com/other ' }, supported, policy);
    expect(body.name).toBe('ci2');
    expect(body.targets).toEqual([
      { type: 'http', address: 'https://ci.example.com/other', auth_header: 'Bearer x', skip_cert_verify: true, payload_format: 'CloudEvents' },
      policy.targets[1],
    ]);
  });

  it('sends no payload format or auth header for Slack', () => {
    const body = policyBody({ ...emptyFormValues(supported), notifyType: 'slack', authHeader: 'Bearer x', address: 'https://hooks.slack.com/x' }, supported);
    expect(body.targets).toEqual([{ type: 'slack', address: 'https://hooks.slack.com/x', auth_header: '', skip_cert_verify: false, payload_format: '' }]);
    expect(payloadFormatsFor(supported, 'slack')).toEqual([]);
  });

  it('falls back to the first format the server offers', () => {
    const body = policyBody({ ...emptyFormValues(supported), payloadFormat: 'Gone', address: 'http://x.example' }, supported);
    expect(body.targets[0].payload_format).toBe('Default');
  });
});

describe('delivery helpers', () => {
  it('picks the latest trigger of each policy', () => {
    const last = lastTriggerByPolicy([
      { policy_name: 'a', event_type: 'PUSH_ARTIFACT', enabled: true, creation_time: '', last_trigger_time: '2026-12-01T10:00:00Z' },
      { policy_name: 'a', event_type: 'DELETE_ARTIFACT', enabled: true, creation_time: '', last_trigger_time: '2026-12-02T10:00:00Z' },
      { policy_name: 'b', event_type: 'PUSH_ARTIFACT', enabled: true, creation_time: '' },
    ]);
    expect([...last]).toEqual([['a', '2026-12-02T10:00:00Z']]);
  });

  it('indents a JSON payload and keeps other text as it is', () => {
    expect(payloadText({ payload: '{"type":"PUSH_ARTIFACT","x":"<img src=x>"}' })).toBe('{\n  "type": "PUSH_ARTIFACT",\n  "x": "<img src=x>"\n}');
    expect(payloadText({ payload: 'not json <b>' })).toBe('not json <b>');
    expect(payloadText({})).toBeUndefined();
  });

  it('knows Go zero times', () => {
    expect(isZeroTime('0001-01-01T00:00:00Z')).toBe(true);
    expect(isZeroTime('2026-12-01T00:00:00Z')).toBe(false);
  });
});
