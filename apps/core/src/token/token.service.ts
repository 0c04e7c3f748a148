import type { KeyObject } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { Access, formatScope, grantedRegistryActions, parseScopes, ProjectRef, Scope, signToken, TokenAccess, type TokenClaims, TtlCache } from '@wharf/auth';
import type { IdentityStore } from '@wharf/identity';
import { isValidRepositoryName } from '@wharf/oci';
import type { CoreConfig } from '../config';
import { SettingsService } from '../configurations/settings.service';
import { badRequest } from '../http/harbor-error';
import { CORE_CONFIG, IDENTITY } from '../infra/tokens';
import { SIGNING_KEY } from './signing-key';
import type { TokenRequest, TokenResponse } from './token-request';

/** A token signed this recently for the same claims is handed out again (see TokenService.signed). */
const TOKEN_REUSE_MS = 10_000;

/** More scopes than any client asks for at once; bounds the lookups one request can cause. */
const MAX_SCOPES = 100;

/**
 * Issues registry bearer tokens: for each requested scope, exactly the actions the caller holds
 * (the one permission matrix of @wharf/auth decides), never more than were asked for. Scopes the
 * caller holds nothing of stay in the token with no actions, as Harbor's do.
 */
@Injectable()
export class TokenService {
  private readonly logger = new Logger('token');
  private readonly recent = new TtlCache<string, { token: string; claims: TokenClaims }>(TOKEN_REUSE_MS, 10_000);

  constructor(
    @Inject(CORE_CONFIG) private readonly config: CoreConfig,
    @Inject(IDENTITY) private readonly identity: IdentityStore,
    @Inject(SIGNING_KEY) private readonly signingKey: KeyObject,
    private readonly settings: SettingsService,
  ) {}

  async issue(access: Access, request: TokenRequest): Promise<TokenResponse> {
    const { service } = this.config.token;
    // Harbor answers 400 for a service it does not issue for: a token for another audience
    // would only be refused by the registry later, with a less helpful message.
    if (request.service !== service) {
      throw badRequest(
        request.service === undefined || request.service === ''
          ? `the service parameter is required (this token service issues tokens for "${service}")`
          : `unknown service "${request.service}": this token service issues tokens for "${service}"`,
      );
    }
    const { scopes, invalid } = parseScopes(request.scopes);
    if (invalid.length > 0) throw badRequest(`invalid scope "${invalid[0]}": expected type:name:action[,action...]`);
    if (scopes.length > MAX_SCOPES) throw badRequest(`too many scopes: at most ${MAX_SCOPES} per token`);

    const projects = new Map<string, Promise<ProjectRef | undefined>>();
    const granted: TokenAccess[] = [];
    for (const scope of scopes) {
      granted.push({ type: scope.type, name: scope.name, actions: await this.grant(access, scope, projects) });
    }
    const expiresIn = (await this.settings.current()).token_expiration * 60;
    const { token, claims, reused } = await this.signed(subjectOf(access), service, granted, expiresIn);
    this.logger.debug(`issued token: subject=${JSON.stringify(claims.sub)} granted=${JSON.stringify(granted.filter((a) => a.actions.length > 0).map(formatScope))}`);
    // A token handed out again has less of its lifetime left.
    const left = reused ? Math.min(expiresIn, claims.exp - Math.floor(Date.now() / 1000)) : expiresIn;
    return { token, access_token: token, expires_in: left, issued_at: new Date(claims.iat * 1000).toISOString() };
  }

  /**
   * The token for exactly these claims: signed afresh, or the one this process signed for the same
   * subject, audience, grants and lifetime less than TOKEN_REUSE_MS ago. The RS256 signature is
   * most of a token request's CPU (~2 ms here), and clients ask for the same token again and again
   * (docker before each push and pull of a repository, CI jobs in parallel). Handing out a token
   * signed a few seconds earlier grants nothing a fresh one would not, and the grants are computed
   * for every request first, so a changed permission is never served from here.
   */
  private async signed(subject: string, audience: string, access: TokenAccess[], expiresIn: number): Promise<{ token: string; claims: TokenClaims; reused: boolean }> {
    const key = JSON.stringify([subject, audience, expiresIn, access]);
    const recent = this.recent.get(key);
    if (recent) return { ...recent, reused: true };
    const fresh = await signToken(this.signingKey, { issuer: this.config.token.issuer, audience, subject, access, expiresIn });
    this.recent.set(key, fresh);
    return { ...fresh, reused: false };
  }

  private async grant(access: Access, scope: Scope, projects: Map<string, Promise<ProjectRef | undefined>>): Promise<string[]> {
    if (scope.resourceClass !== undefined) return [];
    if (scope.type === 'registry') {
      // Listing everything is for system administrators; the registry filters the catalog for others.
      return scope.name === 'catalog' && scope.actions.includes('*') && access.isSysadmin ? ['*'] : [];
    }
    if (scope.type !== 'repository' || !isValidRepositoryName(scope.name)) return [];
    const projectName = scope.name.slice(0, Math.max(0, scope.name.indexOf('/')));
    // A name without a project part, or in a project that does not exist, gets nothing: the
    // registry never creates projects, so a push there could not succeed anyway.
    if (projectName === '') return [];
    let project = projects.get(projectName);
    if (!project) {
      project = this.identity.project(projectName);
      projects.set(projectName, project);
    }
    const found = await project;
    return found ? grantedRegistryActions(access, found, scope.actions) : [];
  }
}

/** The token's `sub`: the user or robot name; empty for anonymous callers. */
function subjectOf(access: Access): string {
  const p = access.principal;
  return p.kind === 'user' ? p.username : p.kind === 'robot' ? p.name : '';
}
