import { parseWrkOutput, parseWrkTime } from './wrk';

const OUTPUT = `Running 10s test @ http://127.0.0.1:5000/v2/bench/app/manifests/latest
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     4.21ms    1.10ms  41.82ms   90.12%
    Req/Sec     3.83k   210.55     4.20k    71.50%
  Latency Distribution
     50%    4.02ms
     75%    4.51ms
     90%    5.20ms
     99%    8.94ms
  76215 requests in 10.01s, 58.21MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 4
Requests/sec:   7614.19
Transfer/sec:      5.82MB
`;

describe('wrk output', () => {
  it('parses throughput, percentiles and errors', () => {
    expect(parseWrkOutput(OUTPUT)).toEqual({ requests: 76215, durationS: 10.01, requestsPerSec: 7614.19, p50Ms: 4.02, p99Ms: 8.94, errors: 7 });
  });

  it('converts every time unit wrk prints to milliseconds', () => {
    expect(parseWrkTime('850.00us')).toBeCloseTo(0.85);
    expect(parseWrkTime('1.50s')).toBe(1500);
    expect(parseWrkTime('1.00m')).toBe(60_000);
    expect(() => parseWrkTime('fast')).toThrow();
  });

  it('refuses a report without the latency distribution', () => {
    expect(() => parseWrkOutput(OUTPUT.replace(/ {5}99%.*\n/, ''))).toThrow(/--latency/);
  });
});
