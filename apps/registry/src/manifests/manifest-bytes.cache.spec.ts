import { ManifestBytesCache } from './manifest-bytes.cache';

describe('ManifestBytesCache', () => {
  it('evicts the least recently used entries beyond its capacity', () => {
    const cache = new ManifestBytesCache(10);
    cache.set('a', Buffer.alloc(4));
    cache.set('b', Buffer.alloc(4));
    cache.get('a');
    cache.set('c', Buffer.alloc(4));
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBeDefined();
    expect(cache.get('c')).toBeDefined();
    expect(cache.size).toBe(8);
  });

  it('never holds an entry larger than its capacity', () => {
    const cache = new ManifestBytesCache(10);
    cache.set('big', Buffer.alloc(11));
    expect(cache.get('big')).toBeUndefined();
    expect(cache.size).toBe(0);
  });
});
