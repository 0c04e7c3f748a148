import { jsonNestsDeeperThan, unstorableTextReason } from './json-text';

describe('jsonNestsDeeperThan', () => {
  it('counts arrays and objects, mixed', () => {
    expect(jsonNestsDeeperThan('{"a":[{"b":[1]}]}', 4)).toBe(false);
    expect(jsonNestsDeeperThan('{"a":[{"b":[1]}]}', 3)).toBe(true);
    expect(jsonNestsDeeperThan('[[],[],[[]]]', 3)).toBe(false);
    expect(jsonNestsDeeperThan('[[],[],[[]]]', 2)).toBe(true);
    expect(jsonNestsDeeperThan('[[],[],[[[]]]]', 3)).toBe(true);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(jsonNestsDeeperThan(JSON.stringify({ a: '[[[[{{{{' }), 1)).toBe(false);
    expect(jsonNestsDeeperThan(JSON.stringify({ a: 'x\\"[[[[', b: '"{{{{' }), 1)).toBe(false);
    expect(jsonNestsDeeperThan(JSON.stringify({ a: 'x\\', b: [[1]] }), 2)).toBe(true);
  });

  it('finds the end of strings that end in escaped backslashes', () => {
    expect(jsonNestsDeeperThan(JSON.stringify({ a: 'x\\', b: '\\\\', c: [[1]] }), 2)).toBe(true);
    expect(jsonNestsDeeperThan(JSON.stringify({ a: 'x\\"[[[', c: [1] }), 2)).toBe(false);
    expect(jsonNestsDeeperThan('{"unterminated": "[[[[', 1)).toBe(false);
  });

  it('scans 50,000 levels without recursion', () => {
    expect(jsonNestsDeeperThan('['.repeat(50_000) + ']'.repeat(50_000), 64)).toBe(true);
  });
});

describe('unstorableTextReason', () => {
  it('finds NUL and unpaired surrogates anywhere', () => {
    expect(unstorableTextReason('a\u0000b')).toBe('contains a NUL character (\\u0000)');
    expect(unstorableTextReason('\ud800')).toBe('contains an unpaired UTF-16 surrogate (invalid Unicode)');
    expect(unstorableTextReason('x\udc00')).toBe('contains an unpaired UTF-16 surrogate (invalid Unicode)');
    expect(unstorableTextReason('\ud800\ud800\udc00')).toBe('contains an unpaired UTF-16 surrogate (invalid Unicode)');
    expect(unstorableTextReason('\ud800\udc00\udc00')).toBe('contains an unpaired UTF-16 surrogate (invalid Unicode)');
  });

  it('accepts paired surrogates and other control characters', () => {
    expect(unstorableTextReason('🚢 \ud83d\udea2')).toBeUndefined();
    expect(unstorableTextReason('tab\t\u0001\u007f')).toBeUndefined();
    expect(unstorableTextReason('')).toBeUndefined();
  });
});
