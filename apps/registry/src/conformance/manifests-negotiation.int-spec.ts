import { makeImage, pushImage, putManifest, RegistryHarness, sha256, startTestRegistry, TestImage } from '../testing';
import { bytesOf, DOCKER_LIST, DOCKER_MANIFEST, expectOciError, imageDescriptor, makeIndex, OCI_INDEX, OCI_MANIFEST, stopRegistry } from './conformance-helpers';

describe('conformance: manifest content negotiation (Accept)', () => {
  let r: RegistryHarness;
  const repo = 'neg/app';
  let image: TestImage;
  let dockerImage: TestImage;
  let amd: TestImage;
  let arm: TestImage;
  let index: Buffer;
  let dAmd: TestImage;
  let dArm: TestImage;
  let list: Buffer;

  beforeAll(async () => {
    r = await startTestRegistry();
    image = makeImage();
    expect((await pushImage(r.url, repo, image, 'image')).status).toBe(201);
    dockerImage = makeImage({ mediaType: DOCKER_MANIFEST });
    expect((await pushImage(r.url, repo, dockerImage, 'docker')).status).toBe(201);

    arm = makeImage();
    amd = makeImage();
    expect((await pushImage(r.url, repo, arm, arm.digest)).status).toBe(201);
    expect((await pushImage(r.url, repo, amd, amd.digest)).status).toBe(201);
    // amd64 deliberately not first: the registry must pick by platform, not by position.
    index = makeIndex([imageDescriptor(arm, { os: 'linux', architecture: 'arm64' }), imageDescriptor(amd, { os: 'linux', architecture: 'amd64' })]);
    expect((await putManifest(r.url, repo, 'index', index, OCI_INDEX)).status).toBe(201);

    dArm = makeImage({ mediaType: DOCKER_MANIFEST });
    dAmd = makeImage({ mediaType: DOCKER_MANIFEST });
    expect((await pushImage(r.url, repo, dArm, dArm.digest)).status).toBe(201);
    expect((await pushImage(r.url, repo, dAmd, dAmd.digest)).status).toBe(201);
    list = makeIndex([imageDescriptor(dArm, { os: 'linux', architecture: 'arm64' }), imageDescriptor(dAmd, { os: 'linux', architecture: 'amd64' })], { mediaType: DOCKER_LIST });
    expect((await putManifest(r.url, repo, 'list', list, DOCKER_LIST)).status).toBe(201);
  });
  afterAll(async () => {
    await stopRegistry(r);
  });

  async function expectServed(reference: string, accept: string | undefined, body: Buffer, mediaType: string, method = 'GET'): Promise<void> {
    const res = await fetch(`${r.url}/v2/${repo}/manifests/${reference}`, { method, headers: accept === undefined ? {} : { Accept: accept } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(mediaType);
    expect(res.headers.get('docker-content-digest')).toBe(sha256(body));
    expect(res.headers.get('content-length')).toBe(String(body.length));
    const bytes = await bytesOf(res);
    if (method === 'GET') expect(bytes.equals(body)).toBe(true);
  }

  it('an Accept that lists the stored type gets it (200)', async () => {
    await expectServed('image', OCI_MANIFEST, image.manifest, OCI_MANIFEST);
    await expectServed('docker', DOCKER_MANIFEST, dockerImage.manifest, DOCKER_MANIFEST);
    await expectServed('index', OCI_INDEX, index, OCI_INDEX);
    await expectServed('list', DOCKER_LIST, list, DOCKER_LIST);
  });

  it('an Accept listing several types, with q-values and parameters, gets the stored type', async () => {
    const accept = `${DOCKER_MANIFEST}; q=0.5, ${OCI_MANIFEST};q=0.9, ${OCI_INDEX}, ${DOCKER_LIST}`;
    await expectServed('image', accept, image.manifest, OCI_MANIFEST);
    await expectServed('index', accept, index, OCI_INDEX);
    await expectServed('list', accept, list, DOCKER_LIST);
  });

  it('several Accept headers are combined', async () => {
    const headers = new Headers();
    headers.append('Accept', DOCKER_MANIFEST);
    headers.append('Accept', OCI_INDEX);
    const res = await fetch(`${r.url}/v2/${repo}/manifests/index`, { headers });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe(OCI_INDEX);
    await res.arrayBuffer();
  });

  it('Accept */* or no Accept gets the stored type (200)', async () => {
    await expectServed('image', '*/*', image.manifest, OCI_MANIFEST);
    await expectServed('index', '*/*', index, OCI_INDEX);
    await expectServed('list', undefined, list, DOCKER_LIST);
    await expectServed('docker', 'application/*', dockerImage.manifest, DOCKER_MANIFEST);
  });

  it('by digest, negotiation works the same', async () => {
    await expectServed(image.digest, OCI_MANIFEST, image.manifest, OCI_MANIFEST);
    await expectServed(sha256(index), '*/*', index, OCI_INDEX);
  });

  it('an OCI index asked for by a client that accepts only image manifests gets the linux/amd64 child', async () => {
    await expectServed('index', OCI_MANIFEST, amd.manifest, OCI_MANIFEST);
    await expectServed('index', OCI_MANIFEST, amd.manifest, OCI_MANIFEST, 'HEAD');
  });

  it('a Docker manifest list asked for by a client that accepts only Docker v2 manifests gets the linux/amd64 child', async () => {
    await expectServed('list', DOCKER_MANIFEST, dAmd.manifest, DOCKER_MANIFEST);
    await expectServed('list', DOCKER_MANIFEST, dAmd.manifest, DOCKER_MANIFEST, 'HEAD');
  });

  it('an index whose amd64 child is of a type the client does not accept is 404 MANIFEST_UNKNOWN', async () => {
    await expectOciError(await fetch(`${r.url}/v2/${repo}/manifests/index`, { headers: { Accept: DOCKER_MANIFEST } }), 404, 'MANIFEST_UNKNOWN');
  });

  it('an index without a linux/amd64 child asked for by an image-only client is 404 MANIFEST_UNKNOWN', async () => {
    const onlyArm = makeIndex([imageDescriptor(arm, { os: 'linux', architecture: 'arm64' })]);
    expect((await putManifest(r.url, repo, 'arm-only', onlyArm, OCI_INDEX)).status).toBe(201);
    await expectOciError(await fetch(`${r.url}/v2/${repo}/manifests/arm-only`, { headers: { Accept: OCI_MANIFEST } }), 404, 'MANIFEST_UNKNOWN');
  });

  it('an image manifest asked for with an Accept that excludes its type is 404 MANIFEST_UNKNOWN', async () => {
    await expectOciError(await fetch(`${r.url}/v2/${repo}/manifests/image`, { headers: { Accept: DOCKER_MANIFEST } }), 404, 'MANIFEST_UNKNOWN');
    await expectOciError(await fetch(`${r.url}/v2/${repo}/manifests/docker`, { headers: { Accept: OCI_MANIFEST } }), 404, 'MANIFEST_UNKNOWN');
    await expectOciError(await fetch(`${r.url}/v2/${repo}/manifests/image`, { headers: { Accept: OCI_INDEX } }), 404, 'MANIFEST_UNKNOWN');
    const head = await fetch(`${r.url}/v2/${repo}/manifests/image`, { method: 'HEAD', headers: { Accept: DOCKER_MANIFEST } });
    expect(head.status).toBe(404);
  });

  it('media types in Accept are compared case-insensitively', async () => {
    await expectServed('image', OCI_MANIFEST.toUpperCase(), image.manifest, OCI_MANIFEST);
  });
});
