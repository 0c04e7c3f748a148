import { randomBytes } from 'node:crypto';
import { PassThrough, Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  createDigester,
  digestOf,
  DigestingTransform,
  isValidDigest,
  parseDigest,
  verifyDigest,
  type DigestAlgorithm,
} from './digest';
import { OciError } from './errors';
import { catchOciError } from './testing/catch-oci-error';

// Published test vectors (FIPS 180-2 / NIST), independent of node:crypto.
const SHA256_EMPTY = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const SHA256_ABC = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
const SHA512_EMPTY =
  'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e';
const SHA512_ABC =
  'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f';

describe('parseDigest', () => {
  it('parses a sha256 digest', () => {
    expect(parseDigest(`sha256:${SHA256_ABC}`)).toEqual({
      algorithm: 'sha256',
      hex: SHA256_ABC,
      digest: `sha256:${SHA256_ABC}`,
    });
  });

  it('parses a sha512 digest', () => {
    expect(parseDigest(`sha512:${SHA512_ABC}`)).toEqual({
      algorithm: 'sha512',
      hex: SHA512_ABC,
      digest: `sha512:${SHA512_ABC}`,
    });
  });

  it.each([
    ['empty', ''],
    ['algorithm only', 'sha256'],
    ['no encoded part', 'sha256:'],
    ['no algorithm', `:${SHA256_ABC}`],
    ['63 hex', `sha256:${SHA256_ABC.slice(1)}`],
    ['65 hex', `sha256:${SHA256_ABC}0`],
    ['sha512 length under sha256', `sha256:${SHA512_ABC}`],
    ['sha256 length under sha512', `sha512:${SHA256_ABC}`],
    ['127 hex sha512', `sha512:${SHA512_ABC.slice(1)}`],
    ['uppercase hex', `sha256:${SHA256_ABC.toUpperCase()}`],
    ['one uppercase hex digit', `sha256:${SHA256_ABC.slice(0, 63)}D`],
    ['uppercase algorithm', `SHA256:${SHA256_ABC}`],
    ['non-hex of the right length', `sha256:${'g'.repeat(64)}`],
    ['base64url-ish of the right length', `sha256:${'A-_='.repeat(16)}`],
    ['unknown algorithm md5', 'md5:d41d8cd98f00b204e9800998ecf8427e'],
    ['unknown algorithm sha384', `sha384:${'a'.repeat(96)}`],
    ['algorithm with a grammar-valid separator', `sha256+b64u:${SHA256_ABC}`],
    ['path traversal', 'sha256:../..'],
    ['path traversal after a valid digest', `sha256:${SHA256_ABC}/../../etc`],
    ['path before the digest', `../sha256:${SHA256_ABC}`],
    ['slash inside', `sha256:${SHA256_ABC.slice(0, 32)}/${SHA256_ABC.slice(33)}`],
    ['two colons', `sha256::${SHA256_ABC}`],
    ['a second digest appended', `sha256:${SHA256_ABC}:${SHA256_ABC}`],
    ['trailing newline', `sha256:${SHA256_ABC}\n`],
    ['leading space', ` sha256:${SHA256_ABC}`],
    ['NUL byte', `sha256:${SHA256_ABC.slice(0, 63)}\0`],
    ['percent-encoding', `sha256%3A${SHA256_ABC}`],
    ['over-long', `sha256:${'a'.repeat(10_000)}`],
  ])('rejects %s', (_label, input) => {
    const err = catchOciError(() => parseDigest(input));
    expect(err.code).toBe('DIGEST_INVALID');
    expect(err.status).toBe(400);
    expect(err.message).not.toBe('');
  });

  it('explains each kind of failure', () => {
    expect(catchOciError(() => parseDigest('')).message).toMatch(/empty/);
    expect(catchOciError(() => parseDigest('nocolon')).message).toMatch(/<algorithm>:<encoded>/);
    expect(catchOciError(() => parseDigest('md5:abcd')).message).toMatch(/unsupported digest algorithm "md5"/);
    expect(catchOciError(() => parseDigest(`sha256:${SHA256_ABC.toUpperCase()}`)).message).toMatch(
      /sha256 digest must be exactly 64 lowercase hex characters/,
    );
    expect(catchOciError(() => parseDigest('sha512:abc')).message).toMatch(/exactly 128 lowercase hex/);
    expect(catchOciError(() => parseDigest(`sha256:${'a'.repeat(1000)}`)).message).toMatch(/too long/);
  });

  it('keeps a hostile value out of the message beyond a short prefix', () => {
    const err = catchOciError(() => parseDigest(`x${'/'.repeat(200)}`));
    expect(err.message.length).toBeLessThan(200);
  });

  it('rejects non-string input at runtime', () => {
    expect(catchOciError(() => parseDigest(42 as unknown as string)).code).toBe('DIGEST_INVALID');
  });
});

