import { parseRotateSize } from './rotate-size';

describe('parseRotateSize', () => {
  it.each([
    ['200M', '200M', 200 * 1024 ** 2],
    ['200m', '200M', 200 * 1024 ** 2],
    ['1G', '1G', 1024 ** 3],
    ['512k', '512K', 512 * 1024],
    ['100', '100', 100],
    [4096, '4096', 4096],
    ['007M', '7M', 7 * 1024 ** 2],
  ])('reads %p as %s', (raw, size, bytes) => {
    expect(parseRotateSize(raw)).toEqual({ size, bytes });
  });

  it.each([
    ['200MB', /like 200M/],
    ['1GiB', /like 1G/],
    ['1.5G', /expected a size/],
    ['-1', /expected a size/],
    ['0', /more than 0/],
    ['0K', /more than 0/],
    ['99999999999999999G', /too large/],
    ['', /expected a size/],
  ])('refuses %p', (raw, reason) => {
    const parsed = parseRotateSize(raw);
    expect('problem' in parsed && parsed.problem).toMatch(reason);
  });
});
