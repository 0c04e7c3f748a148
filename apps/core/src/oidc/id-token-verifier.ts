import { KeyObject, type webcrypto } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { createRemoteJWKSet, customFetch, decodeProtectedHeader, type JWTPayload, jwtVerify } from 'jose';
import { OidcProviderClient } from './oidc-provider-client';
import type { OidcSettings } from './oidc-settings';
import { providerFetch } from './provider-fetch';

/** Signatures count, lifetimes not: Harbor's parse of a stored ID token (SkipExpiryCheck). */
const CENTURY_S = 100 * 365 * 24 * 3600;

export interface IdTokenChecks {
  /** Off for a stored token whose lifetime is over (the refresh token says whether the user still counts). */
  expiry: boolean;
  /** Off for a stored token, as Harbor's parse (SkipClientIDCheck); on for a bearer token presented to the API. */
  audience: boolean;
}

/**
 * Verifies ID tokens against the provider's keys: the signature (JWKS from the discovery
 * document, fetched by jose and kept per issuer and key location), the issuer, and unless told
 * otherwise the audience (the client id) and the lifetime.
 */
@Injectable()
export class IdTokenVerifier {
  private readonly keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

  constructor(private readonly provider: OidcProviderClient) {}

  /** The token's claims; throws when it is not a valid ID token of the configured provider. */
  async verify(raw: string, settings: OidcSettings, checks: IdTokenChecks): Promise<JWTPayload & { sub: string; iss: string }> {
    const { issuer, jwksUri } = await this.provider.metadata(settings);
    if (!jwksUri) throw new Error('the provider publishes no jwks_uri');
    const { payload } = await jwtVerify(raw, this.keySet(issuer, jwksUri, settings.verifyCert), {
      issuer,
      audience: checks.audience ? settings.clientId : undefined,
      clockTolerance: checks.expiry ? 30 : CENTURY_S,
    });
    if (typeof payload.sub !== 'string' || payload.sub === '') throw new Error('the ID token has no subject');
    return payload as JWTPayload & { sub: string; iss: string };
  }

  /**
   * The provider's public key that signed `raw` (chosen by its header's kid and alg from the
   * provider's JWKS), for verifiers other than jose's: passport-jwt checks the bearer tokens.
   */
  async keyFor(raw: string, settings: OidcSettings): Promise<KeyObject> {
    const { issuer, jwksUri } = await this.provider.metadata(settings);
    if (!jwksUri) throw new Error('the provider publishes no jwks_uri');
    const key = await this.keySet(issuer, jwksUri, settings.verifyCert)(decodeProtectedHeader(raw), { payload: '', signature: '' });
    return KeyObject.from(key as webcrypto.CryptoKey);
  }

  private keySet(issuer: string, jwksUri: string, verifyCert: boolean): ReturnType<typeof createRemoteJWKSet> {
    const key = JSON.stringify([issuer, jwksUri, verifyCert]);
    let keySet = this.keySets.get(key);
    if (!keySet) {
      keySet = createRemoteJWKSet(new URL(jwksUri), { [customFetch]: providerFetch(verifyCert) as never });
      // One provider is configured at a time: keys of earlier configurations are dropped.
      this.keySets.clear();
      this.keySets.set(key, keySet);
    }
    return keySet;
  }
}
