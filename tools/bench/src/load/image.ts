import { createHash, randomBytes } from 'node:crypto';

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
export const MANIFEST_ACCEPT = [
  OCI_MANIFEST,
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
].join(', ');

export interface SmallImage {
  config: Buffer;
  layer: Buffer;
  manifest: Buffer;
  configDigest: string;
  layerDigest: string;
  manifestDigest: string;
}

export function sha256(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/**
 * A distinct single-layer OCI image of the size a small real one has: a ~1.5 KB image config
 * (valid JSON, unique per image) and a 1-2 KB random layer.
 */
export function makeSmallImage(label: string): SmallImage {
  const layer = randomBytes(1024 + Math.floor(Math.random() * 1024));
  const layerDigest = sha256(layer);
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      created: new Date().toISOString(),
      config: {
        Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', `BENCH_IMAGE=${label}`],
        Cmd: ['/bin/sh'],
        Labels: { 'org.opencontainers.image.title': label, 'org.opencontainers.image.revision': randomBytes(20).toString('hex') },
      },
      rootfs: { type: 'layers', diff_ids: [layerDigest] },
      history: Array.from({ length: 8 }, (_, i) => ({
        created: '2026-01-01T00:00:00Z',
        created_by: `/bin/sh -c #(nop) step ${i} of the benchmark image ${label} ${randomBytes(24).toString('base64')}`,
      })),
    }),
  );
  const configDigest = sha256(config);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layerDigest, size: layer.length }],
    }),
  );
  return { config, layer, manifest, configDigest, layerDigest, manifestDigest: sha256(manifest) };
}
