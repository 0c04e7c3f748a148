import { createHash, randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { HarborError } from '../http/harbor-error';
import { REDIS } from '../infra/tokens';
import { cookieValue } from '../session/session-cookie';
import type { OidcUserInfo } from './oidc-claims';

/** The browser's handle on its login in progress: a cookie for the OIDC routes only. */
export const LOGIN_COOKIE = 'oidc_login';

/** How long a browser may spend at the provider, and on the onboarding page after it. */
export const PENDING_LOGIN_TTL_S = 600;

/** What the login remembers between the redirect to the provider and its callback. */
export interface LoginStart {
  state: string;
  nonce: string;
  codeVerifier: string;
  /** Where the console goes after the login (a local path), or ''. */
  redirectUrl: string;
}

/** A user the provider vouched for who still has to pick a user name (the onboarding page). */
export interface PendingOnboard {
  info: OidcUserInfo;
  /** The provider's tokens, sealed. */
  token: string;
  redirectUrl: string;
}

const ID = /^[A-Za-z0-9_-]{43}$/;

/** The login cookie a request carries, if well-formed. */
export function loginIdOf(cookieHeader: string | undefined): string | undefined {
  return cookieValue(cookieHeader, LOGIN_COOKIE, ID);
}

export function loginCookie(id: string, secure: boolean): string {
  return `${LOGIN_COOKIE}=${id}; Path=/c/oidc; Max-Age=${PENDING_LOGIN_TTL_S}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}

export function clearedLoginCookie(secure: boolean): string {
  return `${LOGIN_COOKIE}=; Path=/c/oidc; Max-Age=0; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}

/**
 * Logins in progress, in Redis so that the callback may reach another core replica than the one
 * that sent the browser to the provider. Keyed by a hash of the browser's cookie (Redis never
 * holds the cookie itself); each record is taken once: a replayed callback finds nothing.
 */
@Injectable()
export class PendingLogins {
  private readonly logger = new Logger('oidc');

  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  newId(): string {
    return randomBytes(32).toString('base64url');
  }

  async saveStart(id: string, start: LoginStart): Promise<void> {
    await this.reachable(() => this.redis.set(this.key('start', id), JSON.stringify(start), 'EX', PENDING_LOGIN_TTL_S));
  }

  /** The login started with this cookie, removed as it is read. */
  async takeStart(id: string): Promise<LoginStart | undefined> {
    const raw = await this.reachable(() => this.redis.getdel(this.key('start', id)));
    return raw === null ? undefined : (JSON.parse(raw) as LoginStart);
  }

  async saveOnboard(id: string, pending: PendingOnboard): Promise<void> {
    await this.reachable(() => this.redis.set(this.key('onboard', id), JSON.stringify(pending), 'EX', PENDING_LOGIN_TTL_S));
  }

  async onboard(id: string): Promise<PendingOnboard | undefined> {
    const raw = await this.reachable(() => this.redis.get(this.key('onboard', id)));
    return raw === null ? undefined : (JSON.parse(raw) as PendingOnboard);
  }

  async forgetOnboard(id: string): Promise<void> {
    await this.reachable(() => this.redis.del(this.key('onboard', id)));
  }

  private key(kind: 'start' | 'onboard', id: string): string {
    return `wharf:oidc:${kind}:${createHash('sha256').update(id).digest('hex')}`;
  }

  private async reachable<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      this.logger.warn(`failed to reach the login store: error=${JSON.stringify((err as Error).message)}`);
      throw new HarborError('SERVICE_UNAVAILABLE', 'the session store (Redis) cannot be reached; try again later');
    }
  }
}
