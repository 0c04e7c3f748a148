import { makeImage, pushBlob, pushImage, RegistryHarness, startTestRegistry } from '../testing';
import { expectOciError, expectRawOciError, rawRequest, stopRegistry } from './conformance-helpers';

interface Catalog {
  repositories: string[];
}

describe('conformance: catalog (GET /v2/_catalog)', () => {
  let r: RegistryHarness;
  // Byte order: '-' < '.' < '/' < digits < '_' < letters. A locale collation that ignores
  // punctuation would put "a/c" after "ab".
  const names = ['ab', 'a/c', 'a-b', 'a.b', 'a_b', 'a0', 'zz/top', 'team/app/api', 'team/app', 'x/blobs', 'x/manifests'];
  const sorted = [...names].sort((a, b) => Buffer.from(a).compare(Buffer.from(b)));

  beforeAll(async () => {
    r = await startTestRegistry();
    const image = makeImage();
    for (const n of names) expect((await pushImage(r.url, n, image, 'v1')).status).toBe(201);
    // Repositories without any manifest are not listed.
    await pushBlob(r.url, 'blobs-only', 'just a blob');
    await fetch(`${r.url}/v2/upload-only/blobs/uploads/`, { method: 'POST' });
  });
  afterAll(async () => {
    await stopRegistry(r);
  });

  const catalog = (query = '') => fetch(`${r.url}/v2/_catalog${query}`);

  it('lists every repository that holds an artifact, in lexical (byte) order', async () => {
    const res = await catalog();
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('link')).toBeNull();
    expect(sorted.slice(0, 5)).toEqual(['a-b', 'a.b', 'a/c', 'a0', 'a_b']);
    expect(await res.json()).toEqual({ repositories: sorted });
  });

  it('paginates with n and last and a Link header on full pages', async () => {
    const seen: string[] = [];
    const hasLink: boolean[] = [];
    let next: string | undefined = '/v2/_catalog?n=4';
    while (next) {
      const res = await fetch(`${r.url}${next}`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as Catalog;
      expect(body.repositories.length).toBeLessThanOrEqual(4);
      seen.push(...body.repositories);
      const link = res.headers.get('link');
      hasLink.push(link !== null);
      if (link) {
        const m = /^<([^>]+)>;\s*rel="next"$/.exec(link);
        expect(m).not.toBeNull();
        const u = new URL((m as RegExpExecArray)[1], r.url);
        expect(u.pathname).toBe('/v2/_catalog');
        expect(u.searchParams.get('n')).toBe('4');
        expect(u.searchParams.get('last')).toBe(body.repositories[body.repositories.length - 1]);
        next = (m as RegExpExecArray)[1];
      } else {
        next = undefined;
      }
      expect(hasLink.length).toBeLessThan(10);
    }
    expect(seen).toEqual(sorted);
    // 11 repositories in pages of 4: 4, 4, 3.
    expect(hasLink).toEqual([true, true, false]);
  });

  it('the Link header has the documented shape', async () => {
    const res = await catalog('?n=2');
    expect(((await res.json()) as Catalog).repositories).toEqual(sorted.slice(0, 2));
    expect(res.headers.get('link')).toBe(`</v2/_catalog?n=2&last=${encodeURIComponent(sorted[1])}>; rel="next"`);
  });

  it('last alone lists the repositories after it', async () => {
    const res = await catalog(`?last=${encodeURIComponent('a_b')}`);
    expect(((await res.json()) as Catalog).repositories).toEqual(sorted.filter((n) => Buffer.from(n).compare(Buffer.from('a_b')) > 0));
  });

  it('n=0 answers 200 with an empty list and no Link', async () => {
    const res = await catalog('?n=0');
    expect(res.status).toBe(200);
    expect(res.headers.get('link')).toBeNull();
    expect(await res.json()).toEqual({ repositories: [] });
  });

  it('n larger than the number of repositories returns them all without Link', async () => {
    const res = await catalog('?n=500');
    expect(res.headers.get('link')).toBeNull();
    expect(((await res.json()) as Catalog).repositories).toEqual(sorted);
  });

  it.each(['-1', 'x', '2.5'])('n=%s is 400 PAGINATION_NUMBER_INVALID', async (n) => {
    await expectOciError(await catalog(`?n=${n}`), 400, 'PAGINATION_NUMBER_INVALID');
  });

  it('a last value with a NUL byte is a 4xx, never a 5xx', async () => {
    const res = await rawRequest(r.url, { method: 'GET', path: '/v2/_catalog?last=%00' });
    expect(res.status).toBeLessThan(500);
    if (res.status !== 200) expectRawOciError(res, 400);
  });
});
