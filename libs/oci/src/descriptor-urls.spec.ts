import { digestOf } from './digest';
import { checkDescriptorUrls, descriptorUrlProblem } from './descriptor-urls';
import { parseManifest } from './manifest';
import { MediaType } from './media-types';
import { catchOciError } from './testing/catch-oci-error';

describe('descriptorUrlProblem', () => {
  it.each([
    'https://mcr.microsoft.com/v2/windows/servercore/blobs/sha256:abc',
    'http://downloads.example.com/layer.tar.gz',
    'https://10.0.0.8:8443/internal/layer',
  ])('accepts %s by default', (url) => {
    expect(descriptorUrlProblem(url, {})).toBeUndefined();
  });

  it.each([
    ['javascript:alert(1)', 'must be an http or https URL'],
    ['file:///etc/passwd', 'must be an http or https URL'],
    ['ftp://example.com/layer', 'must be an http or https URL'],
    ['data:text/html,<script>', 'must be an http or https URL'],
    ['not a url', 'is not a URL'],
    ['https://example.com/layer#part', 'must not have a fragment'],
    ['https://example.com/layer#', 'must not have a fragment'],
  ])('refuses %s', (url, problem) => {
    expect(descriptorUrlProblem(url, {})).toBe(problem);
  });

  it.each([
    'http://localhost/layer',
    'http://LOCALHOST./layer',
    'http://registry.localhost:5000/layer',
    'http://127.0.0.1/layer',
    'http://127.9.8.7:8080/layer',
    'http://2130706433/layer',
    'http://0x7f.1/layer',
    'http://127.1/layer',
    'http://user:pw@127.0.0.1/layer',
    'http://0.0.0.0/layer',
    'http://0/layer',
    'http://169.254.169.254/latest/meta-data/',
    'http://[::1]/layer',
    'http://[0:0:0:0:0:0:0:1]/layer',
    'http://[::]/layer',
    'http://[fe80::1]/layer',
    'http://[::ffff:127.0.0.1]/layer',
    'http://[::ffff:169.254.169.254]/layer',
  ])('refuses the loopback, unspecified or link-local %s', (url) => {
    expect(descriptorUrlProblem(url, {})).toBe('must not name a loopback, link-local or unspecified address');
  });

  it('applies allow and deny patterns to the normalised URL', () => {
    const policy = { allow: /^https:\/\/([^/]+\.)*example\.com\//, deny: /^https:\/\/www\.example\.com\// };
    expect(descriptorUrlProblem('https://cdn.example.com/layer', policy)).toBeUndefined();
    expect(descriptorUrlProblem('HTTPS://CDN.EXAMPLE.COM/layer', policy)).toBeUndefined();
    expect(descriptorUrlProblem('https://example.com', policy)).toBeUndefined();
    expect(descriptorUrlProblem('https://evil.test/example.com/', policy)).toBe('does not match the URLs this registry allows');
    expect(descriptorUrlProblem('http://cdn.example.com/layer', policy)).toBe('does not match the URLs this registry allows');
    expect(descriptorUrlProblem('https://www.example.com/layer', policy)).toBe('matches the URLs this registry denies');
  });
});

describe('checkDescriptorUrls', () => {
  const d = (seed: string) => digestOf(seed);
  const foreign = (urls: string[]) => ({ mediaType: MediaType.DOCKER_FOREIGN_LAYER, digest: d('foreign'), size: 10, urls });
  const image = (layers: unknown[]) =>
    parseManifest(
      Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.DOCKER_MANIFEST, config: { mediaType: MediaType.DOCKER_CONFIG, digest: d('c'), size: 2 }, layers })),
    );

  it('names the offending URL by its field', () => {
    const m = image([{ mediaType: MediaType.DOCKER_LAYER, digest: d('l'), size: 1 }, foreign(['https://example.com/ok', 'javascript:alert(1)'])]);
    const err = catchOciError(() => checkDescriptorUrls(m, {}));
    expect(err.code).toBe('MANIFEST_INVALID');
    expect(err.message).toBe('layers[1].urls[1] "javascript:alert(1)" must be an http or https URL');
  });

  it('checks index children and subjects too', () => {
    const index = parseManifest(
      Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MediaType.OCI_INDEX, manifests: [{ mediaType: MediaType.OCI_MANIFEST, digest: d('m'), size: 3, urls: ['http://[::1]/'] }] })),
    );
    expect(catchOciError(() => checkDescriptorUrls(index, {})).message).toMatch(/^manifests\[0\]\.urls\[0\] "http:\/\/\[::1\]\/" must not name/);
  });
});
