import { parseDescriptor, type Descriptor } from './descriptor';
import { OciError } from './errors';
import {
  isJsonObject,
  manifestInvalid,
  optionalNonEmptyString,
  optionalStringMap,
  requiredString,
  type JsonObject,
} from './json-fields';
import { jsonNestsDeeperThan, MAX_JSON_DEPTH } from './json-text';
import { resolveManifestMediaType } from './manifest-media-type';
import { MediaType, type ManifestMediaType } from './media-types';

/** Same limit as distribution: a manifest is metadata, and it is held in memory whole. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

export type ManifestKind = 'image' | 'index' | 'artifact';

export interface ParsedManifest {
  mediaType: ManifestMediaType;
  kind: ManifestKind;
  config?: Descriptor;
  /** Image layers, or the `blobs` of an artifact manifest. */
  layers: Descriptor[];
  /** The children of an index / manifest list. */
  manifests: Descriptor[];
  subject?: Descriptor;
  /** The explicit `artifactType` field only; see `effectiveArtifactType` for the referrers value. */
  artifactType?: string;
  annotations?: Record<string, string>;
}

// fatal: invalid UTF-8 is an error, not U+FFFD. ignoreBOM: keep a BOM so JSON.parse refuses it,
// as Go's encoding/json (and so distribution) does.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Parses and validates a pushed manifest. Only what the registry relies on is checked; unknown
 * fields are allowed for forward compatibility, and the original bytes (not this object) are what
 * gets stored and served.
 * @param contentType the raw Content-Type header of the PUT.
 * @throws OciError('MANIFEST_TOO_LARGE') over MAX_MANIFEST_BYTES, otherwise
 *   OciError('MANIFEST_INVALID') with a reason naming the field.
 */
export function parseManifest(body: Buffer, contentType?: string): ParsedManifest {
  if (body.length > MAX_MANIFEST_BYTES) {
    throw new OciError(
      'MANIFEST_TOO_LARGE',
      `manifest is ${body.length} bytes; the limit is ${MAX_MANIFEST_BYTES} bytes`,
    );
  }
  const doc = decodeJsonObject(body);
  const mediaType = resolveManifestMediaType(doc, contentType);
  switch (mediaType) {
    case MediaType.OCI_MANIFEST:
      return parseImageManifest(doc, mediaType, true);
    case MediaType.DOCKER_MANIFEST:
      return parseImageManifest(doc, mediaType, false);
    case MediaType.OCI_INDEX:
      return parseIndex(doc, mediaType, true);
    case MediaType.DOCKER_MANIFEST_LIST:
      return parseIndex(doc, mediaType, false);
    case MediaType.OCI_ARTIFACT_MANIFEST:
      return parseArtifactManifest(doc);
  }
}

