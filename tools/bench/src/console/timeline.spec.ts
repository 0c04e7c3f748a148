import { summarizeResources } from './timeline';

const entry = (path: string, startTime: number, responseEnd: number, encoded: number, decoded = encoded * 3) => ({
  path,
  startTime,
  responseEnd,
  encodedBodySize: encoded,
  decodedBodySize: decoded,
  transferSize: encoded + 300,
});

describe('summarizeResources', () => {
  const entries = [
    entry('/assets/index-a.js', 5, 120, 200_000),
    entry('/assets/antd-b.js', 6, 180, 150_000),
    entry('/favicon.svg', 7, 50, 1000),
    entry('/api/v2.0/users/current', 190, 260, 400, 400),
    entry('/api/v2.0/projects', 265, 400, 9000, 30_000),
    entry('/assets/zh_CN-c.js', 450, 520, 40_000),
    entry('/api/v2.0/projects/1/summary', 460, 530, 300, 300),
  ];

  it('counts only the scripts that had arrived by the render', () => {
    const { scripts } = summarizeResources(entries, 420, new Set(['/assets/index-a.js']));
    expect(scripts).toEqual({ files: 2, encoded: 350_000, decoded: 1_050_000, transferred: 350_600, gzipped: 1 });
  });

  it('places the scripts and the API requests before the render in time', () => {
    expect(summarizeResources(entries, 420, new Set()).phases).toEqual({ scriptsDoneMs: 180, firstApiStartMs: 190, lastApiEndMs: 400, apiRequests: 2, renderMs: 420 });
    expect(summarizeResources(entries.slice(0, 3), 200, new Set()).phases).toEqual({ scriptsDoneMs: 180, firstApiStartMs: undefined, lastApiEndMs: undefined, apiRequests: 0, renderMs: 200 });
  });
});
