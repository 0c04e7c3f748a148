import { manifestInvalid, type JsonObject } from './json-fields';
import {
  isManifestMediaType,
  isSchema1MediaType,
  MediaType,
  normalizeContentType,
  type ManifestMediaType,
} from './media-types';

// Content types that say nothing about the manifest: curl's default, and what some clients send
// when they leave the choice to the body.
const GENERIC_CONTENT_TYPES: ReadonlySet<string> = new Set(['application/json', 'application/octet-stream', '*/*']);

const SCHEMA1_REFUSAL = 'schema 1 manifests are not supported';

/**
 * Decides which manifest type a pushed body is. The Content-Type header wins when it names a
 * manifest type, but a body that declares a different `mediaType` is refused: the registry serves
 * the manifest under one type, and clients that trust the header and clients that trust the body
 * must not read it as two different things.
 * @param contentType the raw Content-Type header (normalised here).
 * @throws OciError('MANIFEST_INVALID') for schema 1, unknown types and mismatches.
 */
export function resolveManifestMediaType(doc: JsonObject, contentType: string | undefined): ManifestMediaType {
  const ct = normalizeContentType(contentType);
  const declared = doc['mediaType'];
  if (declared !== undefined && typeof declared !== 'string') throw manifestInvalid('mediaType must be a string');

  if (isSchema1MediaType(ct) || isSchema1MediaType(declared) || doc['schemaVersion'] === 1) {
    throw manifestInvalid(SCHEMA1_REFUSAL);
  }

  if (ct !== undefined && !GENERIC_CONTENT_TYPES.has(ct)) {
    if (!isManifestMediaType(ct)) throw manifestInvalid(`unsupported manifest media type ${JSON.stringify(ct)}`);
    if (declared !== undefined && declared !== ct) {
      throw manifestInvalid(
        `mediaType ${JSON.stringify(declared)} in the manifest does not match Content-Type ${JSON.stringify(ct)}`,
      );
    }
    return ct;
  }

  if (declared !== undefined) {
    if (!isManifestMediaType(declared)) {
      throw manifestInvalid(`unsupported manifest media type ${JSON.stringify(declared)}`);
    }
    return declared;
  }
  return inferMediaType(doc);
}

// Only reached when neither header nor body names a type (older OCI clients omitted mediaType).
// Presence, not shape, decides, so that a malformed field is reported by the parser of the type
// it implies rather than as "cannot determine".
function inferMediaType(doc: JsonObject): ManifestMediaType {
  if (doc['manifests'] !== undefined) return MediaType.OCI_INDEX;
  if (doc['config'] !== undefined) return MediaType.OCI_MANIFEST;
  if (doc['blobs'] !== undefined || doc['artifactType'] !== undefined) return MediaType.OCI_ARTIFACT_MANIFEST;
  throw manifestInvalid('mediaType is missing and cannot be inferred: the manifest has no config, manifests or blobs');
}
