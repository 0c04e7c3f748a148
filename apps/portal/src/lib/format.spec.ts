import { formatBytes, formatDate, shortDigest } from './format';

describe('formatBytes', () => {
  it('uses binary units and the reader’s number format', () => {
    expect(formatBytes(0, 'en-US')).toBe('0 B');
    expect(formatBytes(1536, 'en-US')).toBe('1.5 KiB');
    expect(formatBytes(5 * 1024 ** 3, 'en-US')).toBe('5 GiB');
    expect(formatBytes(123456789012, 'de-DE')).toBe('115 GiB');
    expect(formatBytes(2.25 * 1024 ** 2, 'de-DE')).toBe('2,25 MiB');
  });

  it('shows unknown and unlimited', () => {
    expect(formatBytes(undefined, 'en-US')).toBe('—');
    expect(formatBytes(-1, 'en-US')).toBe('∞');
  });
});

describe('formatDate', () => {
  it('formats in the reader’s language', () => {
    const when = '2026-03-04T05:06:07Z';
    expect(formatDate(when, 'en-US')).toMatch(/2026/);
    expect(formatDate(when, 'zh-CN')).toMatch(/2026年/);
    expect(formatDate(when, 'zh-TW')).toMatch(/2026年/);
  });

  it('shows a dash for missing or zero times', () => {
    expect(formatDate(null, 'en-US')).toBe('—');
    expect(formatDate('0001-01-01T00:00:00Z', 'en-US')).toBe('—');
    expect(formatDate('not a date', 'en-US')).toBe('—');
  });
});

describe('shortDigest', () => {
  it('keeps the algorithm and 8 hex characters', () => {
    expect(shortDigest('sha256:0123456789abcdef')).toBe('sha256:01234567');
  });
});
