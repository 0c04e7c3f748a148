import { parseGcOptions } from './options';

describe('parseGcOptions', () => {
  it('defaults to the issue corpus: 100,000 blobs and 10,000 artifacts', () => {
    expect(parseGcOptions([], {})).toMatchObject({ blobs: 100_000, artifacts: 10_000, repositories: 100, distribution: true, keep: false });
  });

  it('shrinks everything with --quick, and explicit sizes win', () => {
    expect(parseGcOptions(['--quick'], {})).toMatchObject({ blobs: 2000, artifacts: 200, repositories: 10, waitIdleS: 0 });
    expect(parseGcOptions(['--quick', '--blobs', '50', '--no-distribution', '--keep'], {})).toMatchObject({ blobs: 50, distribution: false, keep: true });
  });

  it('refuses what GC would not accept or the corpus cannot hold', () => {
    expect(() => parseGcOptions(['--workers', '6'], {})).toThrow(/--workers must be between 1 and 5/);
    expect(() => parseGcOptions(['--blobs', '1e5'], {})).toThrow(/whole number/);
    expect(() => parseGcOptions(['--artifacts', '5', '--repositories', '10'], {})).toThrow(/cannot exceed/);
  });

  it('takes PostgreSQL and Redis from the environment', () => {
    expect(parseGcOptions([], { WHARF_BENCH_PG: 'postgres://u@h:1/', REDIS_URL: 'redis://h:2' })).toMatchObject({ pgBase: 'postgres://u@h:1', redisUrl: 'redis://h:2' });
  });
});
