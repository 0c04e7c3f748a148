import { unstorableTextIn, urlContainsNul } from './nul-guard';

describe('unstorableTextIn', () => {
  it('finds NUL and unpaired surrogates in strings, keys and nested values, naming the field', () => {
    expect(unstorableTextIn('a\u0000b')).toBe('the request body contains a NUL character (\\u0000)');
    expect(unstorableTextIn({ a: { b: ['x', 'y\u0000'] } })).toBe('a.b[1] contains a NUL character (\\u0000)');
    expect(unstorableTextIn({ ['k\u0000']: 1 })).toBe('a key of the request body contains a NUL character (\\u0000)');
    expect(unstorableTextIn({ metadata: { ['public\ud800']: 'true' } })).toBe('a key of metadata contains an unpaired UTF-16 surrogate (invalid Unicode)');
    expect(unstorableTextIn({ realname: 'a\udc00' })).toBe('realname contains an unpaired UTF-16 surrogate (invalid Unicode)');
  });

  it('looks at any depth', () => {
    let deep: unknown = 'x\u0000';
    for (let i = 0; i < 100; i++) deep = { d: deep };
    expect(unstorableTextIn(deep)).toMatch(/^d\.d\.d\..* contains a NUL character/);
  });

  it('passes other values', () => {
    expect(unstorableTextIn({ a: 'fine 🚢', b: [1, true, null] })).toBeUndefined();
    expect(unstorableTextIn(undefined)).toBeUndefined();
  });

  it('finds encoded NUL in URLs', () => {
    expect(urlContainsNul('/api/v2.0/projects/a%00b')).toBe(true);
    expect(urlContainsNul('/api/v2.0/projects?q=name%3Da')).toBe(false);
  });
});
