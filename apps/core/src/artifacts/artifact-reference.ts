import { parseReference } from '@wharf/oci';
import { badRequest } from '../http/harbor-error';

export type ArtifactReference = { kind: 'digest'; digest: string } | { kind: 'tag'; tag: string };

/** `{reference}`: a digest (it has a ':') or a tag; anything else is 400. */
export function artifactReference(raw: string): ArtifactReference {
  try {
    const ref = parseReference(raw);
    return ref.kind === 'digest' ? { kind: 'digest', digest: ref.digest } : { kind: 'tag', tag: ref.tag };
  } catch (err) {
    throw badRequest(`invalid reference ${JSON.stringify(raw.length > 80 ? `${raw.slice(0, 80)}...` : raw)}: ${(err as Error).message}`);
  }
}

export function describeReference(repository: string, ref: ArtifactReference): string {
  return ref.kind === 'digest' ? `${repository}@${ref.digest}` : `${repository}:${ref.tag}`;
}
