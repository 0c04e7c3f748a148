/** A token request, from the GET query or the OAuth2 POST form alike. */
export interface TokenRequest {
  /** The registry the token is for (its `aud`). */
  service: string | undefined;
  /** Raw `scope` values: repeated parameters, each possibly several space-separated scopes. */
  scopes: string[];
}

/** What the token service answers (Docker registry token specification). */
export interface TokenResponse {
  token: string;
  /** The same token under its OAuth2 name: clients read either. */
  access_token: string;
  /** Seconds the token is valid. */
  expires_in: number;
  /** RFC 3339. */
  issued_at: string;
}

/** One query or form value as a string (the first when repeated); undefined for anything else. */
export function single(value: unknown): string | undefined {
  if (Array.isArray(value)) return single(value[0]);
  return typeof value === 'string' ? value : undefined;
}

/** Every string value of a repeatable parameter. */
export function many(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return typeof value === 'string' ? [value] : [];
}
