/**
 * Media types exactly as the OCI image-spec and Docker's distribution spell them. The registry
 * compares them byte-for-byte (the specs do), so never re-case or reformat these values.
 */
export const MediaType = {
  OCI_MANIFEST: 'application/vnd.oci.image.manifest.v1+json',
  OCI_INDEX: 'application/vnd.oci.image.index.v1+json',
  // Dropped from image-spec 1.1 final, but some clients (older ORAS) still push it.
  OCI_ARTIFACT_MANIFEST: 'application/vnd.oci.artifact.manifest.v1+json',
  OCI_CONFIG: 'application/vnd.oci.image.config.v1+json',
  OCI_EMPTY: 'application/vnd.oci.empty.v1+json',

  OCI_LAYER_TAR: 'application/vnd.oci.image.layer.v1.tar',
  OCI_LAYER_TAR_GZIP: 'application/vnd.oci.image.layer.v1.tar+gzip',
  OCI_LAYER_TAR_ZSTD: 'application/vnd.oci.image.layer.v1.tar+zstd',
  OCI_LAYER_NONDISTRIBUTABLE_TAR: 'application/vnd.oci.image.layer.nondistributable.v1.tar',
  OCI_LAYER_NONDISTRIBUTABLE_TAR_GZIP: 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip',
  OCI_LAYER_NONDISTRIBUTABLE_TAR_ZSTD: 'application/vnd.oci.image.layer.nondistributable.v1.tar+zstd',

  DOCKER_MANIFEST: 'application/vnd.docker.distribution.manifest.v2+json',
  DOCKER_MANIFEST_LIST: 'application/vnd.docker.distribution.manifest.list.v2+json',
  DOCKER_CONFIG: 'application/vnd.docker.container.image.v1+json',
  DOCKER_LAYER: 'application/vnd.docker.image.rootfs.diff.tar.gzip',
  DOCKER_FOREIGN_LAYER: 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip',
  // Schema 1 is recognised only so that it can be refused with a clear message.
  DOCKER_SCHEMA1: 'application/vnd.docker.distribution.manifest.v1+json',
  DOCKER_SCHEMA1_SIGNED: 'application/vnd.docker.distribution.manifest.v1+prettyjws',
} as const;

/** The manifest media types this registry accepts on push and serves on pull. */
export const MANIFEST_MEDIA_TYPES = [
  MediaType.OCI_MANIFEST,
  MediaType.OCI_INDEX,
  MediaType.OCI_ARTIFACT_MANIFEST,
  MediaType.DOCKER_MANIFEST,
  MediaType.DOCKER_MANIFEST_LIST,
] as const;

export type ManifestMediaType = (typeof MANIFEST_MEDIA_TYPES)[number];

const MANIFEST_SET: ReadonlySet<string> = new Set(MANIFEST_MEDIA_TYPES);
const INDEX_SET: ReadonlySet<string> = new Set([MediaType.OCI_INDEX, MediaType.DOCKER_MANIFEST_LIST]);
const SCHEMA1_SET: ReadonlySet<string> = new Set([MediaType.DOCKER_SCHEMA1, MediaType.DOCKER_SCHEMA1_SIGNED]);

/** Exact match; pass header values through `normalizeContentType` first. */
export function isManifestMediaType(s: string | undefined): s is ManifestMediaType {
  return s !== undefined && MANIFEST_SET.has(s);
}

/** True for the two "list of manifests" types (OCI index, Docker manifest list). */
export function isIndexMediaType(s: string | undefined): boolean {
  return s !== undefined && INDEX_SET.has(s);
}

export function isSchema1MediaType(s: string | undefined): boolean {
  return s !== undefined && SCHEMA1_SET.has(s);
}

/**
 * The bare type/subtype of a Content-Type header: parameters (`; charset=utf-8`) dropped, trimmed,
 * lower-cased (media types are case-insensitive on the wire, and every registered value above is
 * lower case). Returns undefined for a missing or blank header.
 */
export function normalizeContentType(header?: string): string | undefined {
  if (header === undefined) return undefined;
  const bare = header.split(';', 1)[0].trim().toLowerCase();
  return bare === '' ? undefined : bare;
}
