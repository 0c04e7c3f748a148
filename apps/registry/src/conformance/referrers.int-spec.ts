import { makeImage, pushBlob, pushImage, putManifest, RegistryHarness, sha256, startTestRegistry, TestImage } from '../testing';
import {
  Descriptor,
  descriptorOf,
  EMPTY_CONFIG,
  expectOciError,
  imageDescriptor,
  makeArtifactManifest,
  makeIndex,
  OCI_ARTIFACT,
  OCI_EMPTY,
  OCI_INDEX,
  OCI_MANIFEST,
  randomBlob,
  stopRegistry,
} from './conformance-helpers';

interface ReferrersIndex {
  schemaVersion: number;
  mediaType: string;
  manifests: Descriptor[];
}

describe('conformance: referrers (end-12a, end-12b)', () => {
  let r: RegistryHarness;
  const repo = 'refs/app';
  let subject: TestImage;
  let subjectDescriptor: Descriptor;
  const expected: Descriptor[] = [];

  /** An image-manifest artifact on the empty config, pointing at `subjectOf`. */
  function imageArtifact(opts: { artifactType?: string; configMediaType?: string; annotations?: Record<string, string>; subject: Descriptor; layer?: Buffer }): Buffer {
    const layer = opts.layer ?? Buffer.from('referrer payload');
    return Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        ...(opts.artifactType ? { artifactType: opts.artifactType } : {}),
        config: { mediaType: opts.configMediaType ?? OCI_EMPTY, digest: sha256(EMPTY_CONFIG), size: EMPTY_CONFIG.length },
        layers: [descriptorOf(layer, 'application/vnd.example.payload')],
        subject: opts.subject,
        ...(opts.annotations ? { annotations: opts.annotations } : {}),
      }),
    );
  }

  async function push(repoName: string, body: Buffer, mediaType: string, reference = sha256(body)): Promise<void> {
    const res = await putManifest(r.url, repoName, reference, body, mediaType);
    expect(res.status).toBe(201);
  }

  beforeAll(async () => {
    r = await startTestRegistry();
    subject = makeImage();
    expect((await pushImage(r.url, repo, subject, 'v1')).status).toBe(201);
    subjectDescriptor = { mediaType: OCI_MANIFEST, digest: subject.digest, size: subject.manifest.length };
    await pushBlob(r.url, repo, EMPTY_CONFIG);
    await pushBlob(r.url, repo, Buffer.from('referrer payload'));

    // 1. artifactType set explicitly, with annotations.
    const sig = imageArtifact({ artifactType: 'application/vnd.example.signature', annotations: { 'org.example.signer': 'alice' }, subject: subjectDescriptor });
    await push(repo, sig, OCI_MANIFEST);
    expected.push({ mediaType: OCI_MANIFEST, digest: sha256(sig), size: sig.length, artifactType: 'application/vnd.example.signature', annotations: { 'org.example.signer': 'alice' } });

    // 2. No artifactType: the config's mediaType stands in for it.
    const sbom = imageArtifact({ configMediaType: 'application/vnd.example.sbom.config', annotations: { 'org.example.kind': 'sbom' }, subject: subjectDescriptor });
    await pushBlob(r.url, repo, EMPTY_CONFIG);
    await push(repo, sbom, OCI_MANIFEST);
    expected.push({ mediaType: OCI_MANIFEST, digest: sha256(sbom), size: sbom.length, artifactType: 'application/vnd.example.sbom.config', annotations: { 'org.example.kind': 'sbom' } });

    // 3. An OCI artifact manifest, pushed by tag.
    const note = randomBlob(16);
    await pushBlob(r.url, repo, note);
    const art = makeArtifactManifest({ artifactType: 'application/vnd.example.note', blobs: [descriptorOf(note, 'text/plain')], subject: subjectDescriptor, annotations: { 'org.example.note': 'hi' } });
    await push(repo, art, OCI_ARTIFACT, 'note');
    expected.push({ mediaType: OCI_ARTIFACT, digest: sha256(art), size: art.length, artifactType: 'application/vnd.example.note', annotations: { 'org.example.note': 'hi' } });

    // 4. An index with a subject.
    const child = makeImage();
    expect((await pushImage(r.url, repo, child, child.digest)).status).toBe(201);
    const idx = makeIndex([imageDescriptor(child)], { subject: subjectDescriptor, artifactType: 'application/vnd.example.bundle', annotations: { 'org.example.kind': 'bundle' } });
    await push(repo, idx, OCI_INDEX);
    expected.push({ mediaType: OCI_INDEX, digest: sha256(idx), size: idx.length, artifactType: 'application/vnd.example.bundle', annotations: { 'org.example.kind': 'bundle' } });

    // Noise: an unrelated image, and a referrer of a different subject.
    expect((await pushImage(r.url, repo, makeImage(), 'unrelated')).status).toBe(201);
    const other = imageArtifact({ artifactType: 'application/vnd.example.signature', subject: { mediaType: OCI_MANIFEST, digest: sha256('other subject'), size: 5 } });
    await push(repo, other, OCI_MANIFEST);
  });
  afterAll(async () => {
    await stopRegistry(r);
  });

  const referrers = (name: string, digest: string, query = '') => fetch(`${r.url}/v2/${name}/referrers/${digest}${query}`);

  function byDigest(list: Descriptor[]): Descriptor[] {
    return [...list].sort((a, b) => a.digest.localeCompare(b.digest));
  }

  it('answers 200 with an OCI image index (exact Content-Type) listing every manifest whose subject is the digest', async () => {
    const res = await referrers(repo, subject.digest);
    expect(res.status).toBe(200);
    const body = (await res.json()) as ReferrersIndex;
    expect(body.schemaVersion).toBe(2);
    expect(body.mediaType).toBe(OCI_INDEX);
    expect(byDigest(body.manifests)).toEqual(byDigest(expected));
    expect(res.headers.get('content-type')).toBe(OCI_INDEX);
  });

  it('each descriptor carries artifactType and annotations, and its digest and size match the manifest', async () => {
    const body = (await (await referrers(repo, subject.digest)).json()) as ReferrersIndex;
    for (const d of body.manifests) {
      const m = await fetch(`${r.url}/v2/${repo}/manifests/${d.digest}`);
      expect(m.status).toBe(200);
      expect(m.headers.get('content-type')).toBe(d.mediaType);
      expect(Buffer.from(await m.arrayBuffer()).length).toBe(d.size);
      expect(typeof d.artifactType).toBe('string');
      expect(d.annotations).toBeDefined();
    }
  });

  it('filters by artifactType and says so with OCI-Filters-Applied', async () => {
    const res = await referrers(repo, subject.digest, `?artifactType=${encodeURIComponent('application/vnd.example.signature')}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('oci-filters-applied')).toBe('artifactType');
    const body = (await res.json()) as ReferrersIndex;
    expect(body.manifests).toEqual([expected[0]]);
  });

  it('filters by the artifactType derived from the config mediaType', async () => {
    const res = await referrers(repo, subject.digest, `?artifactType=${encodeURIComponent('application/vnd.example.sbom.config')}`);
    expect(res.headers.get('oci-filters-applied')).toBe('artifactType');
    expect(((await res.json()) as ReferrersIndex).manifests).toEqual([expected[1]]);
  });

  it('a filter that matches nothing gives an empty index (200) with OCI-Filters-Applied', async () => {
    const res = await referrers(repo, subject.digest, '?artifactType=application/vnd.example.none');
    expect(res.status).toBe(200);
    expect(res.headers.get('oci-filters-applied')).toBe('artifactType');
    expect(await res.json()).toEqual({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [] });
  });

  it('no OCI-Filters-Applied header without a filter', async () => {
    const res = await referrers(repo, subject.digest);
    expect(res.headers.get('oci-filters-applied')).toBeNull();
    await res.arrayBuffer();
  });

  it('a subject with no referrers gives an empty index (200)', async () => {
    const res = await referrers(repo, (await (await fetch(`${r.url}/v2/${repo}/manifests/unrelated`, { method: 'HEAD' })).headers.get('docker-content-digest')) as string);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(OCI_INDEX);
    expect(await res.json()).toEqual({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [] });
  });

  it('an unknown subject gives an empty index (200)', async () => {
    const res = await referrers(repo, sha256('never pushed anything like this'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(OCI_INDEX);
    expect(await res.json()).toEqual({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [] });
  });

  it('referrers pushed before their subject are listed (the subject need not exist)', async () => {
    const res = await referrers(repo, sha256('other subject'));
    const body = (await res.json()) as ReferrersIndex;
    expect(body.manifests).toHaveLength(1);
    expect(body.manifests[0].artifactType).toBe('application/vnd.example.signature');
  });

  it('referrers of another repository are not listed', async () => {
    const res = await referrers('refs/other', subject.digest);
    expect([200, 404]).toContain(res.status);
    if (res.status === 200) expect(((await res.json()) as ReferrersIndex).manifests).toEqual([]);
    else await expectOciError(res, 404, 'NAME_UNKNOWN');
  });

  it('a deleted referrer disappears from the list', async () => {
    const s = makeImage();
    expect((await pushImage(r.url, 'refs/del', s, 'v1')).status).toBe(201);
    await pushBlob(r.url, 'refs/del', EMPTY_CONFIG);
    await pushBlob(r.url, 'refs/del', Buffer.from('referrer payload'));
    const ref = imageArtifact({ artifactType: 'application/vnd.example.signature', subject: { mediaType: OCI_MANIFEST, digest: s.digest, size: s.manifest.length } });
    await push('refs/del', ref, OCI_MANIFEST);
    expect(((await (await referrers('refs/del', s.digest)).json()) as ReferrersIndex).manifests).toHaveLength(1);
    expect((await fetch(`${r.url}/v2/refs/del/manifests/${sha256(ref)}`, { method: 'DELETE' })).status).toBe(202);
    expect(((await (await referrers('refs/del', s.digest)).json()) as ReferrersIndex).manifests).toEqual([]);
  });

  it('an index can be a subject too', async () => {
    const child = makeImage();
    expect((await pushImage(r.url, 'refs/idx', child, child.digest)).status).toBe(201);
    const idx = makeIndex([imageDescriptor(child, { os: 'linux', architecture: 'amd64' })]);
    await push('refs/idx', idx, OCI_INDEX, 'multi');
    await pushBlob(r.url, 'refs/idx', EMPTY_CONFIG);
    await pushBlob(r.url, 'refs/idx', Buffer.from('referrer payload'));
    const ref = imageArtifact({ artifactType: 'application/vnd.example.attestation', subject: { mediaType: OCI_INDEX, digest: sha256(idx), size: idx.length } });
    await push('refs/idx', ref, OCI_MANIFEST);
    const body = (await (await referrers('refs/idx', sha256(idx))).json()) as ReferrersIndex;
    expect(body.manifests).toEqual([{ mediaType: OCI_MANIFEST, digest: sha256(ref), size: ref.length, artifactType: 'application/vnd.example.attestation' }]);
  });

  it.each(['sha256:abc', 'notadigest', 'md5:' + 'a'.repeat(32), 'sha256:' + 'G'.repeat(64)])('an invalid digest (%s) is 400 DIGEST_INVALID', async (bad) => {
    await expectOciError(await referrers(repo, bad), 400, 'DIGEST_INVALID');
  });

  it('a tag instead of a digest is 400', async () => {
    await expectOciError(await referrers(repo, 'v1'), 400, 'DIGEST_INVALID');
  });
});
