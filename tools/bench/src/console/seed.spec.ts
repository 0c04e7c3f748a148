import { createHash } from 'node:crypto';
import { artifactManifest, artifactTag, forEachLimited, imageBlobs, projectName, TokenSource } from './seed';

describe('the seeded content', () => {
  it('names projects and tags in order, zero-padded so that they sort as numbers', () => {
    expect([projectName(1), projectName(1000)]).toEqual(['bench-console-0001', 'bench-console-1000']);
    expect([artifactTag(1), artifactTag(10_000)]).toEqual(['v00001', 'v10000']);
  });

  it('makes each artifact a distinct manifest of the same two blobs, the same on every run', () => {
    const blobs = imageBlobs();
    expect(blobs.layerDigest).toBe(`sha256:${createHash('sha256').update(blobs.layer).digest('hex')}`);
    expect(blobs.configDigest).toBe(`sha256:${createHash('sha256').update(blobs.config).digest('hex')}`);
    expect(imageBlobs()).toEqual(blobs);
    const one = JSON.parse(artifactManifest(1, blobs).toString()) as { mediaType: string; config: { digest: string; size: number }; layers: { digest: string; size: number }[] };
    expect(one.mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
    expect(one.config).toMatchObject({ digest: blobs.configDigest, size: blobs.config.length });
    expect(one.layers).toEqual([expect.objectContaining({ digest: blobs.layerDigest, size: blobs.layer.length })]);
    expect(artifactManifest(1, blobs).equals(artifactManifest(1, blobs))).toBe(true);
    expect(artifactManifest(1, blobs).equals(artifactManifest(2, blobs))).toBe(false);
  });
});

describe('forEachLimited', () => {
  it('runs every item, never more than the limit at once', async () => {
    let running = 0;
    let most = 0;
    const seen: number[] = [];
    await forEachLimited([1, 2, 3, 4, 5, 6, 7], 3, async (n) => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 5));
      seen.push(n);
      running--;
    });
    expect(seen.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(most).toBe(3);
  });

  it('throws the first failure and starts nothing after it', async () => {
    const started: number[] = [];
    await expect(
      forEachLimited([1, 2, 3, 4, 5], 1, async (n) => {
        started.push(n);
        if (n === 2) throw new Error('HTTP 500');
      }),
    ).rejects.toThrow('HTTP 500');
    expect(started).toEqual([1, 2]);
  });
});

describe('TokenSource', () => {
  it('reuses a token until a minute before it expires, then fetches a new one', async () => {
    let now = 0;
    let issued = 0;
    const tokens = new TokenSource(async () => ({ token: `t${++issued}`, expiresInS: 1800 }), () => now);
    expect(await tokens.get()).toBe('t1');
    now = 1739_000;
    expect(await tokens.get()).toBe('t1');
    now = 1740_000;
    expect(await tokens.get()).toBe('t2');
  });

  it('refreshes short-lived tokens at half their life', async () => {
    let now = 0;
    let issued = 0;
    const tokens = new TokenSource(async () => ({ token: `t${++issued}`, expiresInS: 30 }), () => now);
    await tokens.get();
    now = 14_999;
    expect(await tokens.get()).toBe('t1');
    now = 15_000;
    expect(await tokens.get()).toBe('t2');
  });

  it('fetches once for requests that ask together, and again after a failed fetch', async () => {
    let calls = 0;
    let fail = true;
    const tokens = new TokenSource(async () => {
      calls++;
      await new Promise((r) => setTimeout(r, 5));
      if (fail) throw new Error('401');
      return { token: 'ok', expiresInS: 300 };
    });
    await expect(Promise.all([tokens.get(), tokens.get()])).rejects.toThrow('401');
    expect(calls).toBe(1);
    fail = false;
    expect(await Promise.all([tokens.get(), tokens.get(), tokens.get()])).toEqual(['ok', 'ok', 'ok']);
    expect(calls).toBe(2);
  });
});
