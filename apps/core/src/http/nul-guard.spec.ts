import { containsNul, urlContainsNul } from './nul-guard';

describe('containsNul', () => {
  it('finds NUL in strings, keys and nested values', () => {
    expect(containsNul('a\u0000b')).toBe(true);
    expect(containsNul({ a: { b: ['x', 'y\u0000'] } })).toBe(true);
    expect(containsNul({ ['k\u0000']: 1 })).toBe(true);
    expect(containsNul({ a: 'fine', b: [1, true, null] })).toBe(false);
    expect(containsNul(undefined)).toBe(false);
  });

  it('finds encoded NUL in URLs', () => {
    expect(urlContainsNul('/api/v2.0/projects/a%00b')).toBe(true);
    expect(urlContainsNul('/api/v2.0/projects?q=name%3Da')).toBe(false);
  });
});
