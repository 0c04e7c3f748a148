import { ResolutionCache } from './resolution-cache';

describe('ResolutionCache', () => {
  it('serves what was stored until the repository is invalidated', () => {
    const cache = new ResolutionCache<string>(60_000, 100);
    cache.set('a', 'v1', 'x', cache.begin(), '1');
    cache.set('b', 'v1', 'y', cache.begin(), '1');
    expect(cache.get('a', 'v1', '1')).toBe('x');
    cache.invalidate('a');
    expect(cache.get('a', 'v1', '1')).toBeUndefined();
    expect(cache.get('b', 'v1', '1')).toBe('y');
    expect(cache.size).toBe(1);
  });

  it('drops an answer read before an invalidation that landed while it was in flight', () => {
    const cache = new ResolutionCache<string>(60_000, 100);
    const generation = cache.begin();
    cache.invalidate('a');
    cache.set('a', 'v1', 'stale', generation, '1');
    expect(cache.get('a', 'v1', '1')).toBeUndefined();
  });

  it('serves an entry only while the repository version it was read at is current', () => {
    const cache = new ResolutionCache<string>(60_000, 100);
    cache.set('a', 'v1', 'x', cache.begin(), '7');
    expect(cache.get('a', 'v1', '7')).toBe('x');
    expect(cache.get('a', 'v1', '8')).toBeUndefined();
  });

  it('expires entries', () => {
    const cache = new ResolutionCache<string>(-1, 100);
    cache.set('a', 'v1', 'x', cache.begin(), '1');
    expect(cache.get('a', 'v1', '1')).toBeUndefined();
  });

  it('stays bounded', () => {
    const cache = new ResolutionCache<number>(60_000, 3);
    for (let i = 0; i < 10; i++) cache.set('r', `k${i}`, i, cache.begin(), '1');
    expect(cache.size).toBeLessThanOrEqual(3);
  });

  it('keeps a mark that is never served but says the key was found', () => {
    const cache = new ResolutionCache<string>(60_000, 100);
    expect(cache.has('a', 'v1')).toBe(false);
    cache.mark('a', 'v1', cache.begin());
    expect(cache.has('a', 'v1')).toBe(true);
    expect(cache.get('a', 'v1', '1')).toBeUndefined();
    expect(cache.get('a', 'v1', '')).toBeUndefined();
    expect(cache.has('a', 'v1')).toBe(true);
    // The versioned lookup that follows replaces the mark with an answer.
    cache.set('a', 'v1', 'x', cache.begin(), '1');
    expect(cache.get('a', 'v1', '1')).toBe('x');
    cache.invalidate('a');
    expect(cache.has('a', 'v1')).toBe(false);
  });

  it('leaves no mark from a lookup an invalidation overtook, nor while disabled', () => {
    const cache = new ResolutionCache<string>(60_000, 100);
    const generation = cache.begin();
    cache.invalidate('a');
    cache.mark('a', 'v1', generation);
    expect(cache.has('a', 'v1')).toBe(false);
    cache.setEnabled(false);
    cache.mark('a', 'v1', cache.begin());
    expect(cache.has('a', 'v1')).toBe(false);
  });

  it('serves and stores nothing while disabled', () => {
    const cache = new ResolutionCache<string>(60_000, 100);
    cache.set('a', 'v1', 'x', cache.begin(), '1');
    cache.setEnabled(false);
    expect(cache.get('a', 'v1', '1')).toBeUndefined();
    cache.set('a', 'v1', 'x', cache.begin(), '1');
    expect(cache.get('a', 'v1', '1')).toBeUndefined();
    cache.setEnabled(true);
    cache.set('a', 'v1', 'x', cache.begin(), '1');
    expect(cache.get('a', 'v1', '1')).toBe('x');
  });
});
