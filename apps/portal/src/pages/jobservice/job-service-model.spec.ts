import { formatLatency, queueActions } from './job-service-model';

describe('job service dashboard model', () => {
  it('offers stop only while jobs wait, and pause or resume as the queue stands', () => {
    expect(queueActions({ job_type: 'GARBAGE_COLLECTION', count: 0, latency: 0, paused: false })).toEqual(['pause']);
    expect(queueActions({ job_type: 'GARBAGE_COLLECTION', count: 2, latency: 5, paused: true })).toEqual(['stop', 'resume']);
  });

  it('writes a latency in hours, minutes and seconds', () => {
    expect(formatLatency(0)).toBe('0s');
    expect(formatLatency(59)).toBe('59s');
    expect(formatLatency(120)).toBe('2m');
    expect(formatLatency(3725)).toBe('1h 2m 5s');
  });
});
