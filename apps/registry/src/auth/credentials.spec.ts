import { parseAuthorization } from './credentials';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('parseAuthorization', () => {
  it('reads bearer tokens and basic credentials, schemes in any case', () => {
    expect(parseAuthorization('Bearer abc.def.ghi')).toEqual({ scheme: 'bearer', token: 'abc.def.ghi' });
    expect(parseAuthorization('bearer  abc ')).toEqual({ scheme: 'bearer', token: 'abc' });
    expect(parseAuthorization(`Basic ${b64('alice:s3cret')}`)).toEqual({ scheme: 'basic', username: 'alice', password: 's3cret' });
    expect(parseAuthorization(`BASIC ${b64('robot$team+ci:a:b')}`)).toEqual({ scheme: 'basic', username: 'robot$team+ci', password: 'a:b' });
    expect(parseAuthorization(`Basic ${b64('alice:')}`)).toEqual({ scheme: 'basic', username: 'alice', password: '' });
  });

  it('no header is no credentials; anything else is invalid', () => {
    expect(parseAuthorization(undefined)).toEqual({ scheme: 'none' });
    for (const header of ['', 'Bearer', 'Bearer ', 'Basic', `Basic ${b64(':pw')}`, `Basic ${b64('nocolon')}`, 'Basic ***', 'Digest x', ' Bearer x']) {
      expect({ header, parsed: parseAuthorization(header) }).toEqual({ header, parsed: { scheme: 'invalid' } });
    }
    expect(parseAuthorization(['Bearer a', 'Bearer b'])).toEqual({ scheme: 'invalid' });
    expect(parseAuthorization(`Bearer ${'x'.repeat(20_000)}`)).toEqual({ scheme: 'invalid' });
  });
});
