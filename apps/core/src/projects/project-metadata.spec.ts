import { HarborError } from '../http/harbor-error';
import { metadataBody, normalizeMetadata, singleMetadata } from './project-metadata';

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof HarborError) return (err.getResponse() as { errors: { message: string }[] }).errors[0].message;
    throw err;
  }
  throw new Error('expected a HarborError');
}

describe('project metadata values', () => {
  it.each([
    ['public', 'True', 'true'],
    ['auto_scan', '1', 'true'],
    ['prevent_vul', 'F', 'false'],
    ['enable_content_trust_cosign', 'FALSE', 'false'],
    ['severity', 'HIGH', 'high'],
    ['severity', 'negligible', 'none'],
    ['proxy_speed_kb', '+0042', '42'],
    ['max_upstream_conn', '-1', '-1'],
  ])('stores %s=%s as %s', (key, value, stored) => {
    expect(normalizeMetadata(key, value)).toBe(stored);
  });

  it.each([
    ['public', 'yes', 'invalid value: yes'],
    ['auto_scan', '', 'invalid value: '],
    ['severity', 'unknown', 'invalid value: unknown'],
    ['proxy_speed_kb', '2147483648', 'invalid value: 2147483648'],
    ['proxy_speed_kb', '1.5', 'invalid value: 1.5'],
    ['retention_id', '3', 'invalid key: retention_id'],
    ['color', 'blue', 'invalid key: color'],
  ])('refuses %s=%j', (key, value, expected) => {
    expect(message(() => normalizeMetadata(key, value))).toBe(expected);
  });

  it('takes exactly one pair of strings', () => {
    expect(singleMetadata({ auto_scan: 't' })).toEqual(['auto_scan', 'true']);
    expect(message(() => singleMetadata({}))).toBe('give exactly one key/value pair');
    expect(message(() => singleMetadata({ auto_scan: 'true', severity: 'low' }))).toBe('give exactly one key/value pair');
    expect(metadataBody(undefined)).toEqual({});
    expect(message(() => metadataBody({ auto_scan: true }))).toBe('the value of auto_scan must be a string');
    expect(message(() => metadataBody(['auto_scan']))).toBe('the request body must be an object of string values');
  });
});
