import { MediaType } from '@wharf/oci';
import type { FieldSpecs } from '../http/list-query';

/** Helm 3 charts pushed as OCI artifacts carry this config media type. */
export const HELM_CONFIG_MEDIA_TYPE = 'application/vnd.cncf.helm.config.v1+json';
/** CNAB bundles are indexes naming this type in their org.opencontainers.artifactType annotation. */
export const CNAB_MEDIA_TYPE = 'application/vnd.cnab.manifest.v1';

/** WebAssembly modules pushed as OCI artifacts (wasm-to-oci) carry this config media type. */
export const WASM_CONFIG_MEDIA_TYPE = 'application/vnd.wasm.config.v1+json';

function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

function list(values: readonly string[]): string {
  return values.map(literal).join(', ');
}

const IS_INDEX = `a.media_type IN (${list([MediaType.OCI_INDEX, MediaType.DOCKER_MANIFEST_LIST])})`;
/** The type an index names in its annotations (how CNAB bundles say what they are), as Harbor reads it. */
const INDEX_ANNOTATED_TYPE = `NULLIF(a.annotations->>'org.opencontainers.artifactType', '')`;

/**
 * Harbor's artifact `type`, from what the registry recorded (artifact.artifact_type is the
 * manifest's artifactType, else its config media type): images and image indexes are IMAGE
 * (Harbor's image processor handles both), CNAB bundles (indexes so annotated) CNAB, Helm charts CHART, WebAssembly modules WASM; any other
 * artifact the type its config media type names (application/vnd.<vendor>.<type>.config.<v>+json,
 * upper-cased, as Harbor's default processor), else UNKNOWN.
 */
export const ARTIFACT_TYPE_SQL = `(CASE
  WHEN ${IS_INDEX} AND ${INDEX_ANNOTATED_TYPE} = ${literal(CNAB_MEDIA_TYPE)} THEN 'CNAB'
  WHEN ${IS_INDEX} THEN 'IMAGE'
  WHEN a.artifact_type IN (${list([MediaType.OCI_CONFIG, MediaType.DOCKER_CONFIG])}) THEN 'IMAGE'
  WHEN a.artifact_type = ${literal(HELM_CONFIG_MEDIA_TYPE)} THEN 'CHART'
  WHEN a.artifact_type = ${literal(WASM_CONFIG_MEDIA_TYPE)} THEN 'WASM'
  WHEN a.config_media_type ~ '^application/vnd\\.[^.]*\\..*\\.config\\.[^.]*\\+json$'
    THEN upper(substring(a.config_media_type FROM '^application/vnd\\.[^.]*\\.(.*)\\.config\\.[^.]*\\+json$'))
  ELSE 'UNKNOWN' END)`;

/**
 * Harbor's `media_type`: the config's for a manifest; for an index the type its
 * org.opencontainers.artifactType annotation names, else the index's own.
 */
export const MEDIA_TYPE_SQL = `COALESCE(a.config_media_type, CASE WHEN ${IS_INDEX} THEN ${INDEX_ANNOTATED_TYPE} END, a.media_type)`;

export const ARTIFACT_TYPE_FIELD_SQL = 'COALESCE(a.artifact_type, a.media_type)';

/** The fields `q` and `sort` of the artifact list may name (`tags` is handled on its own). */
export const ARTIFACT_FIELDS: FieldSpecs = {
  id: { column: 'a.id', type: 'int' },
  digest: { column: 'a.digest', type: 'text' },
  type: { column: ARTIFACT_TYPE_SQL, type: 'text' },
  media_type: { column: MEDIA_TYPE_SQL, type: 'text' },
  manifest_media_type: { column: 'a.media_type', type: 'text' },
  artifact_type: { column: ARTIFACT_TYPE_FIELD_SQL, type: 'text' },
  size: { column: 'a.total_size', type: 'int' },
  push_time: { column: 'a.push_time', type: 'time' },
  pull_time: { column: 'a.pull_time', type: 'time' },
};

/** The fields `q` and `sort` of the tag list may name. */
export const TAG_FIELDS: FieldSpecs = {
  id: { column: 't.id', type: 'int' },
  name: { column: 't.name', type: 'text' },
  push_time: { column: 't.push_time', type: 'time' },
  pull_time: { column: 't.pull_time', type: 'time' },
};

export const IS_TAGGED = 'EXISTS (SELECT 1 FROM tag t WHERE t.artifact_id = a.id)';
/** A manifest of an index: listed under its index, not on its own (unless tagged). */
export const IS_CHILD = 'EXISTS (SELECT 1 FROM artifact_reference ar WHERE ar.child_id = a.id)';
/** An accessory (signature, SBOM, any referrer) of an artifact in the repository: listed under its subject. */
export const IS_ACCESSORY =
  '(a.subject_digest IS NOT NULL AND EXISTS (SELECT 1 FROM artifact s WHERE s.repository_id = a.repository_id AND s.digest = a.subject_digest))';