describe('isValidDigest', () => {
  it('mirrors parseDigest', () => {
    expect(isValidDigest(`sha256:${SHA256_EMPTY}`)).toBe(true);
    expect(isValidDigest(`sha512:${SHA512_EMPTY}`)).toBe(true);
    expect(isValidDigest(`sha256:${SHA256_EMPTY.toUpperCase()}`)).toBe(false);
    expect(isValidDigest('sha256:../..')).toBe(false);
    expect(isValidDigest(undefined)).toBe(false);
    expect(isValidDigest(123)).toBe(false);
  });
});

describe('digestOf', () => {
  it('matches the published vectors', () => {
    expect(digestOf('')).toBe(`sha256:${SHA256_EMPTY}`);
    expect(digestOf(Buffer.alloc(0))).toBe(`sha256:${SHA256_EMPTY}`);
    expect(digestOf('abc')).toBe(`sha256:${SHA256_ABC}`);
    expect(digestOf(Buffer.from('abc'), 'sha512')).toBe(`sha512:${SHA512_ABC}`);
    expect(digestOf('', 'sha512')).toBe(`sha512:${SHA512_EMPTY}`);
  });

  it('hashes strings as UTF-8', () => {
    expect(digestOf('é')).toBe(digestOf(Buffer.from([0xc3, 0xa9])));
  });

  it('refuses an algorithm outside the registered set even if a caller casts one in', () => {
    expect(catchOciError(() => digestOf('x', 'md5' as unknown as DigestAlgorithm)).code).toBe('DIGEST_INVALID');
  });
});

describe('verifyDigest', () => {
  it('uses the algorithm of the expected digest', () => {
    expect(verifyDigest(Buffer.from('abc'), `sha256:${SHA256_ABC}`)).toBe(true);
    expect(verifyDigest(Buffer.from('abc'), `sha512:${SHA512_ABC}`)).toBe(true);
  });

  it('is false for other content', () => {
    expect(verifyDigest(Buffer.from('abd'), `sha256:${SHA256_ABC}`)).toBe(false);
    expect(verifyDigest(Buffer.from('abc'), `sha256:${SHA256_EMPTY}`)).toBe(false);
  });

  it('is false for a malformed expected digest instead of matching loosely', () => {
    expect(verifyDigest(Buffer.from('abc'), `sha256:${SHA256_ABC.toUpperCase()}`)).toBe(false);
    expect(verifyDigest(Buffer.from('abc'), SHA256_ABC)).toBe(false);
    expect(verifyDigest(Buffer.from('abc'), '')).toBe(false);
  });
});

describe('createDigester', () => {
  it('hashes incrementally and counts bytes', () => {
    const d = createDigester();
    expect(d.algorithm).toBe('sha256');
    expect(d.bytes).toBe(0);
    expect(d.digest()).toBe(`sha256:${SHA256_EMPTY}`);
    d.update(Buffer.from('a'));
    d.update(Buffer.from('bc'));
    expect(d.bytes).toBe(3);
    expect(d.digest()).toBe(`sha256:${SHA256_ABC}`);
  });

  it('can be digested repeatedly and keep going afterwards', () => {
    const d = createDigester('sha256');
    d.update(Buffer.from('abc'));
    expect(d.digest()).toBe(`sha256:${SHA256_ABC}`);
    expect(d.digest()).toBe(`sha256:${SHA256_ABC}`);
    d.update(Buffer.from('def'));
    expect(d.digest()).toBe(digestOf('abcdef'));
    expect(d.bytes).toBe(6);
  });

  it('supports sha512', () => {
    const d = createDigester('sha512');
    d.update(Buffer.from('abc'));
    expect(d.digest()).toBe(`sha512:${SHA512_ABC}`);
  });

  it('refuses unknown algorithms', () => {
    expect(catchOciError(() => createDigester('sha1' as unknown as DigestAlgorithm)).code).toBe('DIGEST_INVALID');
  });
});

/** Pipes `chunks` through `t` and returns the chunks that came out. */
async function runThrough(t: DigestingTransform, chunks: Buffer[]): Promise<Buffer[]> {
  const out: Buffer[] = [];
  const sink = new Writable({
    highWaterMark: 1024 * 1024,
    write(chunk: Buffer, _enc, cb) {
      out.push(chunk);
      cb();
    },
  });
  await pipeline(Readable.from(chunks, { objectMode: false }), t, sink);
  return out;
}

