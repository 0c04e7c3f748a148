import { OciError } from '@wharf/oci';
import { parseContentRange, uploadRange } from './content-range';

describe('parseContentRange', () => {
  it.each([
    ['0-99', 0, 99],
    ['100-199', 100, 199],
    ['bytes=5-5', 5, 5],
    ['bytes 0-9/10', 0, 9],
  ])('%s', (h, start, end) => {
    expect(parseContentRange(h)).toEqual({ start, end });
  });

  it.each(['', 'abc', '5', '-5', '9-3', '1-2-3', '0-9999999999999999'])('rejects %p with 416', (h) => {
    try {
      parseContentRange(h);
      throw new Error('accepted');
    } catch (err) {
      expect(err).toBeInstanceOf(OciError);
      expect((err as OciError).status).toBe(416);
    }
  });

  it('formats progress as an inclusive range', () => {
    expect(uploadRange(0)).toBe('0-0');
    expect(uploadRange(1)).toBe('0-0');
    expect(uploadRange(1000)).toBe('0-999');
  });
});
