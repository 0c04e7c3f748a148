import { makeImage, pushImage, putManifest, RegistryHarness, sha256, startTestRegistry } from '../testing';
import { bytesOf, expectOciError, imageDescriptor, makeIndex, OCI_INDEX, OCI_MANIFEST, stopRegistry } from './conformance-helpers';

describe('conformance: deleting manifests and tags (end-9)', () => {
  let r: RegistryHarness;
  beforeAll(async () => {
    r = await startTestRegistry();
  });
  afterAll(async () => {
    await stopRegistry(r);
  });

  const del = (repo: string, reference: string) => fetch(`${r.url}/v2/${repo}/manifests/${reference}`, { method: 'DELETE' });
  const tagsOf = async (repo: string) => ((await (await fetch(`${r.url}/v2/${repo}/tags/list`)).json()) as { tags: string[] }).tags;

  it('DELETE by tag answers 202 and removes only that tag', async () => {
    const image = makeImage();
    expect((await pushImage(r.url, 'del/tag', image, 'a')).status).toBe(201);
    expect((await putManifest(r.url, 'del/tag', 'b', image.manifest, OCI_MANIFEST)).status).toBe(201);
    const res = await del('del/tag', 'a');
    expect(res.status).toBe(202);
    await expectOciError(await fetch(`${r.url}/v2/del/tag/manifests/a`), 404, 'MANIFEST_UNKNOWN');
    const b = await fetch(`${r.url}/v2/del/tag/manifests/b`);
    expect(b.status).toBe(200);
    expect((await bytesOf(b)).equals(image.manifest)).toBe(true);
    const byDigest = await fetch(`${r.url}/v2/del/tag/manifests/${image.digest}`);
    expect(byDigest.status).toBe(200);
    expect((await bytesOf(byDigest)).equals(image.manifest)).toBe(true);
    expect(await tagsOf('del/tag')).toEqual(['b']);
  });

  it('after deleting its last tag the manifest is still there by digest', async () => {
    const image = makeImage();
    expect((await pushImage(r.url, 'del/last-tag', image, 'only')).status).toBe(201);
    expect((await del('del/last-tag', 'only')).status).toBe(202);
    expect((await fetch(`${r.url}/v2/del/last-tag/manifests/${image.digest}`, { method: 'HEAD' })).status).toBe(200);
    expect(await tagsOf('del/last-tag')).toEqual([]);
  });

  it('DELETE by digest answers 202 and removes the manifest and all its tags', async () => {
    const image = makeImage();
    expect((await pushImage(r.url, 'del/digest', image, 'x')).status).toBe(201);
    expect((await putManifest(r.url, 'del/digest', 'y', image.manifest, OCI_MANIFEST)).status).toBe(201);
    const other = makeImage();
    expect((await pushImage(r.url, 'del/digest', other, 'z')).status).toBe(201);
    expect((await del('del/digest', image.digest)).status).toBe(202);
    await expectOciError(await fetch(`${r.url}/v2/del/digest/manifests/${image.digest}`), 404, 'MANIFEST_UNKNOWN');
    expect((await fetch(`${r.url}/v2/del/digest/manifests/${image.digest}`, { method: 'HEAD' })).status).toBe(404);
    await expectOciError(await fetch(`${r.url}/v2/del/digest/manifests/x`), 404, 'MANIFEST_UNKNOWN');
    await expectOciError(await fetch(`${r.url}/v2/del/digest/manifests/y`), 404, 'MANIFEST_UNKNOWN');
    expect(await tagsOf('del/digest')).toEqual(['z']);
    expect((await fetch(`${r.url}/v2/del/digest/manifests/z`)).status).toBe(200);
  });

  it('a deleted manifest can be pushed again', async () => {
    const image = makeImage();
    expect((await pushImage(r.url, 'del/repush', image, 'v1')).status).toBe(201);
    expect((await del('del/repush', image.digest)).status).toBe(202);
    expect((await putManifest(r.url, 'del/repush', 'v1', image.manifest, OCI_MANIFEST)).status).toBe(201);
    const get = await fetch(`${r.url}/v2/del/repush/manifests/v1`);
    expect(get.status).toBe(200);
    expect((await bytesOf(get)).equals(image.manifest)).toBe(true);
  });

  it('deleting a manifest in one repository leaves the same manifest in another', async () => {
    const image = makeImage();
    expect((await pushImage(r.url, 'del/one', image, 'v1')).status).toBe(201);
    expect((await pushImage(r.url, 'del/two', image, 'v1')).status).toBe(201);
    expect((await del('del/one', image.digest)).status).toBe(202);
    const two = await fetch(`${r.url}/v2/del/two/manifests/v1`);
    expect(two.status).toBe(200);
    expect((await bytesOf(two)).equals(image.manifest)).toBe(true);
  });

  it('deleting a child still referenced by an index is 409 with an OCI error body; after the index goes, it can be deleted', async () => {
    const child = makeImage();
    expect((await pushImage(r.url, 'del/child', child, child.digest)).status).toBe(201);
    const index = makeIndex([imageDescriptor(child, { os: 'linux', architecture: 'amd64' })]);
    expect((await putManifest(r.url, 'del/child', 'multi', index, OCI_INDEX)).status).toBe(201);
    const refused = await del('del/child', child.digest);
    await expectOciError(refused, 409);
    expect((await fetch(`${r.url}/v2/del/child/manifests/${child.digest}`)).status).toBe(200);
    expect((await fetch(`${r.url}/v2/del/child/manifests/multi`)).status).toBe(200);
    expect((await del('del/child', sha256(index))).status).toBe(202);
    expect((await del('del/child', child.digest)).status).toBe(202);
    await expectOciError(await fetch(`${r.url}/v2/del/child/manifests/${child.digest}`), 404, 'MANIFEST_UNKNOWN');
  });

  it('deleting an unknown digest is 404 MANIFEST_UNKNOWN', async () => {
    const image = makeImage();
    expect((await pushImage(r.url, 'del/unknown', image, 'v1')).status).toBe(201);
    await expectOciError(await del('del/unknown', sha256('nothing')), 404, 'MANIFEST_UNKNOWN');
  });

  it('deleting an unknown tag is 404 MANIFEST_UNKNOWN', async () => {
    await expectOciError(await del('del/unknown', 'nope'), 404, 'MANIFEST_UNKNOWN');
  });

  it('deleting twice: the second DELETE is 404 MANIFEST_UNKNOWN', async () => {
    const image = makeImage();
    expect((await pushImage(r.url, 'del/twice', image, 'v1')).status).toBe(201);
    expect((await del('del/twice', image.digest)).status).toBe(202);
    await expectOciError(await del('del/twice', image.digest), 404, 'MANIFEST_UNKNOWN');
    await expectOciError(await del('del/twice', 'v1'), 404, 'MANIFEST_UNKNOWN');
  });

  it('deleting in an unknown repository is 404', async () => {
    const res = await del('del/never/existed', sha256('x'));
    const body = await expectOciError(res, 404);
    expect(['MANIFEST_UNKNOWN', 'NAME_UNKNOWN']).toContain(body.errors[0].code);
  });

  it('an invalid digest or tag reference is 400', async () => {
    await expectOciError(await del('del/unknown', 'sha256:abc'), 400, 'DIGEST_INVALID');
    await expectOciError(await del('del/unknown', '-bad'), 400, 'TAG_INVALID');
  });

  it('a deleted manifest no longer counts its repository in the catalog', async () => {
    const image = makeImage();
    expect((await pushImage(r.url, 'del/catalog', image, 'v1')).status).toBe(201);
    const before = (await (await fetch(`${r.url}/v2/_catalog`)).json()) as { repositories: string[] };
    expect(before.repositories).toContain('del/catalog');
    expect((await del('del/catalog', image.digest)).status).toBe(202);
    const after = (await (await fetch(`${r.url}/v2/_catalog`)).json()) as { repositories: string[] };
    expect(after.repositories).not.toContain('del/catalog');
  });
});
