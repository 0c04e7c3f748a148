import { makeImage, pushBlob, pushImage, putManifest, RegistryHarness, startTestRegistry, TestImage } from '../testing';
import { expectOciError, expectRawOciError, OCI_MANIFEST, rawRequest, stopRegistry } from './conformance-helpers';

interface TagList {
  name: string;
  tags: string[];
}

describe('conformance: listing tags (end-8a, end-8b)', () => {
  let r: RegistryHarness;
  const repo = 'tags/app';
  // Byte order, as the spec's "lexical" order and Go's sort.Strings have it: digits, upper case,
  // '_', lower case; a locale collation would interleave the cases.
  const tags = ['zeta', 'Alpha', 'alpha', '1.0', '1.10', '1.9', '_under', 'beta-1', 'beta.1', 'beta_1', 'B', 'latest'];
  const sorted = [...tags].sort((a, b) => (Buffer.from(a) < Buffer.from(b) ? -1 : 1));
  let image: TestImage;

  beforeAll(async () => {
    r = await startTestRegistry();
    image = makeImage();
    expect((await pushImage(r.url, repo, image, tags[0])).status).toBe(201);
    for (const t of tags.slice(1)) expect((await putManifest(r.url, repo, t, image.manifest, OCI_MANIFEST)).status).toBe(201);
  });
  afterAll(async () => {
    await stopRegistry(r);
  });

  const list = (name: string, query = '') => fetch(`${r.url}/v2/${name}/tags/list${query}`);

  it('answers 200 with the name and every tag in lexical (byte) order', async () => {
    const res = await list(repo);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('link')).toBeNull();
    expect(sorted.slice(0, 4)).toEqual(['1.0', '1.10', '1.9', 'Alpha']);
    expect(await res.json()).toEqual({ name: repo, tags: sorted });
  });

  it('paginates with n and last; a full page carries a Link to the next one, the last page none', async () => {
    const seen: string[] = [];
    let next: string | undefined = `/v2/${repo}/tags/list?n=5`;
    const links: (string | null)[] = [];
    while (next) {
      const res = await fetch(`${r.url}${next}`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as TagList;
      expect(body.name).toBe(repo);
      expect(body.tags.length).toBeLessThanOrEqual(5);
      seen.push(...body.tags);
      const link = res.headers.get('link');
      links.push(link);
      if (link) {
        const m = /^<([^>]+)>;\s*rel="next"$/.exec(link);
        expect(m).not.toBeNull();
        const u = new URL((m as RegExpExecArray)[1], r.url);
        expect(u.pathname).toBe(`/v2/${repo}/tags/list`);
        expect(u.searchParams.get('n')).toBe('5');
        expect(u.searchParams.get('last')).toBe(body.tags[body.tags.length - 1]);
        next = (m as RegExpExecArray)[1];
      } else {
        next = undefined;
      }
      expect(links.length).toBeLessThan(10);
    }
    expect(seen).toEqual(sorted);
    // 12 tags in pages of 5: 5, 5, 2 — links on the first two pages only.
    expect(links.map((l) => l !== null)).toEqual([true, true, false]);
  });

  it.each([1, 3, 6, 11, 12, 13])('following Links with n=%i visits every tag exactly once and ends on a page without Link', async (n) => {
    const seen: string[] = [];
    let next: string | undefined = `/v2/${repo}/tags/list?n=${n}`;
    for (let pages = 0; next; pages++) {
      expect(pages).toBeLessThanOrEqual(tags.length + 1);
      const res = await fetch(`${r.url}${next}`);
      const body = (await res.json()) as TagList;
      expect(body.tags.length).toBeLessThanOrEqual(n);
      seen.push(...body.tags);
      const link = res.headers.get('link');
      next = link ? (/^<([^>]+)>;\s*rel="next"$/.exec(link) as RegExpExecArray)[1] : undefined;
      if (next) expect(body.tags.length).toBe(n);
    }
    expect(seen).toEqual(sorted);
  });

  it('the Link header has the exact documented shape', async () => {
    const res = await list(repo, '?n=2');
    const body = (await res.json()) as TagList;
    expect(body.tags).toEqual(sorted.slice(0, 2));
    expect(res.headers.get('link')).toBe(`</v2/${repo}/tags/list?n=2&last=${encodeURIComponent(sorted[1])}>; rel="next"`);
  });

  it('last alone returns every tag after it', async () => {
    const res = await list(repo, `?last=${encodeURIComponent('beta-1')}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as TagList;
    expect(body.tags).toEqual(sorted.filter((t) => Buffer.from(t).compare(Buffer.from('beta-1')) > 0));
  });

  it('last need not be an existing tag', async () => {
    const res = await list(repo, '?n=3&last=b0');
    const body = (await res.json()) as TagList;
    expect(body.tags).toEqual(sorted.filter((t) => Buffer.from(t).compare(Buffer.from('b0')) > 0).slice(0, 3));
  });

  it('last past the end gives an empty list without a Link', async () => {
    const res = await list(repo, '?n=3&last=zzzz');
    expect(res.status).toBe(200);
    expect(res.headers.get('link')).toBeNull();
    expect(((await res.json()) as TagList).tags).toEqual([]);
  });

  it('n equal to the number of tags returns them all', async () => {
    const res = await list(repo, `?n=${tags.length}`);
    expect(((await res.json()) as TagList).tags).toEqual(sorted);
  });

  it('n larger than the number of tags returns them all, without a Link', async () => {
    const res = await list(repo, '?n=1000');
    expect(res.headers.get('link')).toBeNull();
    expect(((await res.json()) as TagList).tags).toEqual(sorted);
  });

  it('n=0 answers 200 with an empty list and no Link', async () => {
    const res = await list(repo, '?n=0');
    expect(res.status).toBe(200);
    expect(res.headers.get('link')).toBeNull();
    expect(await res.json()).toEqual({ name: repo, tags: [] });
  });

  it.each(['-1', 'abc', '1.5', '1e3', '99999999999999999999', ' 5'])('n=%s is 400 PAGINATION_NUMBER_INVALID', async (n) => {
    await expectOciError(await list(repo, `?n=${encodeURIComponent(n)}`), 400, 'PAGINATION_NUMBER_INVALID');
  });

  it('an unknown repository is 404 NAME_UNKNOWN', async () => {
    await expectOciError(await list('tags/nothing'), 404, 'NAME_UNKNOWN');
    await expectOciError(await list('tags/nothing', '?n=2'), 404, 'NAME_UNKNOWN');
  });

  it('a repository that holds only blobs lists no tags (200, empty list)', async () => {
    await pushBlob(r.url, 'tags/blobs-only', 'data');
    const res = await list('tags/blobs-only');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ name: 'tags/blobs-only', tags: [] });
  });

  it('a repository whose tags were all deleted lists an empty array', async () => {
    const image2 = makeImage();
    expect((await pushImage(r.url, 'tags/emptied', image2, 'v1')).status).toBe(201);
    expect((await fetch(`${r.url}/v2/tags/emptied/manifests/v1`, { method: 'DELETE' })).status).toBe(202);
    const res = await list('tags/emptied');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ name: 'tags/emptied', tags: [] });
  });

  it('a Link for a multi-component name keeps the name as it is in the URL', async () => {
    const image3 = makeImage();
    expect((await pushImage(r.url, 'team/app/api', image3, 'a')).status).toBe(201);
    expect((await putManifest(r.url, 'team/app/api', 'b', image3.manifest, OCI_MANIFEST)).status).toBe(201);
    expect((await putManifest(r.url, 'team/app/api', 'c', image3.manifest, OCI_MANIFEST)).status).toBe(201);
    const res = await list('team/app/api', '?n=2');
    expect(await res.json()).toEqual({ name: 'team/app/api', tags: ['a', 'b'] });
    expect(res.headers.get('link')).toBe('</v2/team/app/api/tags/list?n=2&last=b>; rel="next"');
    const next = await list('team/app/api', '?n=2&last=b');
    expect(await next.json()).toEqual({ name: 'team/app/api', tags: ['c'] });
    expect(next.headers.get('link')).toBeNull();
  });

  it.each(['x/blobs', 'x/manifests', 'x/tags', 'x/referrers', 'x/blobs/uploads', 'blobs/x', 'manifests', 'tags/list/x'])('a repository named %s works on every route family', async (name) => {
    const img = makeImage();
    expect((await pushImage(r.url, name, img, 'v1')).status).toBe(201);
    const res = await list(name);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ name, tags: ['v1'] });
    const manifest = await fetch(`${r.url}/v2/${name}/manifests/v1`);
    expect(manifest.status).toBe(200);
    expect(manifest.headers.get('docker-content-digest')).toBe(img.digest);
    await manifest.arrayBuffer();
    const blob = await fetch(`${r.url}/v2/${name}/blobs/${JSON.parse(img.manifest.toString()).config.digest}`);
    expect(blob.status).toBe(200);
    await blob.arrayBuffer();
    const up = await fetch(`${r.url}/v2/${name}/blobs/uploads/`, { method: 'POST' });
    expect(up.status).toBe(202);
    const location = new URL(up.headers.get('location') as string, r.url);
    expect(location.pathname.startsWith(`/v2/${name}/blobs/uploads/`)).toBe(true);
    const status = await fetch(location);
    expect(status.status).toBe(204);
    const refs = await fetch(`${r.url}/v2/${name}/referrers/${img.digest}`);
    expect(refs.status).toBe(200);
    await refs.arrayBuffer();
  });

  it('a last value with a NUL byte is a 4xx, never a 5xx', async () => {
    const res = await rawRequest(r.url, { method: 'GET', path: `/v2/${repo}/tags/list?n=2&last=%00` });
    expect(res.status).toBeLessThan(500);
    if (res.status !== 200) expectRawOciError(res, 400);
  });
});
