import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PageCache } from './page-cache';

describe('PageCache', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'page-cache-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('asks the kernel to drop clean pages and counts the drops', () => {
    const control = join(dir, 'drop_caches');
    writeFileSync(control, '0');
    const cache = new PageCache(true, () => undefined, control);
    cache.drop();
    cache.drop();
    expect(readFileSync(control, 'utf8')).toBe('1');
    expect(cache.drops).toBe(2);
  });

  it('warns once and stops trying where the drop is refused', () => {
    const log: string[] = [];
    const cache = new PageCache(true, (m) => log.push(m), join(dir, 'missing', 'drop_caches'));
    cache.drop();
    cache.drop();
    expect(cache.drops).toBe(0);
    expect(log).toHaveLength(1);
    expect(log[0]).toMatch(/cannot drop the page cache/);
  });

  it('does nothing when disabled', () => {
    const control = join(dir, 'drop_caches');
    writeFileSync(control, '0');
    const cache = new PageCache(false, () => undefined, control);
    cache.drop();
    expect(readFileSync(control, 'utf8')).toBe('0');
    expect(cache.drops).toBe(0);
  });
});
