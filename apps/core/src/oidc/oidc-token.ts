/**
 * The provider's tokens kept for an OIDC user (Harbor keeps its oauth2.Token with the raw ID
 * token): the refresh token lets the CLI secret go on working while the provider still accepts
 * it, the ID token says who the user is and which groups they are in.
 */
export interface StoredToken {
  access_token: string;
  token_type: string;
  refresh_token?: string;
  id_token?: string;
  /** Milliseconds since the epoch; absent: the provider gave no lifetime. */
  expires_at?: number;
}

/** oauth2's early expiry: a token this close to its end counts as expired already. */
const EXPIRY_DELTA_MS = 10_000;

/** oauth2's Token.Valid, which Harbor asks before it refreshes: an access token that is not (about to be) expired. */
export function tokenValid(token: StoredToken, now = Date.now()): boolean {
  if (!token.access_token) return false;
  return token.expires_at === undefined || token.expires_at - EXPIRY_DELTA_MS > now;
}

/** What the token endpoint answered, as kept; a refresh that omits a token keeps the earlier one. */
export function storedToken(answer: { access_token: string; token_type?: string; refresh_token?: string; id_token?: string; expires_in?: number }, previous?: StoredToken): StoredToken {
  return {
    access_token: answer.access_token,
    token_type: answer.token_type ?? 'bearer',
    refresh_token: answer.refresh_token ?? previous?.refresh_token,
    id_token: answer.id_token ?? previous?.id_token,
    expires_at: typeof answer.expires_in === 'number' ? Date.now() + answer.expires_in * 1000 : undefined,
  };
}

export function parseStoredToken(json: string): StoredToken {
  const value = JSON.parse(json) as Partial<StoredToken>;
  if (typeof value.access_token !== 'string') throw new Error('the stored token has no access token');
  return value as StoredToken;
}
