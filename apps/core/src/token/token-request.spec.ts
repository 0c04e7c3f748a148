import { many, single } from './token-request';

describe('token request parameters', () => {
  it('single takes the first string, many every string; anything else is absent', () => {
    expect(single('harbor-registry')).toBe('harbor-registry');
    expect(single(['a', 'b'])).toBe('a');
    expect(single(undefined)).toBeUndefined();
    expect(single({ nested: 'x' })).toBeUndefined();
    expect(many('repository:a/b:pull')).toEqual(['repository:a/b:pull']);
    expect(many(['x', 1, 'y'])).toEqual(['x', 'y']);
    expect(many(undefined)).toEqual([]);
  });
});
