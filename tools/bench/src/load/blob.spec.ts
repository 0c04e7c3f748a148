import { createHash } from 'node:crypto';
import { BlobFamily, BlobSpec, slices } from './blob';

function bytesOf(blob: BlobSpec, start = 0, end = blob.size): Buffer {
  return Buffer.concat([...slices(blob, start, end)]);
}

describe('BlobFamily', () => {
  const family = new BlobFamily(1000, 7, 64);

  it('yields exactly the bytes its digest is computed over', () => {
    const blob = family.variant(3);
    const all = bytesOf(blob);
    expect(all.length).toBe(1000);
    expect(`sha256:${createHash('sha256').update(all).digest('hex')}`).toBe(blob.digest);
  });

  it('makes variants that share everything but the last 8 bytes', () => {
    const a = bytesOf(family.variant(0));
    const b = bytesOf(family.variant(1));
    expect(a.subarray(0, 992).equals(b.subarray(0, 992))).toBe(true);
    expect(a.subarray(992).equals(b.subarray(992))).toBe(false);
    expect(family.variant(1).digest).toBe(family.variant(1).digest);
    expect(family.variant(0).digest).not.toBe(family.variant(1).digest);
  });

  it('serves any sub-range, across piece and suffix boundaries', () => {
    const blob = family.variant(9);
    const all = bytesOf(blob);
    for (const [s, e] of [
      [0, 64],
      [60, 70],
      [990, 1000],
      [995, 998],
      [128, 993],
    ]) {
      expect(bytesOf(blob, s, e).equals(all.subarray(s, e))).toBe(true);
    }
  });
});
