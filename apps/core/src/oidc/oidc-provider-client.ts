import { Injectable, Logger } from '@nestjs/common';
import * as client from 'openid-client';
import type { OidcSettings } from './oidc-settings';
import { type StoredToken, storedToken } from './oidc-token';
import { providerFetch } from './provider-fetch';

/**
 * How long a provider's discovery document is used before it is read again. Harbor reads it again
 * after three seconds; a minute still follows a changed configuration soon, without a request to
 * the provider for every CLI login.
 */
const DISCOVERY_CACHE_MS = 60_000;

/** The part of the settings a client configuration depends on. */
type ClientSettings = Pick<OidcSettings, 'endpoint' | 'clientId' | 'clientSecret' | 'verifyCert'>;

async function discover(settings: ClientSettings): Promise<client.Configuration> {
  const url = new URL(settings.endpoint);
  const auth = settings.clientSecret === '' ? client.None() : client.ClientSecretBasic(settings.clientSecret);
  // Harbor talks to a provider over plain http too (a provider on the same private network).
  return client.discovery(url, settings.clientId, undefined, auth, {
    [client.customFetch]: providerFetch(settings.verifyCert),
    execute: url.protocol === 'http:' ? [client.allowInsecureRequests] : [],
  });
}

/**
 * Core's side of the provider (openid-client): its discovery document (cached), the authorization
 * URL with PKCE, state and nonce, the code exchange, refreshes and the userinfo endpoint.
 */
@Injectable()
export class OidcProviderClient {
  private readonly logger = new Logger('oidc');
  private cached: { key: string; at: number; configuration: Promise<client.Configuration> } | undefined;

  /** Harbor's ping: the endpoint answers a valid discovery document; throws why not. */
  async ping(endpoint: string, verifyCert: boolean): Promise<void> {
    await discover({ endpoint, clientId: 'wharf-ping', clientSecret: '', verifyCert });
  }

  async configuration(settings: ClientSettings): Promise<client.Configuration> {
    const key = JSON.stringify([settings.endpoint, settings.clientId, settings.clientSecret, settings.verifyCert]);
    const now = Date.now();
    if (this.cached?.key !== key || now - this.cached.at > DISCOVERY_CACHE_MS) {
      const configuration = discover(settings);
      this.cached = { key, at: now, configuration };
      // A failed discovery is tried again by the next caller.
      configuration.catch(() => {
        if (this.cached?.configuration === configuration) this.cached = undefined;
      });
    }
    return this.cached.configuration;
  }

  /** The issuer and JWKS location the discovery document names. */
  async metadata(settings: ClientSettings): Promise<{ issuer: string; jwksUri: string | undefined; endSession: string | undefined }> {
    const meta = (await this.configuration(settings)).serverMetadata();
    return { issuer: meta.issuer, jwksUri: meta.jwks_uri, endSession: meta.end_session_endpoint };
  }

  async authorizationUrl(settings: OidcSettings, checks: { state: string; nonce: string; codeVerifier: string }): Promise<string> {
    const configuration = await this.configuration(settings);
    const url = client.buildAuthorizationUrl(configuration, {
      ...settings.extraRedirectParams,
      redirect_uri: settings.redirectUrl,
      scope: settings.scopes.join(' '),
      state: checks.state,
      nonce: checks.nonce,
      code_challenge: await client.calculatePKCECodeChallenge(checks.codeVerifier),
      code_challenge_method: 'S256',
    });
    return url.href;
  }

  /**
   * Exchanges the code of the provider's redirect (`query`, as the callback received it) for
   * tokens; openid-client checks state, nonce and the ID token's claims on the way.
   */
  async exchange(settings: OidcSettings, query: string, checks: { state: string; nonce: string; codeVerifier: string }): Promise<StoredToken> {
    const configuration = await this.configuration(settings);
    const current = new URL(settings.redirectUrl);
    current.search = query;
    const answer = await client.authorizationCodeGrant(configuration, current, {
      pkceCodeVerifier: checks.codeVerifier,
      expectedState: checks.state,
      expectedNonce: checks.nonce,
      idTokenExpected: true,
    });
    return storedToken(answer);
  }

  async refresh(settings: OidcSettings, token: StoredToken): Promise<StoredToken> {
    if (!token.refresh_token) throw new Error('no refresh token');
    const answer = await client.refreshTokenGrant(await this.configuration(settings), token.refresh_token);
    return storedToken(answer, token);
  }

  /** The userinfo endpoint's claims for the token's user; undefined (and a warning) when it cannot say. */
  async userInfo(settings: OidcSettings, token: StoredToken, subject: string): Promise<Record<string, unknown> | undefined> {
    try {
      const configuration = await this.configuration(settings);
      if (!configuration.serverMetadata().userinfo_endpoint) return undefined;
      return (await client.fetchUserInfo(configuration, token.access_token, subject)) as Record<string, unknown>;
    } catch (err) {
      this.logger.warn(`failed to read the userinfo endpoint: error=${JSON.stringify((err as Error).message)}`);
      return undefined;
    }
  }
}