function decodeJsonObject(body: Buffer): JsonObject {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw manifestInvalid('manifest is not valid UTF-8');
  }
  // Before parsing: whatever walks the parsed document later must not meet a depth it cannot recurse through.
  if (jsonNestsDeeperThan(text, MAX_JSON_DEPTH)) throw manifestInvalid(`manifest nests arrays and objects deeper than ${MAX_JSON_DEPTH} levels`);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw manifestInvalid(`manifest is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!isJsonObject(doc)) throw manifestInvalid('manifest must be a JSON object');
  return doc;
}

function requireSchemaVersion2(doc: JsonObject, optional: boolean): void {
  const version = doc['schemaVersion'];
  if (optional && version === undefined) return;
  if (version !== 2) throw manifestInvalid('schemaVersion must be 2');
}

// A body carrying both image fields and index fields could be read as either by different
// clients (CVE-2021-41190). distribution refuses such bodies; so do we, despite otherwise
// allowing unknown fields.
function refuseForeignFields(doc: JsonObject, fields: readonly string[], what: string): void {
  for (const field of fields) {
    if (doc[field] !== undefined) throw manifestInvalid(`${what} must not have a ${field} field`);
  }
}

function descriptorArray(doc: JsonObject, key: string, required: boolean): Descriptor[] {
  const value = doc[key];
  if (value === undefined) {
    if (required) throw manifestInvalid(`${key} is required`);
    return [];
  }
  if (!Array.isArray(value)) throw manifestInvalid(`${key} must be an array`);
  return value.map((item: unknown, i) => parseDescriptor(item, `${key}[${i}]`));
}

/** subject, artifactType and annotations: defined by OCI only, so ignored on Docker types. */
function ociReferrerFields(doc: JsonObject): Pick<ParsedManifest, 'subject' | 'artifactType' | 'annotations'> {
  const out: Pick<ParsedManifest, 'subject' | 'artifactType' | 'annotations'> = {};
  if (doc['subject'] !== undefined) out.subject = parseDescriptor(doc['subject'], 'subject');
  const artifactType = optionalNonEmptyString(doc, 'artifactType');
  if (artifactType !== undefined) out.artifactType = artifactType;
  const annotations = optionalStringMap(doc, 'annotations');
  if (annotations !== undefined) out.annotations = annotations;
  return out;
}

function parseImageManifest(doc: JsonObject, mediaType: ManifestMediaType, oci: boolean): ParsedManifest {
  requireSchemaVersion2(doc, false);
  refuseForeignFields(doc, ['manifests'], 'an image manifest');
  if (doc['config'] === undefined) throw manifestInvalid('config is required');
  return {
    mediaType,
    kind: 'image',
    config: parseDescriptor(doc['config'], 'config'),
    // Empty layers are legal (artifacts with only a config); distribution accepts them too.
    layers: descriptorArray(doc, 'layers', true),
    manifests: [],
    ...(oci ? ociReferrerFields(doc) : {}),
  };
}

function parseIndex(doc: JsonObject, mediaType: ManifestMediaType, oci: boolean): ParsedManifest {
  requireSchemaVersion2(doc, false);
  refuseForeignFields(doc, ['config', 'layers'], 'an index');
  return {
    mediaType,
    kind: 'index',
    layers: [],
    // parseDescriptor validates each child's platform when present.
    manifests: descriptorArray(doc, 'manifests', true),
    ...(oci ? ociReferrerFields(doc) : {}),
  };
}

function parseArtifactManifest(doc: JsonObject): ParsedManifest {
  // The artifact manifest draft had no schemaVersion; tolerate clients that send 2 anyway.
  requireSchemaVersion2(doc, true);
  refuseForeignFields(doc, ['manifests'], 'an artifact manifest');
  const artifactType = requiredString(doc, 'artifactType');
  if (artifactType === '') throw manifestInvalid('artifactType must not be empty');
  return {
    mediaType: MediaType.OCI_ARTIFACT_MANIFEST,
    kind: 'artifact',
    layers: descriptorArray(doc, 'blobs', false),
    manifests: [],
    ...ociReferrerFields(doc),
  };
}

/**
 * The blobs a manifest needs to exist in the repository: config and layers, each digest once.
 * Index children and the subject are manifests, not blobs, and are checked separately.
 */
export function referencedBlobs(m: ParsedManifest): Descriptor[] {
  const seen = new Set<string>();
  const out: Descriptor[] = [];
  for (const d of m.config === undefined ? m.layers : [m.config, ...m.layers]) {
    if (seen.has(d.digest)) continue;
    seen.add(d.digest);
    out.push(d);
  }
  return out;
}

/**
 * The artifactType the referrers API reports: the explicit field, else for an image manifest its
 * config's mediaType (so an image with an empty config and no artifactType reports OCI_EMPTY).
 * An index without the field has none.
 */
export function effectiveArtifactType(m: ParsedManifest): string | undefined {
  if (m.artifactType !== undefined) return m.artifactType;
  if (m.kind === 'image') return m.config?.mediaType;
  return undefined;
}
