import { parseDigest, type DigestAlgorithm } from './digest';
import { OciError } from './errors';

/** Distribution-spec limits. Names and tags end up in URLs, storage paths and database keys. */
export const MAX_REPOSITORY_NAME_LENGTH = 255;
export const MAX_TAG_LENGTH = 128;

const PATH_COMPONENT = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*$/;
const TAG = /^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$/;
const TAG_FIRST_CHAR = /^[a-zA-Z0-9_]/;

function quote(s: string): string {
  return JSON.stringify(s.length > 80 ? `${s.slice(0, 80)}...` : s);
}

/**
 * Checks a repository name against the distribution-spec grammar
 * (`<component>(/<component>)*`, at most 255 characters). The grammar admits no '..' component,
 * no empty component and nothing outside [a-z0-9._-/], which is what makes names safe to use in
 * storage paths.
 * @throws OciError('NAME_INVALID') with the reason.
 */
export function validateRepositoryName(name: string): void {
  const fail = (reason: string): never => {
    throw new OciError('NAME_INVALID', reason);
  };
  if (typeof name !== 'string') fail('repository name must be a string');
  if (name === '') fail('repository name is empty');
  // Length first: it bounds the regex work below.
  if (name.length > MAX_REPOSITORY_NAME_LENGTH) {
    fail(`repository name is ${name.length} characters; the limit is ${MAX_REPOSITORY_NAME_LENGTH}`);
  }
  if (name.startsWith('/') || name.endsWith('/')) fail(`repository name must not start or end with '/'`);
  if (name.includes('//')) fail(`repository name must not contain an empty path component ('//')`);
  if (/[A-Z]/.test(name)) fail('repository name must be lowercase');
  for (const component of name.split('/')) {
    if (!PATH_COMPONENT.test(component)) {
      fail(
        `repository name component ${quote(component)} is invalid: components are lowercase letters and ` +
          `digits, separated by '.', '_', '__' or one or more '-'`,
      );
    }
  }
}

export function isValidRepositoryName(name: unknown): name is string {
  if (typeof name !== 'string') return false;
  try {
    validateRepositoryName(name);
    return true;
  } catch {
    return false;
  }
}

/**
 * Checks a tag: `[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}`.
 * @throws OciError('TAG_INVALID') with the reason.
 */
export function validateTag(tag: string): void {
  const fail = (reason: string): never => {
    throw new OciError('TAG_INVALID', reason);
  };
  if (typeof tag !== 'string') fail('tag must be a string');
  if (tag === '') fail('tag is empty');
  if (tag.length > MAX_TAG_LENGTH) fail(`tag is ${tag.length} characters; the limit is ${MAX_TAG_LENGTH}`);
  if (!TAG_FIRST_CHAR.test(tag)) fail(`tag ${quote(tag)} must start with a letter, a digit or '_'`);
  if (!TAG.test(tag)) fail(`tag ${quote(tag)} may only contain letters, digits, '.', '_' and '-'`);
}

export function isValidTag(tag: unknown): tag is string {
  if (typeof tag !== 'string') return false;
  try {
    validateTag(tag);
    return true;
  } catch {
    return false;
  }
}

export type Reference =
  | { kind: 'tag'; tag: string }
  | { kind: 'digest'; digest: string; algorithm: DigestAlgorithm; hex: string };

/**
 * The `<reference>` of `/v2/<name>/manifests/<reference>`. Tags cannot contain ':', so a ':' marks
 * a digest.
 * @throws OciError('DIGEST_INVALID') for a bad digest, OciError('TAG_INVALID') for a bad tag.
 */
export function parseReference(ref: string): Reference {
  if (typeof ref === 'string' && ref.includes(':')) {
    const { digest, algorithm, hex } = parseDigest(ref);
    return { kind: 'digest', digest, algorithm, hex };
  }
  validateTag(ref);
  return { kind: 'tag', tag: ref };
}

/**
 * An artifact as clients write it: `<repository>:<tag>`, or `<repository>@<digest>` for a digest
 * (which holds a ':' itself, so a tag can never be mistaken for one). Harbor names artifacts this
 * way in its audit log and its webhook payloads.
 */
export function artifactName(repository: string, reference: string): string {
  return `${repository}${reference.includes(':') ? '@' : ':'}${reference}`;
}
