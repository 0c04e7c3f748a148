import { closeRegistry, createRegistryApp } from '../server';
import { makeImage, pushBlob, pushImage, RegistryHarness, sha256, startTestRegistry } from '../testing';
import { bytesOf, expectOciError, expectRawOciError, randomBlob, rawRequest, stopRegistry } from './conformance-helpers';

describe('conformance: base endpoint and routing', () => {
  let r: RegistryHarness;
  beforeAll(async () => {
    r = await startTestRegistry();
  });
  afterAll(async () => {
    await stopRegistry(r);
  });

  it('GET /v2/ answers 200 with the API version header (end-1)', async () => {
    const res = await fetch(`${r.url}/v2/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({});
  });

  it('HEAD /v2/ answers 200 like GET (RFC 9110: a GET resource also supports HEAD)', async () => {
    const res = await fetch(`${r.url}/v2/`, { method: 'HEAD' });
    expect(res.status).toBe(200);
    expect(res.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
  });

  it('GET /v2 without the trailing slash is the same endpoint', async () => {
    const res = await fetch(`${r.url}/v2`);
    expect(res.status).toBe(200);
    expect(res.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
  });

  it('sends the API version header on error responses too', async () => {
    const res = await fetch(`${r.url}/v2/nothing-here/manifests/latest`);
    expect(res.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
    await expectOciError(res, 404, 'MANIFEST_UNKNOWN');
  });

  it.each([
    ['GET', '/v2/a/unknown/thing'],
    ['GET', '/v2/a/b/c/nowhere'],
    ['GET', '/v3/'],
    ['GET', '/not-a-registry-path'],
    ['GET', '/v2/a/blobs'],
    ['GET', '/v2/a/tags'],
    ['GET', '/v2/a/tags/list/extra'],
    ['POST', '/v2/a/tags/list'],
  ])('%s %s is an OCI JSON 404', async (method, path) => {
    const res = await fetch(`${r.url}${path}`, { method });
    await expectOciError(res, 404);
  });

  it.each([
    ['POST', '/v2/'],
    ['PATCH', '/v2/a/manifests/latest'],
    ['POST', '/v2/a/manifests/latest'],
    ['PUT', '/v2/a/blobs/sha256:' + 'a'.repeat(64)],
    ['POST', '/v2/_catalog'],
    ['DELETE', '/v2/a/tags/list'],
    ['PUT', '/v2/a/referrers/sha256:' + 'a'.repeat(64)],
  ])('%s %s (no such method on the route) is an OCI JSON 404 or 405', async (method, path) => {
    const res = await fetch(`${r.url}${path}`, { method });
    expect([404, 405]).toContain(res.status);
    await expectOciError(res, res.status);
  });

  it('HEAD of an unknown route is a bodiless 404', async () => {
    const res = await rawRequest(r.url, { method: 'HEAD', path: '/v2/a/unknown/thing' });
    expect(res.status).toBe(404);
    expect(res.body.length).toBe(0);
  });

  it('serves multi-component repository names on every route family', async () => {
    const image = makeImage();
    expect((await pushImage(r.url, 'team/app/api', image, 'v1')).status).toBe(201);
    expect((await fetch(`${r.url}/v2/team/app/api/manifests/v1`)).status).toBe(200);
    expect((await fetch(`${r.url}/v2/team/app/api/manifests/${image.digest}`, { method: 'HEAD' })).status).toBe(200);
    const layer = await fetch(`${r.url}/v2/team/app/api/blobs/${sha256(image.layers[0])}`);
    expect(layer.status).toBe(200);
    const tags = await fetch(`${r.url}/v2/team/app/api/tags/list`);
    expect(tags.status).toBe(200);
    expect(await tags.json()).toEqual({ name: 'team/app/api', tags: ['v1'] });
    const refs = await fetch(`${r.url}/v2/team/app/api/referrers/${image.digest}`);
    expect(refs.status).toBe(200);
    const upload = await fetch(`${r.url}/v2/team/app/api/blobs/uploads/`, { method: 'POST' });
    expect(upload.status).toBe(202);
    expect(upload.headers.get('location')).toMatch(/^(http:\/\/[^/]+)?\/v2\/team\/app\/api\/blobs\/uploads\/[^/?]+/);
  });

  it('a percent-encoded slash in a single segment does not reach another repository unnoticed', async () => {
    // `team%2Fapp%2Fapi` is not the canonical spelling of a name; either it is refused as an
    // invalid name or it resolves to the same repository. It must never be a 5xx.
    const res = await rawRequest(r.url, { method: 'GET', path: '/v2/team%2Fapp%2Fapi/tags/list' });
    expect(res.status).toBeLessThan(500);
    if (res.status !== 200) expectRawOciError(res, 400, 'NAME_INVALID');
  });

  it('shuts down promptly when a blob download was still in flight at close time', async () => {
    // Restarts and rolling deploys close the app while clients are downloading layers. Once the
    // download ends its keep-alive socket must be closed too, not held for keepAliveTimeout (75 s).
    const data = randomBlob(32 * 1024 * 1024);
    const digest = await pushBlob(r.url, 'lifecycle/big', data);
    const app = await createRegistryApp(r.config);
    await app.listen(0, '127.0.0.1');
    const address = app.getHttpServer().address();
    const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    // Headers are in, the 32 MiB body is not: the download is in flight when close() starts.
    const res = await fetch(`${url}/v2/lifecycle/big/blobs/${digest}`);
    expect(res.status).toBe(200);
    let closed = false;
    const closing = closeRegistry(app).then(() => {
      closed = true;
    });
    try {
      expect((await bytesOf(res)).equals(data)).toBe(true);
      await Promise.race([closing, new Promise((resolve) => setTimeout(resolve, 3000))]);
      expect(closed).toBe(true);
    } finally {
      app.getHttpServer().closeAllConnections();
      await closing;
    }
  }, 20_000);

  it('the health endpoint answers', async () => {
    const res = await fetch(`${r.url}/healthz`);
    expect(res.status).toBe(200);
  });
});
