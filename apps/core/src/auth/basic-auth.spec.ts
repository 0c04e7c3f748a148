import { basicAuthHeader, parseBasicAuth } from './basic-auth';

describe('parseBasicAuth', () => {
  it('round-trips credentials, colons in the password included', () => {
    expect(parseBasicAuth(basicAuthHeader('admin', 'Pass:w0rd:x'))).toEqual({ username: 'admin', password: 'Pass:w0rd:x' });
    expect(parseBasicAuth(basicAuthHeader('robot$lib+ci', 'S3cret'))).toEqual({ username: 'robot$lib+ci', password: 'S3cret' });
    expect(parseBasicAuth('basic ' + Buffer.from('a:b').toString('base64'))).toEqual({ username: 'a', password: 'b' });
  });

  it('tells a missing header from a malformed one', () => {
    expect(parseBasicAuth(undefined)).toBeUndefined();
    expect(parseBasicAuth('')).toBeUndefined();
    expect(parseBasicAuth('Bearer abc')).toBe('invalid');
    expect(parseBasicAuth('Basic !!!')).toBe('invalid');
    expect(parseBasicAuth('Basic ' + Buffer.from('nocolon').toString('base64'))).toBe('invalid');
    expect(parseBasicAuth('Basic ' + Buffer.from(':pw').toString('base64'))).toBe('invalid');
  });
});
