import { errorCode, makeImage, pushImage, RegistryHarness, startTestRegistry } from './testing';

describe('registry smoke', () => {
  let r: RegistryHarness;
  beforeAll(async () => {
    r = await startTestRegistry();
  });
  afterAll(async () => {
    await r.close();
  });

  it('answers /v2/ and round-trips an image', async () => {
    const base = await fetch(`${r.url}/v2/`);
    expect(base.status).toBe(200);
    expect(base.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
    const image = makeImage();
    const put = await pushImage(r.url, 'team/app/api', image, 'v1');
    expect(put.status).toBe(201);
    const get = await fetch(`${r.url}/v2/team/app/api/manifests/v1`);
    expect(get.status).toBe(200);
    expect(Buffer.from(await get.arrayBuffer()).equals(image.manifest)).toBe(true);
    const missing = await fetch(`${r.url}/v2/team/app/api/manifests/v2`);
    expect(missing.status).toBe(404);
    expect(await errorCode(missing)).toBe('MANIFEST_UNKNOWN');
  });
});
