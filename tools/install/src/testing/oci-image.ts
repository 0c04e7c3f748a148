import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/**
 * A one-layer OCI image written as an OCI image layout directory (what skopeo copies from and
 * into), made without any container engine. The layer is a real tar (one random file) so that
 * podman and docker can unpack it.
 */
export interface LayoutImage {
  dir: string;
  manifestDigest: string;
  blobs: Map<string, Buffer>;
}

function sha256(data: Buffer): string {
  return 'sha256:' + createHash('sha256').update(data).digest('hex');
}

function tarHeader(name: string, size: number): Buffer {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100, 'utf8');
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(size.toString(8).padStart(11, '0') + '\0', 124);
  h.write('00000000000\0', 136);
  h.write('        ', 148);
  h.write('0', 156);
  h.write('ustar\0', 257);
  h.write('00', 263);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  return h;
}

function tarOf(name: string, content: Buffer): Buffer {
  const pad = Buffer.alloc((512 - (content.length % 512)) % 512);
  return Buffer.concat([tarHeader(name, content.length), content, pad, Buffer.alloc(1024)]);
}

export function writeLayoutImage(dir: string, tag: string, label: string): LayoutImage {
  const raw = tarOf('payload.bin', randomBytes(256 * 1024));
  const layer = gzipSync(raw, { level: 1 });
  const config = Buffer.from(
    JSON.stringify({
      created: '2024-01-01T00:00:00Z',
      architecture: 'amd64',
      os: 'linux',
      config: { Labels: { test: label } },
      rootfs: { type: 'layers', diff_ids: [sha256(raw)] },
    }),
  );
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: sha256(layer), size: layer.length }],
    }),
  );
  const blobs = new Map([layer, config, manifest].map((b) => [sha256(b), b]));
  mkdirSync(join(dir, 'blobs', 'sha256'), { recursive: true });
  for (const [digest, bytes] of blobs) writeFileSync(join(dir, 'blobs', 'sha256', digest.slice(7)), bytes);
  writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  writeFileSync(
    join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: sha256(manifest), size: manifest.length, annotations: { 'org.opencontainers.image.ref.name': tag } }],
    }),
  );
  return { dir, manifestDigest: sha256(manifest), blobs };
}

/** Every blob file of a layout, by digest. */
export function readLayoutBlobs(dir: string): Map<string, Buffer> {
  const base = join(dir, 'blobs', 'sha256');
  return new Map(readdirSync(base).map((hex) => [`sha256:${hex}`, readFileSync(join(base, hex))]));
}