describe('DigestingTransform', () => {
  it('digests an empty stream to the sha256 of ""', async () => {
    const t = new DigestingTransform('sha256');
    expect(await runThrough(t, [])).toEqual([]);
    expect(t.bytes).toBe(0);
    expect(t.digest()).toBe(`sha256:${SHA256_EMPTY}`);
  });

  it('passes data through unchanged while hashing (sha256 and sha512 vectors)', async () => {
    const t256 = new DigestingTransform('sha256');
    const out = await runThrough(t256, [Buffer.from('a'), Buffer.from('b'), Buffer.from('c')]);
    expect(Buffer.concat(out).toString()).toBe('abc');
    expect(t256.digest()).toBe(`sha256:${SHA256_ABC}`);
    expect(t256.bytes).toBe(3);

    const t512 = new DigestingTransform('sha512');
    await runThrough(t512, [Buffer.from('ab'), Buffer.from('c')]);
    expect(t512.digest()).toBe(`sha512:${SHA512_ABC}`);
  });

  it('forwards the very same Buffer objects rather than copies', async () => {
    const chunks = [Buffer.from('one'), Buffer.from('two'), Buffer.from('three')];
    const out = await runThrough(new DigestingTransform(), chunks);
    expect(out).toHaveLength(3);
    out.forEach((chunk, i) => expect(chunk).toBe(chunks[i]));
  });

  it('matches digestOf over several MiB in uneven chunks', async () => {
    const data = randomBytes(5 * 1024 * 1024 + 123);
    const chunks: Buffer[] = [];
    for (let off = 0, n = 1; off < data.length; off += n, n = (n * 7 + 13) % 200_000 || 1) {
      chunks.push(data.subarray(off, off + n));
    }
    const t = new DigestingTransform();
    const out = await runThrough(t, chunks);
    expect(Buffer.concat(out).equals(data)).toBe(true);
    expect(t.bytes).toBe(data.length);
    expect(t.digest()).toBe(digestOf(data));
  });

  it('hashes string writes as their UTF-8 bytes', async () => {
    const t = new DigestingTransform();
    const done = pipeline(t, new PassThrough().resume());
    t.end('abc');
    await done;
    expect(t.digest()).toBe(`sha256:${SHA256_ABC}`);
  });

  it('refuses digest() before the stream has ended', () => {
    const t = new DigestingTransform();
    t.write(Buffer.from('abc'));
    expect(() => t.digest()).toThrow(/after the stream has ended/);
    t.destroy();
  });

  it('allows exactly maxBytes', async () => {
    const t = new DigestingTransform('sha256', { maxBytes: 6 });
    await runThrough(t, [Buffer.from('abc'), Buffer.from('def')]);
    expect(t.bytes).toBe(6);
    expect(t.digest()).toBe(digestOf('abcdef'));
  });

  it('allows an empty stream with maxBytes 0', async () => {
    const t = new DigestingTransform('sha256', { maxBytes: 0 });
    await runThrough(t, []);
    expect(t.digest()).toBe(`sha256:${SHA256_EMPTY}`);
  });

  it('fails with SIZE_INVALID once maxBytes is exceeded, without passing the excess on', async () => {
    const t = new DigestingTransform('sha256', { maxBytes: 5 });
    const out: Buffer[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, cb) {
        out.push(chunk);
        cb();
      },
    });
    const err: unknown = await pipeline(Readable.from([Buffer.from('abc'), Buffer.from('def')]), t, sink).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(OciError);
    expect(err).toMatchObject({ code: 'SIZE_INVALID', message: expect.stringContaining('5 bytes') });
    expect(Buffer.concat(out).toString()).toBe('abc');
    expect(() => t.digest()).toThrow();
  });

  it('rejects a nonsensical maxBytes', () => {
    expect(() => new DigestingTransform('sha256', { maxBytes: -1 })).toThrow(RangeError);
    expect(() => new DigestingTransform('sha256', { maxBytes: 1.5 })).toThrow(RangeError);
    expect(() => new DigestingTransform('sha256', { maxBytes: Number.NaN })).toThrow(RangeError);
  });

  it('uses large buffers by default', () => {
    const t = new DigestingTransform();
    expect(t.writableHighWaterMark).toBeGreaterThanOrEqual(1024 * 1024);
    expect(t.readableHighWaterMark).toBeGreaterThanOrEqual(1024 * 1024);
  });

  it('refuses unknown algorithms', () => {
    expect(() => new DigestingTransform('md5' as unknown as DigestAlgorithm)).toThrow(OciError);
  });
});
