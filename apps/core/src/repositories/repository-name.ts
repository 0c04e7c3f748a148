import { isValidRepositoryName } from '@wharf/oci';
import { badRequest } from '../http/harbor-error';

/**
 * The `{repository_name}` path parameter, without its project. Harbor asks clients to encode a
 * '/' twice (`a%252Fb`): the router decodes once, this decodes the rest. Clients that encode once
 * (`a%2Fb`) arrive already decoded. Repository names never contain '%', so one more decoding of
 * anything still holding one is safe.
 */
export function repositoryParam(raw: string): string {
  let name = raw;
  if (name.includes('%')) {
    try {
      name = decodeURIComponent(name);
    } catch {
      throw badRequest(`invalid repository name ${JSON.stringify(raw)}: bad percent-encoding`);
    }
  }
  return name;
}

/** `project/repo`, checked against the distribution grammar (400 when it cannot be a name). */
export function fullRepositoryName(project: string, raw: string): string {
  const full = `${project}/${repositoryParam(raw)}`;
  if (!isValidRepositoryName(full)) throw badRequest(`invalid repository name ${JSON.stringify(full)}`);
  return full;
}

/** The repository name without its project, for Location headers and links (encoded twice, as Harbor). */
export function encodeRepositoryParam(fullName: string): string {
  const short = fullName.slice(fullName.indexOf('/') + 1);
  return encodeURIComponent(encodeURIComponent(short));
}
