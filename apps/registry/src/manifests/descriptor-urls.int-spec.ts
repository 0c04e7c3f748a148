import { loadConfig } from '../config';
import { errorCode, pushBlob, putManifest, RegistryHarness, sha256, startTestRegistry } from '../testing';

const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
const FOREIGN_LAYER = 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip';

/** A Windows-style image: a config pushed to `repo` and one foreign layer fetched from `urls`. */
async function foreignImage(r: RegistryHarness, repo: string, urls: string[]): Promise<string> {
  const config = Buffer.from(JSON.stringify({ os: 'windows', architecture: 'amd64', n: Math.random() }));
  await pushBlob(r.url, repo, config);
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: DOCKER_MANIFEST,
    config: { mediaType: 'application/vnd.docker.container.image.v1+json', digest: sha256(config), size: config.length },
    layers: [{ mediaType: FOREIGN_LAYER, digest: sha256(`foreign-${Math.random()}`), size: 1234, urls }],
  });
}

async function push(r: RegistryHarness, urls: string[]): Promise<{ status: number; code?: string; message?: string }> {
  const res = await putManifest(r.url, 'win/app', 'v1', await foreignImage(r, 'win/app', urls), DOCKER_MANIFEST);
  if (res.status === 201) return { status: 201 };
  const body = (await res.clone().json()) as { errors: { message: string }[] };
  return { status: res.status, code: await errorCode(res), message: body.errors[0].message };
}

describe('urls of pushed descriptors (foreign layers)', () => {
  describe('by default', () => {
    let r: RegistryHarness;
    beforeAll(async () => {
      r = await startTestRegistry();
    });
    afterAll(async () => {
      await r.close();
    });

    it('accepts http and https URLs elsewhere, and serves the manifest', async () => {
      expect(await push(r, ['https://mcr.microsoft.com/v2/windows/blobs/sha256:abc', 'http://10.1.2.3/layer.tar.gz'])).toEqual({ status: 201 });
      expect((await fetch(`${r.url}/v2/win/app/manifests/v1`, { headers: { Accept: DOCKER_MANIFEST } })).status).toBe(200);
    });

    it.each([
      ['javascript:alert(document.domain)', 'must be an http or https URL'],
      ['file:///etc/shadow', 'must be an http or https URL'],
      ['https://example.com/layer#frag', 'must not have a fragment'],
      ['http://127.0.0.1:2375/containers/json', 'must not name a loopback, link-local or unspecified address'],
      ['http://2130706433/', 'must not name a loopback, link-local or unspecified address'],
      ['http://localhost/x', 'must not name a loopback, link-local or unspecified address'],
      ['http://[::1]/x', 'must not name a loopback, link-local or unspecified address'],
      ['http://169.254.169.254/latest/meta-data/', 'must not name a loopback, link-local or unspecified address'],
      ['http://0.0.0.0/x', 'must not name a loopback, link-local or unspecified address'],
    ])('refuses %s with 400 MANIFEST_INVALID naming the URL', async (url, problem) => {
      expect(await push(r, ['https://example.com/ok', url])).toEqual({
        status: 400,
        code: 'MANIFEST_INVALID',
        message: `layers[0].urls[1] ${JSON.stringify(url)} ${problem}`,
      });
    });
  });

  describe('with REGISTRY_MANIFEST_URLS_ALLOW and _DENY', () => {
    let r: RegistryHarness;
    beforeAll(async () => {
      const { manifestUrls } = loadConfig({
        REGISTRY_MANIFEST_URLS_ALLOW: '^https://([^/]+\\.)?example\\.com/',
        REGISTRY_MANIFEST_URLS_DENY: '^https://private\\.example\\.com/',
      });
      r = await startTestRegistry({ manifestUrls });
    });
    afterAll(async () => {
      await r.close();
    });

    it('accepts URLs the allow pattern matches, also in another spelling', async () => {
      expect(await push(r, ['https://cdn.example.com/layer', 'HTTPS://Example.COM/layer'])).toEqual({ status: 201 });
    });

    it('refuses URLs outside the allow pattern or inside the deny pattern', async () => {
      expect(await push(r, ['https://example.org/layer'])).toMatchObject({ status: 400, code: 'MANIFEST_INVALID', message: expect.stringMatching(/does not match the URLs this registry allows$/) });
      expect(await push(r, ['http://cdn.example.com/layer'])).toMatchObject({ status: 400, message: expect.stringMatching(/does not match the URLs this registry allows$/) });
      expect(await push(r, ['https://private.example.com/layer'])).toMatchObject({ status: 400, message: expect.stringMatching(/matches the URLs this registry denies$/) });
    });
  });

  it('a pattern that is not a regular expression stops the registry from starting, naming the variable', () => {
    expect(() => loadConfig({ REGISTRY_MANIFEST_URLS_DENY: '([' })).toThrow(/^invalid REGISTRY_MANIFEST_URLS_DENY: /);
  });
});
