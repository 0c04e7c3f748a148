import { sha256 } from './oci-layout';

/** Clients of the OCI distribution API for tests: pushes of blobs, manifests and made-up images. */

/** Pushes a blob monolithically; returns its digest. `headers` add e.g. an Authorization. */
export async function pushBlob(url: string, repo: string, data: Buffer | string, headers: Record<string, string> = {}): Promise<string> {
  const digest = sha256(data);
  const res = await fetch(`${url}/v2/${repo}/blobs/uploads/?digest=${digest}`, {
    method: 'POST',
    body: typeof data === 'string' ? data : new Uint8Array(data),
    headers: { 'Content-Type': 'application/octet-stream', ...headers },
  });
  if (res.status !== 201) throw new Error(`push blob failed: ${res.status} ${await res.text()}`);
  return digest;
}

export interface TestImage {
  manifest: Buffer;
  digest: string;
  config: Buffer;
  layers: Buffer[];
  mediaType: string;
}

/** Builds (does not push) an OCI image manifest with `layerCount` random layers. */
export function makeImage(opts: { layers?: Buffer[]; mediaType?: string; subject?: { digest: string; size: number; mediaType: string }; artifactType?: string; annotations?: Record<string, string> } = {}): TestImage {
  const layers = opts.layers ?? [Buffer.from(`layer-${Math.random()}`)];
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] }, n: Math.random() }));
  const docker = opts.mediaType === 'application/vnd.docker.distribution.manifest.v2+json';
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: opts.mediaType ?? 'application/vnd.oci.image.manifest.v1+json',
      ...(opts.artifactType ? { artifactType: opts.artifactType } : {}),
      config: {
        mediaType: docker ? 'application/vnd.docker.container.image.v1+json' : 'application/vnd.oci.image.config.v1+json',
        digest: sha256(config),
        size: config.length,
      },
      layers: layers.map((l) => ({
        mediaType: docker ? 'application/vnd.docker.image.rootfs.diff.tar.gzip' : 'application/vnd.oci.image.layer.v1.tar+gzip',
        digest: sha256(l),
        size: l.length,
      })),
      ...(opts.subject ? { subject: opts.subject } : {}),
      ...(opts.annotations ? { annotations: opts.annotations } : {}),
    }),
  );
  return { manifest, digest: sha256(manifest), config, layers, mediaType: opts.mediaType ?? 'application/vnd.oci.image.manifest.v1+json' };
}

/** Pushes the image's blobs and its manifest under `reference`. */
export async function pushImage(url: string, repo: string, image: TestImage, reference: string, headers: Record<string, string> = {}): Promise<Response> {
  await pushBlob(url, repo, image.config, headers);
  for (const l of image.layers) await pushBlob(url, repo, l, headers);
  return putManifest(url, repo, reference, image.manifest, image.mediaType, headers);
}

export function putManifest(
  url: string,
  repo: string,
  reference: string,
  body: Buffer | string,
  mediaType: string,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${url}/v2/${repo}/manifests/${reference}`, {
    method: 'PUT',
    body: typeof body === 'string' ? body : new Uint8Array(body),
    headers: { 'Content-Type': mediaType, ...headers },
  });
}

/** Asserts an OCI error response and returns its first error code. */
export async function ociErrorCode(res: Response): Promise<string> {
  const body = (await res.json()) as { errors?: { code: string; message: string }[] };
  if (!body.errors?.length) throw new Error(`expected an OCI error body, got ${JSON.stringify(body)}`);
  return body.errors[0].code;
}
