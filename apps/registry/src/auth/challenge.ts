import { OciError } from '@wharf/oci';
import type { AccessRequest } from './access';

/** Why a bearer token did not do (RFC 6750 error codes, as distribution's token auth sends them). */
export type ChallengeError = 'invalid_token' | 'insufficient_scope';

/** `repository:team/app:pull,push`; the catalog is `registry:catalog:*`. */
export function scopeOf(access: AccessRequest): string {
  return `${access.type}:${access.name}:${access.actions.join(',')}`;
}

/**
 * The `WWW-Authenticate` value that sends a client to the token service: the realm, the service
 * and every scope the request needs (none for `/v2/`), space-separated in one `scope` parameter.
 */
export function bearerChallenge(realm: string, service: string, access: readonly AccessRequest[], error?: ChallengeError): string {
  const scopes = access.filter((a) => a.actions.length > 0).map(scopeOf);
  let value = `Bearer realm=${quote(realm)},service=${quote(service)}`;
  if (scopes.length > 0) value += `,scope=${quote(scopes.join(' '))}`;
  if (error) value += `,error=${quote(error)}`;
  return value;
}

function quote(value: string): string {
  return `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/** 401 UNAUTHORIZED with the challenge; `detail` lists each action the request needed, as distribution does. */
export function unauthorized(challenge: string, message: string, access: readonly AccessRequest[]): OciError {
  const needed = access.flatMap((a) => a.actions.map((action) => ({ Type: a.type, Name: a.name, Action: action })));
  return new OciError('UNAUTHORIZED', message, needed.length > 0 ? needed : undefined, { 'WWW-Authenticate': challenge });
}
