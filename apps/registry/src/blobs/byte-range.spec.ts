import { parseByteRange } from './byte-range';

describe('parseByteRange', () => {
  it.each([
    ['bytes=0-0', 10, { start: 0, end: 0 }],
    ['bytes=2-5', 10, { start: 2, end: 5 }],
    ['bytes=2-', 10, { start: 2, end: 9 }],
    ['bytes=5-100', 10, { start: 5, end: 9 }],
    ['bytes=-3', 10, { start: 7, end: 9 }],
    ['bytes=-30', 10, { start: 0, end: 9 }],
  ])('%s of %d bytes', (h, size, expected) => {
    expect(parseByteRange(h, size)).toEqual(expected);
  });

  it.each([
    ['bytes=10-', 10],
    ['bytes=5-2', 10],
    ['bytes=-0', 10],
    ['bytes=0-0', 0],
  ])('%s of %d bytes is unsatisfiable', (h, size) => {
    expect(parseByteRange(h, size)).toBe('unsatisfiable');
  });

  it.each([undefined, '', 'bytes=0-1,3-4', 'items=0-1', 'bytes=-'])('ignores %p', (h) => {
    expect(parseByteRange(h, 10)).toBeUndefined();
  });
});
