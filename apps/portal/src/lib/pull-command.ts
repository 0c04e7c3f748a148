/**
 * Pull commands as the console offers them to copy: the registry is the host the console is served
 * from (window.location.host), the repository its full name (project included), the artifact a tag
 * or a digest.
 */

export type PullClient = 'docker' | 'podman';

const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]{32,}$/;
const TAG = /^\w[\w.-]{0,127}$/;

export function isDigest(reference: string): boolean {
  return DIGEST.test(reference);
}

/**
 * The registry host for an image reference. `location.host` already brackets an IPv6 address
 * and leaves out a default port; a bare IPv6 address (more than one colon, no brackets) gets its
 * brackets here, or the client would read its last group as a port.
 */
export function registryHost(host: string): string {
  const trimmed = host.trim().replace(/\/+$/, '');
  if (!trimmed) throw new Error('the registry host is empty');
  if (!trimmed.startsWith('[') && (trimmed.match(/:/g) ?? []).length > 1) return `[${trimmed}]`;
  return trimmed;
}

/** `<host>/<repository>:<tag>` or `<host>/<repository>@<digest>`. */
export function pullReference(host: string, repository: string, reference: string): string {
  const name = repository.replace(/^\/+|\/+$/g, '');
  if (!name) throw new Error('the repository name is empty');
  if (isDigest(reference)) return `${registryHost(host)}/${name}@${reference}`;
  if (!TAG.test(reference)) throw new Error(`not a tag or a digest: ${reference}`);
  return `${registryHost(host)}/${name}:${reference}`;
}

export function pullCommand(client: PullClient, host: string, repository: string, reference: string): string {
  return `${client} pull ${pullReference(host, repository, reference)}`;
}
