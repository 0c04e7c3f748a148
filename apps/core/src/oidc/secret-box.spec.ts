import { randomBytes } from 'node:crypto';
import { tokenValid } from './oidc-token';
import { SecretBox } from './secret-box';

describe('SecretBox', () => {
  it('opens what it sealed, differently each time; another key or a changed value does not open', () => {
    const box = new SecretBox(randomBytes(32));
    const one = box.seal('the secret');
    expect(one).not.toContain('the secret');
    expect(box.seal('the secret')).not.toBe(one);
    expect(box.open(one)).toBe('the secret');
    expect(() => new SecretBox(randomBytes(32)).open(one)).toThrow();
    const raw = Buffer.from(one.slice(3), 'base64');
    raw[raw.length - 1] ^= 1;
    expect(() => box.open(`v1:${raw.toString('base64')}`)).toThrow();
    expect(() => box.open('plain')).toThrow('not a sealed value');
  });
});

describe('tokenValid', () => {
  it('is oauth2 Token.Valid: an access token not within ten seconds of its expiry', () => {
    const now = 1_000_000;
    expect(tokenValid({ access_token: 'a', token_type: 'bearer' }, now)).toBe(true);
    expect(tokenValid({ access_token: 'a', token_type: 'bearer', expires_at: now + 11_000 }, now)).toBe(true);
    expect(tokenValid({ access_token: 'a', token_type: 'bearer', expires_at: now + 9_000 }, now)).toBe(false);
    expect(tokenValid({ access_token: '', token_type: 'bearer' }, now)).toBe(false);
  });
});
