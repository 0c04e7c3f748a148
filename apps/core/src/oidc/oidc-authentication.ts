import { timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Principal } from '@wharf/auth';
import type { IdentityStore } from '@wharf/identity';
import type { CoreConfig } from '../config';
import { SettingsService } from '../configurations/settings.service';
import { CORE_CONFIG, IDENTITY } from '../infra/tokens';
import { IdTokenVerifier } from './id-token-verifier';
import { mergeUserInfo, type OidcUserInfo, userInfoFromClaims } from './oidc-claims';
import { OidcProviderClient } from './oidc-provider-client';
import { type OidcSettings, oidcSettingsOf } from './oidc-settings';
import { parseStoredToken, type StoredToken, tokenValid } from './oidc-token';
import { type OidcMembership, OidcUserStore } from './oidc-user.store';
import { OidcSecrets } from './secret-box';

/** What a CLI secret check found: the user, a refusal, or a name that is not an OIDC user's. */
export type CliSecretResult = { kind: 'user'; principal: Principal } | { kind: 'refused' } | { kind: 'not-oidc' };

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * OIDC users' credentials for the API and the token service (auth_mode oidc_auth): the CLI secret
 * in place of a password, as Harbor's oidc_cli middleware checks it (the user's provider token must
 * still be valid or refreshable), and an ID token of the provider as a bearer token (Harbor's
 * idtoken middleware). Either brings the user's groups and admin flag up to what the provider says.
 */
@Injectable()
export class OidcAuthentication {
  private readonly logger = new Logger('oidc');

  constructor(
    @Inject(CORE_CONFIG) private readonly config: CoreConfig,
    @Inject(IDENTITY) private readonly identity: IdentityStore,
    private readonly settings: SettingsService,
    private readonly users: OidcUserStore,
    private readonly secrets: OidcSecrets,
    private readonly provider: OidcProviderClient,
    private readonly verifier: IdTokenVerifier,
  ) {}

  /** The OIDC settings while the auth mode is oidc_auth; undefined in other modes. */
  async activeSettings(): Promise<OidcSettings | undefined> {
    const current = await this.settings.current();
    return current.auth_mode === 'oidc_auth' ? oidcSettingsOf(current, this.config.externalUrl) : undefined;
  }

  /**
   * Checks `secret` as the CLI secret of OIDC user `username`; `not-oidc` when the mode is not
   * oidc_auth or the name is no OIDC user's (the caller then checks it as a password).
   */
  async checkCliSecret(username: string, secret: string): Promise<CliSecretResult> {
    const settings = await this.activeSettings();
    if (!settings) return { kind: 'not-oidc' };
    const row = await this.users.byUsername(username);
    if (!row) return { kind: 'not-oidc' };
    if (!sameText(secret, await this.secrets.open(row.secret))) return { kind: 'refused' };
    let token: StoredToken;
    try {
      token = parseStoredToken(await this.secrets.open(row.token));
      if (!tokenValid(token)) {
        token = await this.provider.refresh(settings, token);
        await this.users.updateToken(row.user_id, await this.secrets.seal(JSON.stringify(token)));
      }
    } catch (err) {
      // The provider no longer vouches for the user (refresh refused, session ended): the secret stops working.
      this.logger.warn(`failed to refresh the token of an OIDC user: user=${JSON.stringify(username)} error=${JSON.stringify((err as Error).message)}`);
      return { kind: 'refused' };
    }
    try {
      const info = await this.userInfoOf(settings, token);
      await this.users.syncGroups(row.user_id, this.membership(settings, info));
    } catch (err) {
      this.logger.warn(`failed to read the groups of an OIDC user: user=${JSON.stringify(username)} error=${JSON.stringify((err as Error).message)}`);
      return { kind: 'refused' };
    }
    const principal = await this.identity.principalForUserId(row.user_id);
    return principal ? { kind: 'user', principal } : { kind: 'refused' };
  }

  /**
   * The user of an ID token presented as a bearer token, whose signature and lifetime passport-jwt
   * checked (OidcIdTokenStrategy): issued by the configured provider, for this client, of an
   * onboarded user, whose groups then follow the token's claims. Undefined otherwise (the caller
   * answers 401), and in other auth modes.
   */
  async principalForIdToken(claims: Record<string, unknown>): Promise<Principal | undefined> {
    const settings = await this.activeSettings();
    if (!settings) return undefined;
    const { issuer } = await this.provider.metadata(settings);
    const audience = claims.aud;
    const forUs = audience === settings.clientId || (Array.isArray(audience) && audience.includes(settings.clientId));
    if (claims.iss !== issuer || !forUs || typeof claims.sub !== 'string' || claims.sub === '') {
      this.logger.warn(`refused an ID token: issuer=${JSON.stringify(claims.iss)} audience=${JSON.stringify(audience)}`);
      return undefined;
    }
    const row = await this.users.bySubjectAndIssuer(claims.sub, issuer);
    if (!row) return undefined;
    await this.users.syncGroups(row.user_id, this.membership(settings, userInfoFromClaims(claims, settings)));
    return await this.identity.principalForUserId(row.user_id);
  }

  /** Harbor's UserInfoFromToken: the stored ID token's claims (signature checked), completed by the userinfo endpoint. */
  async userInfoOf(settings: OidcSettings, token: StoredToken): Promise<OidcUserInfo> {
    if (!token.id_token) throw new Error('no ID token');
    const claims = await this.verifier.verify(token.id_token, settings, { expiry: false, audience: false });
    const local = userInfoFromClaims(claims, settings);
    const remoteClaims = await this.provider.userInfo(settings, token, claims.sub);
    return mergeUserInfo(local, remoteClaims && userInfoFromClaims(remoteClaims, settings), settings.userClaim, claims);
  }

  membership(settings: OidcSettings, info: OidcUserInfo): OidcMembership {
    return { info, groupFilter: settings.groupFilter, adminGroupConfigured: settings.adminGroup !== '' };
  }
}
