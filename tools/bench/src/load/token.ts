/**
 * The client side of the registry token protocol, as docker runs it for one push or pull: `GET
 * /v2/` answers 401 with a Bearer challenge naming the realm and the service; the client asks the
 * realm for a token of the repository's scope with its basic credentials, then sends the token as
 * `Authorization: Bearer` on every request of that push or pull.
 */

export interface RegistryLogin {
  username: string;
  password: string;
}

export interface BearerChallenge {
  realm: string;
  service?: string;
  scope?: string;
}

/** Parses `Bearer realm="…",service="…"` (quoted values may hold commas and escaped quotes). */
export function parseBearerChallenge(header: string | undefined): BearerChallenge {
  const m = /^\s*Bearer\s+(.*)$/i.exec(header ?? '');
  if (!m) throw new Error(`expected a Bearer challenge, got ${JSON.stringify(header ?? null)}`);
  const params: Record<string, string> = {};
  const param = /\s*([A-Za-z_]+)=(?:"((?:[^"\\]|\\.)*)"|([^",\s]*))\s*(?:,|$)/y;
  let at = 0;
  const text = m[1];
  while (at < text.length) {
    param.lastIndex = at;
    const p = param.exec(text);
    if (!p) throw new Error(`malformed Bearer challenge ${JSON.stringify(header)}`);
    params[p[1].toLowerCase()] = p[2] !== undefined ? p[2].replace(/\\(.)/g, '$1') : p[3];
    at = param.lastIndex;
  }
  if (!params['realm']) throw new Error(`the Bearer challenge names no realm: ${JSON.stringify(header)}`);
  return { realm: params['realm'], ...(params['service'] ? { service: params['service'] } : {}), ...(params['scope'] ? { scope: params['scope'] } : {}) };
}

export type RepositoryAction = 'pull' | 'push';

/** `repository:<name>:pull,push`, the scope docker asks for before a push (`pull` before a pull). */
export function repositoryScope(repository: string, actions: readonly RepositoryAction[]): string {
  return `repository:${repository}:${actions.join(',')}`;
}

/** The realm's URL with the `service` and one `scope` parameter per scope, as docker sends them. */
export function tokenUrl(challenge: BearerChallenge, scopes: readonly string[]): URL {
  const url = new URL(challenge.realm);
  if (challenge.service !== undefined) url.searchParams.set('service', challenge.service);
  for (const scope of scopes) url.searchParams.append('scope', scope);
  return url;
}

export function basicAuthorization(login: RegistryLogin): string {
  return `Basic ${Buffer.from(`${login.username}:${login.password}`, 'utf8').toString('base64')}`;
}

/** The token of a token service's JSON answer (`token`, or OAuth2's `access_token`), parsed or not. */
export function tokenOf(body: unknown): string {
  const parsed = (Buffer.isBuffer(body) || typeof body === 'string' ? JSON.parse(body.toString()) : body) as { token?: unknown; access_token?: unknown } | null;
  const token = parsed?.token ?? parsed?.access_token;
  if (typeof token !== 'string' || token === '') throw new Error('the token service answered without a token');
  return token;
}

/** The `access` claim of a JWT (read without verifying it: only to check what was granted). */
export function grantedAccess(token: string): { type: string; name: string; actions: string[] }[] {
  const payload = token.split('.')[1];
  if (payload === undefined) throw new Error('not a JWT');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { access?: { type: string; name: string; actions: string[] }[] };
  return claims.access ?? [];
}
