import { SendThenRead, type SentAnswer } from '@wharf/http/testing';
import { makeImage, pushBlob, pushImage, putManifest, RegistryHarness, sha256, startTestRegistry, TestImage } from '../testing';
import {
  abs,
  bytesOf,
  descriptorOf,
  DOCKER_LIST,
  DOCKER_MANIFEST,
  EMPTY_CONFIG,
  expectOciError,
  expectRawOciError,
  imageDescriptor,
  makeArtifactManifest,
  makeIndex,
  OCI_ARTIFACT,
  OCI_EMPTY,
  OCI_INDEX,
  OCI_MANIFEST,
  randomBlob,
  rawRequest,
  sha512,
  startSibling,
  stopRegistry,
} from './conformance-helpers';

interface Pushable {
  body: Buffer;
  mediaType: string;
  /** Pushes whatever the manifest references, into `repo`. */
  prepare(repo: string): Promise<void>;
}

describe('conformance: pushing and pulling manifests (end-3, end-7)', () => {
  let r: RegistryHarness;
  beforeAll(async () => {
    r = await startTestRegistry();
  });
  afterAll(async () => {
    await stopRegistry(r);
  });

  async function pushChildren(repo: string, images: TestImage[]): Promise<void> {
    for (const image of images) {
      const res = await pushImage(r.url, repo, image, image.digest);
      expect(res.status).toBe(201);
    }
  }

  function ociImage(): Pushable {
    const image = makeImage();
    return { body: image.manifest, mediaType: OCI_MANIFEST, prepare: async (repo) => {
      await pushBlob(r.url, repo, image.config);
      for (const l of image.layers) await pushBlob(r.url, repo, l);
    } };
  }

  function dockerImage(): Pushable {
    const image = makeImage({ mediaType: DOCKER_MANIFEST });
    return { body: image.manifest, mediaType: DOCKER_MANIFEST, prepare: async (repo) => {
      await pushBlob(r.url, repo, image.config);
      for (const l of image.layers) await pushBlob(r.url, repo, l);
    } };
  }

  function ociIndex(): Pushable {
    const amd = makeImage();
    const arm = makeImage();
    const body = makeIndex([imageDescriptor(amd, { os: 'linux', architecture: 'amd64' }), imageDescriptor(arm, { os: 'linux', architecture: 'arm64' })], {
      annotations: { 'org.example.kind': 'index' },
    });
    return { body, mediaType: OCI_INDEX, prepare: (repo) => pushChildren(repo, [amd, arm]) };
  }

  function dockerList(): Pushable {
    const amd = makeImage({ mediaType: DOCKER_MANIFEST });
    const arm = makeImage({ mediaType: DOCKER_MANIFEST });
    const body = makeIndex([imageDescriptor(amd, { os: 'linux', architecture: 'amd64' }), imageDescriptor(arm, { os: 'linux', architecture: 'arm64' })], {
      mediaType: DOCKER_LIST,
    });
    return { body, mediaType: DOCKER_LIST, prepare: (repo) => pushChildren(repo, [amd, arm]) };
  }

  function artifact(): Pushable {
    const blob = randomBlob(128);
    const body = makeArtifactManifest({
      artifactType: 'application/vnd.example.sbom.v1',
      blobs: [descriptorOf(blob, 'application/vnd.example.sbom.layer.v1+json')],
      annotations: { 'org.example.kind': 'artifact' },
    });
    return { body, mediaType: OCI_ARTIFACT, prepare: async (repo) => {
      await pushBlob(r.url, repo, blob);
    } };
  }

  const kinds: [string, () => Pushable][] = [
    ['OCI image manifest', ociImage],
    ['OCI image index', ociIndex],
    ['Docker manifest v2 schema 2', dockerImage],
    ['Docker manifest list', dockerList],
    ['OCI artifact manifest', artifact],
  ];

  async function expectManifest(repo: string, reference: string, m: { body: Buffer; mediaType: string }): Promise<void> {
    const digest = sha256(m.body);
    const get = await fetch(`${r.url}/v2/${repo}/manifests/${reference}`, { headers: { Accept: m.mediaType } });
    expect(get.status).toBe(200);
    expect(get.headers.get('content-type')).toBe(m.mediaType);
    expect(get.headers.get('content-length')).toBe(String(m.body.length));
    expect(get.headers.get('docker-content-digest')).toBe(digest);
    expect((await bytesOf(get)).equals(m.body)).toBe(true);
    const head = await fetch(`${r.url}/v2/${repo}/manifests/${reference}`, { method: 'HEAD', headers: { Accept: m.mediaType } });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe(m.mediaType);
    expect(head.headers.get('content-length')).toBe(String(m.body.length));
    expect(head.headers.get('docker-content-digest')).toBe(digest);
    expect((await bytesOf(head)).length).toBe(0);
  }

  describe.each(kinds)('%s', (_name, make) => {
    it('PUT by tag answers 201 with Location and Docker-Content-Digest; GET/HEAD by tag and digest return exactly the pushed bytes', async () => {
      const repo = `pp/${_name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}/tag`;
      const m = make();
      await m.prepare(repo);
      const digest = sha256(m.body);
      const put = await putManifest(r.url, repo, 'v1', m.body, m.mediaType);
      expect(put.status).toBe(201);
      expect(put.headers.get('docker-content-digest')).toBe(digest);
      const location = abs(r.url, put.headers.get('location'));
      expect(new URL(location).pathname).toBe(`/v2/${repo}/manifests/${digest}`);
      await expectManifest(repo, 'v1', m);
      await expectManifest(repo, digest, m);
      const viaLocation = await fetch(location, { headers: { Accept: m.mediaType } });
      expect((await bytesOf(viaLocation)).equals(m.body)).toBe(true);
    });

    it('PUT by digest answers 201; the manifest is pullable by digest and has no tag', async () => {
      const repo = `pp/${_name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}/digest`;
      const m = make();
      await m.prepare(repo);
      const digest = sha256(m.body);
      const put = await putManifest(r.url, repo, digest, m.body, m.mediaType);
      expect(put.status).toBe(201);
      expect(put.headers.get('docker-content-digest')).toBe(digest);
      expect(new URL(abs(r.url, put.headers.get('location'))).pathname).toBe(`/v2/${repo}/manifests/${digest}`);
      await expectManifest(repo, digest, m);
      const tags = await fetch(`${r.url}/v2/${repo}/tags/list`);
      expect(tags.status).toBe(200);
      expect(((await tags.json()) as { tags: string[] }).tags).toEqual([]);
    });
  });

  it('odd whitespace, key order and escapes survive byte for byte', async () => {
    const image = makeImage();
    await pushBlob(r.url, 'pp/odd', image.config);
    await pushBlob(r.url, 'pp/odd', image.layers[0]);
    const parsed = JSON.parse(image.manifest.toString('utf8')) as { config: { digest: string; size: number }; layers: { digest: string; size: number }[] };
    const text =
      '\r\n\t{ "layers" :[ {"size":' + parsed.layers[0].size + ' ,\n "digest" : "' + parsed.layers[0].digest + '",' +
      '"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip"}\t],\n' +
      '   "annotations": {"org.example.note": "caf\\u00e9 \u2603 \\"quoted\\" \\/slash"},' +
      '"config":{"digest":"' + parsed.config.digest + '","mediaType":"application/vnd.oci.image.config.v1+json","size":' + parsed.config.size + '},' +
      '"mediaType" : "application/vnd.oci.image.manifest.v1+json",   "schemaVersion":2 }\n\n  ';
    const body = Buffer.from(text, 'utf8');
    const put = await putManifest(r.url, 'pp/odd', 'odd', body, OCI_MANIFEST);
    expect(put.status).toBe(201);
    expect(put.headers.get('docker-content-digest')).toBe(sha256(body));
    await expectManifest('pp/odd', 'odd', { body, mediaType: OCI_MANIFEST });
    await expectManifest('pp/odd', sha256(body), { body, mediaType: OCI_MANIFEST });
  });

  it('an OCI manifest without a mediaType field is accepted under its Content-Type', async () => {
    const image = makeImage();
    await pushBlob(r.url, 'pp/nomediatype', image.config);
    await pushBlob(r.url, 'pp/nomediatype', image.layers[0]);
    const doc = JSON.parse(image.manifest.toString('utf8')) as Record<string, unknown>;
    delete doc['mediaType'];
    const body = Buffer.from(JSON.stringify(doc));
    expect((await putManifest(r.url, 'pp/nomediatype', 'v1', body, OCI_MANIFEST)).status).toBe(201);
    await expectManifest('pp/nomediatype', 'v1', { body, mediaType: OCI_MANIFEST });
  });

  it('an image manifest with an empty config and no layers (an artifact) is accepted', async () => {
    await pushBlob(r.url, 'pp/empty-artifact', EMPTY_CONFIG);
    const body = Buffer.from(JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      artifactType: 'application/vnd.example.thing',
      config: { mediaType: OCI_EMPTY, digest: sha256(EMPTY_CONFIG), size: 2 },
      layers: [],
    }));
    expect((await putManifest(r.url, 'pp/empty-artifact', 'v1', body, OCI_MANIFEST)).status).toBe(201);
    await expectManifest('pp/empty-artifact', 'v1', { body, mediaType: OCI_MANIFEST });
  });

  it('PUT by a sha512 digest reference answers 201 with the sha512 digest and is pullable by it', async () => {
    const image = makeImage();
    await pushBlob(r.url, 'pp/sha512', image.config);
    await pushBlob(r.url, 'pp/sha512', image.layers[0]);
    const digest = sha512(image.manifest);
    const put = await putManifest(r.url, 'pp/sha512', digest, image.manifest, OCI_MANIFEST);
    expect(put.status).toBe(201);
    expect(put.headers.get('docker-content-digest')).toBe(digest);
    const get = await fetch(`${r.url}/v2/pp/sha512/manifests/${digest}`);
    expect(get.status).toBe(200);
    expect(get.headers.get('docker-content-digest')).toBe(digest);
    expect((await bytesOf(get)).equals(image.manifest)).toBe(true);
  });

  it('pushing the same manifest twice under the same tag is 201 both times', async () => {
    const image = makeImage();
    expect((await pushImage(r.url, 'pp/twice', image, 'v1')).status).toBe(201);
    expect((await pushImage(r.url, 'pp/twice', image, 'v1')).status).toBe(201);
    await expectManifest('pp/twice', 'v1', { body: image.manifest, mediaType: OCI_MANIFEST });
  });

  it('concurrent pushes of one manifest (by tag and by digest) all succeed', async () => {
    const image = makeImage();
    await pushBlob(r.url, 'pp/race/x', image.config);
    await pushBlob(r.url, 'pp/race/x', image.layers[0]);
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => putManifest(r.url, 'pp/race/x', i % 2 ? 'latest' : image.digest, image.manifest, OCI_MANIFEST)),
    );
    expect(results.map((x) => x.status)).toEqual(Array(10).fill(201));
    await expectManifest('pp/race/x', 'latest', { body: image.manifest, mediaType: OCI_MANIFEST });
  });

  it('re-tagging moves the tag; the old manifest stays reachable by digest', async () => {
    const a = makeImage();
    const b = makeImage();
    expect((await pushImage(r.url, 'pp/retag', a, 'latest')).status).toBe(201);
    expect((await pushImage(r.url, 'pp/retag', b, 'latest')).status).toBe(201);
    await expectManifest('pp/retag', 'latest', { body: b.manifest, mediaType: OCI_MANIFEST });
    await expectManifest('pp/retag', a.digest, { body: a.manifest, mediaType: OCI_MANIFEST });
    const tags = (await (await fetch(`${r.url}/v2/pp/retag/tags/list`)).json()) as { tags: string[] };
    expect(tags.tags).toEqual(['latest']);
  });

  it('a tag can move to a manifest of another type', async () => {
    const image = makeImage();
    expect((await pushImage(r.url, 'pp/retag-type', image, 'v1')).status).toBe(201);
    const list = ociIndex();
    await list.prepare('pp/retag-type');
    expect((await putManifest(r.url, 'pp/retag-type', 'v1', list.body, OCI_INDEX)).status).toBe(201);
    await expectManifest('pp/retag-type', 'v1', list);
  });

  it('returns OCI-Subject on PUT of a manifest with a subject (the subject need not exist)', async () => {
    const subject = makeImage();
    expect((await pushImage(r.url, 'pp/subject', subject, 'base')).status).toBe(201);
    const sig = makeImage({ subject: { mediaType: OCI_MANIFEST, digest: subject.digest, size: subject.manifest.length }, artifactType: 'application/vnd.example.sig' });
    const put = await pushImage(r.url, 'pp/subject', sig, sig.digest);
    expect(put.status).toBe(201);
    expect(put.headers.get('oci-subject')).toBe(subject.digest);

    const dangling = sha256('no such manifest');
    const orphan = makeImage({ subject: { mediaType: OCI_MANIFEST, digest: dangling, size: 10 } });
    const put2 = await pushImage(r.url, 'pp/subject', orphan, orphan.digest);
    expect(put2.status).toBe(201);
    expect(put2.headers.get('oci-subject')).toBe(dangling);

    const blob = randomBlob(10);
    await pushBlob(r.url, 'pp/subject', blob);
    const art = makeArtifactManifest({ artifactType: 'application/vnd.example.note', blobs: [descriptorOf(blob, 'text/plain')], subject: { mediaType: OCI_MANIFEST, digest: subject.digest, size: subject.manifest.length } });
    const put3 = await putManifest(r.url, 'pp/subject', sha256(art), art, OCI_ARTIFACT);
    expect(put3.status).toBe(201);
    expect(put3.headers.get('oci-subject')).toBe(subject.digest);
  });

  it('no OCI-Subject header for a manifest without subject', async () => {
    const image = makeImage();
    const put = await pushImage(r.url, 'pp/nosubject', image, 'v1');
    expect(put.status).toBe(201);
    expect(put.headers.get('oci-subject')).toBeNull();
  });

  describe('read-your-writes across registry processes (one database, one data directory)', () => {
    // Behind a load balancer a client's PUT/DELETE may land on one process and its next GET on
    // another. Once the write has been answered, every process must serve the new state.
    let b: { url: string; close(): Promise<void> };
    beforeAll(async () => {
      b = await startSibling(r.config);
    });
    afterAll(async () => {
      await b.close();
    });

    it('a tag moved through A is served moved by B right after the 201 (repeated: no stale answer)', async () => {
      const images = [makeImage(), makeImage()];
      for (const i of images) expect((await pushImage(r.url, 'pp/ryw/tag', i, i.digest)).status).toBe(201);
      const stale: number[] = [];
      for (let k = 0; k < 250; k++) {
        const want = images[k % 2];
        // B has the previous answer cached, if it caches.
        await fetch(`${b.url}/v2/pp/ryw/tag/manifests/latest`, { method: 'HEAD' });
        expect((await putManifest(r.url, 'pp/ryw/tag', 'latest', want.manifest, OCI_MANIFEST)).status).toBe(201);
        const seen = await fetch(`${b.url}/v2/pp/ryw/tag/manifests/latest`, { method: 'HEAD' });
        if (seen.headers.get('docker-content-digest') !== want.digest) stale.push(k);
      }
      expect(stale).toEqual([]);
    }, 60_000);

    it('a manifest deleted through A is 404 on B right after the 202 (repeated)', async () => {
      const stale: number[] = [];
      for (let k = 0; k < 60; k++) {
        const image = makeImage();
        expect((await pushImage(r.url, 'pp/ryw/del', image, `t${k}`)).status).toBe(201);
        expect((await fetch(`${b.url}/v2/pp/ryw/del/manifests/t${k}`, { method: 'HEAD' })).status).toBe(200);
        expect((await fetch(`${r.url}/v2/pp/ryw/del/manifests/${image.digest}`, { method: 'DELETE' })).status).toBe(202);
        const byTag = await fetch(`${b.url}/v2/pp/ryw/del/manifests/t${k}`, { method: 'HEAD' });
        if (byTag.status !== 404) stale.push(k);
      }
      expect(stale).toEqual([]);
    }, 60_000);

    it('a blob deleted through A is 404 on B right after the 202 (repeated)', async () => {
      const stale: number[] = [];
      for (let k = 0; k < 60; k++) {
        const digest = await pushBlob(r.url, 'pp/ryw/blob', randomBlob(32));
        expect((await fetch(`${b.url}/v2/pp/ryw/blob/blobs/${digest}`, { method: 'HEAD' })).status).toBe(200);
        expect((await fetch(`${r.url}/v2/pp/ryw/blob/blobs/${digest}`, { method: 'DELETE' })).status).toBe(202);
        const seen = await fetch(`${b.url}/v2/pp/ryw/blob/blobs/${digest}`, { method: 'HEAD' });
        if (seen.status !== 404) stale.push(k);
      }
      expect(stale).toEqual([]);
    }, 60_000);

    it('a manifest pushed through A is served by B with the same bytes', async () => {
      const image = makeImage();
      expect((await pushImage(r.url, 'pp/ryw/push', image, 'v1')).status).toBe(201);
      const get = await fetch(`${b.url}/v2/pp/ryw/push/manifests/v1`);
      expect(get.status).toBe(200);
      expect((await bytesOf(get)).equals(image.manifest)).toBe(true);
    });
  });

  describe('pull errors', () => {
    it('an unknown tag is 404 MANIFEST_UNKNOWN (GET) and 404 (HEAD)', async () => {
      const image = makeImage();
      expect((await pushImage(r.url, 'pp/pull-err', image, 'v1')).status).toBe(201);
      await expectOciError(await fetch(`${r.url}/v2/pp/pull-err/manifests/v2`), 404, 'MANIFEST_UNKNOWN');
      const head = await fetch(`${r.url}/v2/pp/pull-err/manifests/v2`, { method: 'HEAD' });
      expect(head.status).toBe(404);
      expect((await bytesOf(head)).length).toBe(0);
    });

    it('an unknown digest is 404 MANIFEST_UNKNOWN', async () => {
      await expectOciError(await fetch(`${r.url}/v2/pp/pull-err/manifests/${sha256('nothing')}`), 404, 'MANIFEST_UNKNOWN');
    });

    it('a manifest of another repository is 404 MANIFEST_UNKNOWN by digest', async () => {
      const image = makeImage();
      expect((await pushImage(r.url, 'pp/mine', image, 'v1')).status).toBe(201);
      await pushBlob(r.url, 'pp/theirs', randomBlob(4));
      await expectOciError(await fetch(`${r.url}/v2/pp/theirs/manifests/${image.digest}`), 404, 'MANIFEST_UNKNOWN');
      await expectOciError(await fetch(`${r.url}/v2/pp/theirs/manifests/v1`), 404, 'MANIFEST_UNKNOWN');
    });

    it('an unknown repository is 404 (MANIFEST_UNKNOWN or NAME_UNKNOWN)', async () => {
      const res = await fetch(`${r.url}/v2/pp/never/manifests/latest`);
      const body = await expectOciError(res, 404);
      expect(['MANIFEST_UNKNOWN', 'NAME_UNKNOWN']).toContain(body.errors[0].code);
    });

    // The OCI conformance suite pulls `.INVALID_MANIFEST_NAME` and expects 404, as distribution and Harbor answer.
    it.each(['.INVALID_MANIFEST_NAME', '-bad', 'sha256:1234', `md5:${'a'.repeat(32)}`])('a malformed reference %s is 404 MANIFEST_UNKNOWN on GET and HEAD', async (reference) => {
      await expectOciError(await fetch(`${r.url}/v2/pp/pull-err/manifests/${reference}`), 404, 'MANIFEST_UNKNOWN');
      expect((await fetch(`${r.url}/v2/pp/pull-err/manifests/${reference}`, { method: 'HEAD' })).status).toBe(404);
    });
  });

  describe('push errors', () => {
    async function expectNothingStored(repo: string, tag: string, digest: string): Promise<void> {
      await expectOciError(await fetch(`${r.url}/v2/${repo}/manifests/${tag}`), 404, 'MANIFEST_UNKNOWN');
      await expectOciError(await fetch(`${r.url}/v2/${repo}/manifests/${digest}`), 404, 'MANIFEST_UNKNOWN');
      const tags = await fetch(`${r.url}/v2/${repo}/tags/list`);
      if (tags.status === 200) expect(((await tags.json()) as { tags: string[] }).tags).not.toContain(tag);
      else await expectOciError(tags, 404, 'NAME_UNKNOWN');
    }

    it('a missing layer is 404 MANIFEST_BLOB_UNKNOWN, and nothing is stored', async () => {
      const image = makeImage();
      await pushBlob(r.url, 'pp/missing-layer', image.config);
      const put = await putManifest(r.url, 'pp/missing-layer', 'v1', image.manifest, OCI_MANIFEST);
      await expectOciError(put, 404, 'MANIFEST_BLOB_UNKNOWN');
      await expectNothingStored('pp/missing-layer', 'v1', image.digest);
    });

    it('a missing config is 404 MANIFEST_BLOB_UNKNOWN, and nothing is stored', async () => {
      const image = makeImage();
      await pushBlob(r.url, 'pp/missing-config', image.layers[0]);
      const put = await putManifest(r.url, 'pp/missing-config', image.digest, image.manifest, OCI_MANIFEST);
      await expectOciError(put, 404, 'MANIFEST_BLOB_UNKNOWN');
      await expectNothingStored('pp/missing-config', 'v1', image.digest);
    });

    it('a layer that exists only in another repository is 404 MANIFEST_BLOB_UNKNOWN', async () => {
      const image = makeImage();
      await pushBlob(r.url, 'pp/elsewhere', image.config);
      await pushBlob(r.url, 'pp/elsewhere', image.layers[0]);
      await pushBlob(r.url, 'pp/here', image.config);
      const put = await putManifest(r.url, 'pp/here', 'v1', image.manifest, OCI_MANIFEST);
      await expectOciError(put, 404, 'MANIFEST_BLOB_UNKNOWN');
      await expectNothingStored('pp/here', 'v1', image.digest);
    });

    it('a failed push does not move an existing tag', async () => {
      const good = makeImage();
      expect((await pushImage(r.url, 'pp/keep-tag', good, 'v1')).status).toBe(201);
      const bad = makeImage();
      await expectOciError(await putManifest(r.url, 'pp/keep-tag', 'v1', bad.manifest, OCI_MANIFEST), 404, 'MANIFEST_BLOB_UNKNOWN');
      await expectManifest('pp/keep-tag', 'v1', { body: good.manifest, mediaType: OCI_MANIFEST });
    });

    it('an index referencing a missing child is 404 MANIFEST_BLOB_UNKNOWN, and nothing is stored', async () => {
      const present = makeImage();
      const absent = makeImage();
      expect((await pushImage(r.url, 'pp/missing-child', present, present.digest)).status).toBe(201);
      const index = makeIndex([imageDescriptor(present, { os: 'linux', architecture: 'amd64' }), imageDescriptor(absent, { os: 'linux', architecture: 'arm64' })]);
      const put = await putManifest(r.url, 'pp/missing-child', 'multi', index, OCI_INDEX);
      await expectOciError(put, 404, 'MANIFEST_BLOB_UNKNOWN');
      await expectNothingStored('pp/missing-child', 'multi', sha256(index));
    });

    it('a Docker manifest list referencing a missing child is 404 MANIFEST_BLOB_UNKNOWN', async () => {
      const absent = makeImage({ mediaType: DOCKER_MANIFEST });
      const list = makeIndex([imageDescriptor(absent, { os: 'linux', architecture: 'amd64' })], { mediaType: DOCKER_LIST });
      await expectOciError(await putManifest(r.url, 'pp/missing-child2', 'multi', list, DOCKER_LIST), 404, 'MANIFEST_BLOB_UNKNOWN');
    });

    it('an artifact manifest referencing a missing blob is 404 MANIFEST_BLOB_UNKNOWN', async () => {
      const art = makeArtifactManifest({ artifactType: 'application/vnd.example', blobs: [descriptorOf(randomBlob(5), 'text/plain')] });
      await expectOciError(await putManifest(r.url, 'pp/missing-blob', 'v1', art, OCI_ARTIFACT), 404, 'MANIFEST_BLOB_UNKNOWN');
    });

    it('a digest reference that does not match the body is 400 DIGEST_INVALID, and nothing is stored', async () => {
      const image = makeImage();
      await pushBlob(r.url, 'pp/wrong-digest', image.config);
      await pushBlob(r.url, 'pp/wrong-digest', image.layers[0]);
      const other = sha256('another body');
      await expectOciError(await putManifest(r.url, 'pp/wrong-digest', other, image.manifest, OCI_MANIFEST), 400, 'DIGEST_INVALID');
      await expectOciError(await fetch(`${r.url}/v2/pp/wrong-digest/manifests/${other}`), 404, 'MANIFEST_UNKNOWN');
      await expectOciError(await fetch(`${r.url}/v2/pp/wrong-digest/manifests/${image.digest}`), 404, 'MANIFEST_UNKNOWN');
    });

    it('a descriptor whose size disagrees with the blob is 400 MANIFEST_INVALID', async () => {
      const layer = randomBlob(100);
      const config = Buffer.from('{"architecture":"amd64","os":"linux"}');
      await pushBlob(r.url, 'pp/wrong-size', layer);
      await pushBlob(r.url, 'pp/wrong-size', config);
      const body = Buffer.from(JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha256(layer), size: 99 }],
      }));
      await expectOciError(await putManifest(r.url, 'pp/wrong-size', 'v1', body, OCI_MANIFEST), 400, 'MANIFEST_INVALID');
    });

    const valid = () => JSON.parse(makeImage().manifest.toString('utf8')) as Record<string, unknown>;
    it.each<[string, () => Buffer | string, string]>([
      ['malformed JSON', () => '{"schemaVersion": 2, "mediaType": ', OCI_MANIFEST],
      ['an empty body', () => '', OCI_MANIFEST],
      ['a JSON array', () => '[]', OCI_MANIFEST],
      ['a JSON string', () => '"manifest"', OCI_MANIFEST],
      ['schemaVersion 3', () => JSON.stringify({ ...valid(), schemaVersion: 3 }), OCI_MANIFEST],
      ['schemaVersion "2" as a string', () => JSON.stringify({ ...valid(), schemaVersion: '2' }), OCI_MANIFEST],
      ['no schemaVersion', () => JSON.stringify({ ...valid(), schemaVersion: undefined }), OCI_MANIFEST],
      ['no config', () => JSON.stringify({ ...valid(), config: undefined }), OCI_MANIFEST],
      ['layers not an array', () => JSON.stringify({ ...valid(), layers: {} }), OCI_MANIFEST],
      ['a layer with a bad digest', () => JSON.stringify({ ...valid(), layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: 'sha256:123', size: 1 }] }), OCI_MANIFEST],
      ['a layer with a negative size', () => JSON.stringify({ ...valid(), layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha256('x'), size: -1 }] }), OCI_MANIFEST],
      ['an unknown media type in Content-Type', () => JSON.stringify({ ...valid(), mediaType: undefined }), 'application/vnd.example.unknown+json'],
      ['an unknown media type in the body', () => JSON.stringify({ ...valid(), mediaType: 'application/vnd.example.unknown+json' }), 'application/json'],
      ['a schema 1 manifest (signed)', () => JSON.stringify({ schemaVersion: 1, name: 'pp/bad', tag: 'v1', architecture: 'amd64', fsLayers: [], history: [], signatures: [] }), 'application/vnd.docker.distribution.manifest.v1+prettyjws'],
      ['a schema 1 manifest (unsigned)', () => JSON.stringify({ schemaVersion: 1, name: 'pp/bad', tag: 'v1', architecture: 'amd64', fsLayers: [], history: [] }), 'application/vnd.docker.distribution.manifest.v1+json'],
      ['Content-Type disagreeing with the body mediaType', () => JSON.stringify(valid()), OCI_INDEX],
      ['Content-Type Docker v2 with an OCI body', () => JSON.stringify(valid()), DOCKER_MANIFEST],
      ['an image manifest that also has manifests', () => JSON.stringify({ ...valid(), manifests: [] }), OCI_MANIFEST],
      ['an index that also has layers', () => JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [], layers: [] }), OCI_INDEX],
      ['an index child without a digest', () => JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: [{ mediaType: OCI_MANIFEST, size: 10 }] }), OCI_INDEX],
      ['an artifact manifest without artifactType', () => JSON.stringify({ mediaType: OCI_ARTIFACT, blobs: [] }), OCI_ARTIFACT],
      ['invalid UTF-8', () => Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]), OCI_MANIFEST],
      ['a byte-order mark', () => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(valid()))]), OCI_MANIFEST],
    ])('%s is 400 MANIFEST_INVALID', async (_what, body, contentType) => {
      const res = await putManifest(r.url, 'pp/bad', 'v1', body(), contentType);
      await expectOciError(res, 400, 'MANIFEST_INVALID');
      await expectOciError(await fetch(`${r.url}/v2/pp/bad/manifests/v1`), 404, 'MANIFEST_UNKNOWN');
    });

    it('a manifest over 4 MiB (declared Content-Length) is 413 with an OCI error body', async () => {
      const doc = { ...valid(), annotations: { pad: 'x'.repeat(4 * 1024 * 1024) } };
      const res = await rawRequest(r.url, {
        method: 'PUT',
        path: '/v2/pp/huge/manifests/v1',
        headers: { 'Content-Type': OCI_MANIFEST },
        body: JSON.stringify(doc),
      });
      expectRawOciError(res, 413);
      await expectOciError(await fetch(`${r.url}/v2/pp/huge/manifests/v1`), 404);
    });

    it('a manifest over 4 MiB sent with chunked encoding (no Content-Length) is 413 too', async () => {
      const doc = Buffer.from(JSON.stringify({ ...valid(), annotations: { pad: 'x'.repeat(4 * 1024 * 1024 + 10) } }));
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent >= doc.length) return controller.close();
          controller.enqueue(new Uint8Array(doc.subarray(sent, sent + 256 * 1024)));
          sent += 256 * 1024;
        },
      });
      const res = await fetch(`${r.url}/v2/pp/huge2/manifests/v1`, { method: 'PUT', body, duplex: 'half', headers: { 'Content-Type': OCI_MANIFEST } } as RequestInit);
      await expectOciError(res, 413);
      await expectOciError(await fetch(`${r.url}/v2/pp/huge2/manifests/v1`), 404);
    });

    it('answers every oversized manifest to a client that reads only after sending, on a connection that stays usable', async () => {
      const body = Buffer.from(JSON.stringify({ ...valid(), annotations: { pad: 'x'.repeat(6 * 1024 * 1024) } }));
      const connection = await SendThenRead.open(r.url);
      try {
        const answers: SentAnswer[] = [];
        for (let i = 0; i < 10; i++) answers.push(await connection.exchange('PUT', '/v2/pp/huge3/manifests/v1', { body, headers: { 'Content-Type': OCI_MANIFEST } }));
        answers.push(await connection.exchange('GET', '/v2/'));
        expect(answers.map((a) => a.status ?? a.error)).toEqual([...Array(10).fill(413), 200]);
        expect(JSON.parse(answers[9]!.body!)).toMatchObject({ errors: [{ code: 'MANIFEST_TOO_LARGE' }] });
      } finally {
        connection.close();
      }
    });

    it('a manifest of exactly 4 MiB is not refused for its size', async () => {
      const image = makeImage();
      await pushBlob(r.url, 'pp/limit', image.config);
      await pushBlob(r.url, 'pp/limit', image.layers[0]);
      const doc = JSON.parse(image.manifest.toString('utf8')) as Record<string, unknown>;
      const base = Buffer.from(JSON.stringify({ ...doc, annotations: { pad: '' } })).length;
      const body = Buffer.from(JSON.stringify({ ...doc, annotations: { pad: 'x'.repeat(4 * 1024 * 1024 - base) } }));
      expect(body.length).toBe(4 * 1024 * 1024);
      const res = await putManifest(r.url, 'pp/limit', 'v1', body, OCI_MANIFEST);
      expect(res.status).toBe(201);
      const get = await fetch(`${r.url}/v2/pp/limit/manifests/v1`);
      expect((await bytesOf(get)).equals(body)).toBe(true);
    });

    it('a generic Content-Type (application/json) is resolved from the body mediaType', async () => {
      const image = makeImage();
      const put = await pushImage(r.url, 'pp/generic', { ...image, mediaType: 'application/json' }, 'v1');
      expect(put.status).toBe(201);
      await expectManifest('pp/generic', 'v1', { body: image.manifest, mediaType: OCI_MANIFEST });
    });

    it('an invalid tag is 400 TAG_INVALID', async () => {
      const image = makeImage();
      await pushBlob(r.url, 'pp/tags', image.config);
      await pushBlob(r.url, 'pp/tags', image.layers[0]);
      for (const tag of ['-lead', '.lead', 'a'.repeat(129), 'has+plus', 'has%20space']) {
        await expectOciError(await putManifest(r.url, 'pp/tags', tag, image.manifest, OCI_MANIFEST), 400, 'TAG_INVALID');
      }
      expect((await putManifest(r.url, 'pp/tags', 'a'.repeat(128), image.manifest, OCI_MANIFEST)).status).toBe(201);
      expect((await putManifest(r.url, 'pp/tags', '_Under.Score-9', image.manifest, OCI_MANIFEST)).status).toBe(201);
    });
  });
});
