import { Inject, Injectable } from '@nestjs/common';
import type { Access, Principal } from '@wharf/auth';
import type { IdentityStore } from '@wharf/identity';
import { AuditService } from '../audit/audit.service';
import { requireAuthenticated, requireSysadmin, userIdOf } from '../auth/authorize';
import { SettingsService } from '../configurations/settings.service';
import { badRequest, notFound, precondition } from '../http/harbor-error';
import { IDENTITY } from '../infra/tokens';
import { CLI_SECRET_RULES, cliSecretValid, randomCliSecret } from './cli-secret';
import { parseStoredToken, type StoredToken } from './oidc-token';
import { type OidcMembership, type OidcUserRow, OidcUserStore } from './oidc-user.store';
import { OidcSecrets } from './secret-box';

/** Harbor's OIDCUserInfo (a user's `oidc_user_meta`): the CLI secret in plain text, for its owner and administrators. */
export interface OidcUserInfoView {
  id: number;
  user_id: number;
  subiss: string;
  secret: string;
  creation_time: string;
  update_time: string;
}

/** OIDC users' records: onboarding, their tokens and groups after a login, their CLI secret. */
@Injectable()
export class OidcUsers {
  constructor(
    @Inject(IDENTITY) private readonly identity: IdentityStore,
    private readonly store: OidcUserStore,
    private readonly secrets: OidcSecrets,
    private readonly settings: SettingsService,
    private readonly audit: AuditService,
  ) {}

  sealToken(token: StoredToken): Promise<string> {
    return this.secrets.seal(JSON.stringify(token));
  }

  bySubjectAndIssuer(subject: string, issuer: string): Promise<OidcUserRow | undefined> {
    return this.store.bySubjectAndIssuer(subject, issuer);
  }

  /** A new account with a random CLI secret (Harbor's onboarding); returns its id. */
  async onboard(username: string, membership: OidcMembership, sealedToken: string): Promise<number> {
    return this.store.onboard(username, membership, { secret: await this.secrets.seal(randomCliSecret()), token: sealedToken });
  }

  /** After a login: the provider's new tokens, and groups and admin flag as it says now. */
  async refresh(userId: number, sealedToken: string, membership: OidcMembership): Promise<void> {
    await this.store.updateToken(userId, sealedToken);
    await this.store.syncGroups(userId, membership);
  }

  /** The ID token the provider last gave the user (login or refresh), if any. */
  async idTokenOf(userId: number): Promise<string | undefined> {
    const row = await this.store.byUserId(userId);
    return row ? parseStoredToken(await this.secrets.open(row.token)).id_token : undefined;
  }

  principal(userId: number): Promise<Principal | undefined> {
    return this.identity.principalForUserId(userId);
  }

  /** The user's oidc_user_meta while the auth mode is oidc_auth; undefined for others and in other modes. */
  async meta(userId: number): Promise<OidcUserInfoView | undefined> {
    if ((await this.settings.current()).auth_mode !== 'oidc_auth') return undefined;
    const row = await this.store.byUserId(userId);
    if (!row) return undefined;
    return {
      id: row.id,
      user_id: row.user_id,
      subiss: `${row.subject}${row.issuer}`,
      secret: await this.secrets.open(row.secret),
      creation_time: row.created_at.toISOString(),
      update_time: row.updated_at.toISOString(),
    };
  }

  /**
   * PUT /users/{id}/cli_secret: users set their own, administrators anyone's; an empty secret
   * is replaced by a random one. 412 outside oidc_auth and for users not onboarded through OIDC.
   */
  async setCliSecret(access: Access, clientIp: string, userId: number, secret: string): Promise<void> {
    requireAuthenticated(access);
    const mode = (await this.settings.current()).auth_mode;
    if (mode !== 'oidc_auth') throw precondition(`unable to update CLI secret under authmode: ${mode}`);
    if (userIdOf(access) !== userId) requireSysadmin(access);
    const user = await this.identity.principalForUserId(userId);
    if (!user || user.kind !== 'user') throw notFound(`user ${userId} not found`);
    const value = secret === '' ? randomCliSecret() : secret;
    if (!cliSecretValid(value)) throw badRequest(CLI_SECRET_RULES);
    if (!(await this.store.updateSecret(userId, await this.secrets.seal(value)))) {
      throw precondition(`user ${user.username} is not onboarded via OIDC authentication`);
    }
    await this.audit.recordFor(access, clientIp, { projectId: null, operation: 'update', resourceType: 'user', resource: user.username });
  }
}
