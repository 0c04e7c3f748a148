import { Inject, Injectable, Logger } from '@nestjs/common';
import type { Principal } from '@wharf/auth';
import type { IdentityStore } from '@wharf/identity';
import type { FastifyRequest } from 'fastify';
import { SettingsService } from '../configurations/settings.service';
import { HarborError } from '../http/harbor-error';
import { IDENTITY } from '../infra/tokens';
import { newSessionId, sessionDigest, sessionIdOf } from './session-cookie';
import { renewalDue, SessionStore } from './session.store';

/** A console session as the request it authenticated knows it. */
export interface ConsoleSession {
  digest: string;
  userId: number;
  principal: Principal;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The console session that authenticated the request (set by ApiAuthGuard). */
    consoleSession?: ConsoleSession;
  }
}

/** Harbor's header for requests that must not keep a session alive (the console's background polling). */
export const NO_SESSION_RENEWAL_HEADER = 'x-harbor-no-session-renewal';

const MINUTE_MS = 60_000;

/**
 * The web console's login sessions: started by POST /c/login, ended by GET /c/log_out or after
 * `session_timeout` minutes unused, kept in Redis (SessionStore) so that any replica serves them.
 * A session names its user, who is read again for every request: a deleted user's sessions end,
 * and so do a user's sessions when their password changes (the session holds a stamp of it).
 */
@Injectable()
export class ConsoleSessions {
  private readonly logger = new Logger('session');

  constructor(
    private readonly store: SessionStore,
    @Inject(IDENTITY) private readonly identity: IdentityStore,
    private readonly settings: SettingsService,
  ) {}

  /** Starts a session for a user who just proved who they are; returns the id for the cookie. */
  async start(user: Extract<Principal, { kind: 'user' }>): Promise<{ sid: string; digest: string }> {
    const current = await this.identity.userById(user.id);
    // Deleted between the password check and now.
    if (!current) throw new HarborError('UNAUTHORIZED', 'invalid username or password');
    const sid = newSessionId();
    const digest = sessionDigest(sid);
    const timeoutMs = this.timeoutMs(await this.settings.current());
    const now = Date.now();
    await this.reachable('start', () => this.store.create(digest, { userId: user.id, passwordStamp: current.passwordStamp, createdAt: now, renewedAt: now }, timeoutMs));
    return { sid, digest };
  }

  /**
   * The session of the request's cookie, renewed when due (unless the request asks Harbor's
   * no-renewal); undefined when there is none, it ended, or its user is gone or has another
   * password now. 503 when Redis cannot be reached.
   */
  async resume(request: FastifyRequest): Promise<ConsoleSession | undefined> {
    const sid = sessionIdOf(request.headers.cookie);
    if (sid === undefined) return undefined;
    const digest = sessionDigest(sid);
    const found = await this.reachable('read', () => this.store.read(digest));
    if (!found) return undefined;
    const { record, remainingMs } = found;
    const user = await this.identity.userById(record.userId);
    if (!user || user.passwordStamp !== record.passwordStamp) {
      await this.forget(digest);
      return undefined;
    }
    const timeoutMs = this.timeoutMs(await this.settings.current());
    if (request.headers[NO_SESSION_RENEWAL_HEADER] === undefined && renewalDue(remainingMs, timeoutMs)) {
      try {
        await this.store.renew(digest, { ...record, renewedAt: Date.now() }, timeoutMs);
      } catch (err) {
        // The session was read: this request goes on; the next one tries again.
        this.logger.warn(`failed to renew a session: error=${JSON.stringify((err as Error).message)}`);
      }
    }
    return { digest, userId: record.userId, principal: user.principal };
  }

  /** Ends the session of the request's cookie, if any; 503 when Redis cannot be reached. */
  async end(request: FastifyRequest): Promise<void> {
    const sid = sessionIdOf(request.headers.cookie);
    if (sid !== undefined) await this.reachable('end', () => this.store.delete(sessionDigest(sid)));
  }

  /**
   * After users changed their own password through a session, that session goes on (their
   * others end): it takes the new password's stamp. Best effort: failing, the user logs in again.
   */
  async keepAfterPasswordChange(request: FastifyRequest, userId: number): Promise<void> {
    const session = request.consoleSession;
    if (session?.userId !== userId) return;
    try {
      const current = await this.identity.userById(userId);
      const found = await this.store.read(session.digest);
      if (!current || !found) return;
      await this.store.renew(session.digest, { ...found.record, passwordStamp: current.passwordStamp, renewedAt: Date.now() }, this.timeoutMs(await this.settings.current()));
    } catch (err) {
      this.logger.warn(`failed to keep a session after a password change: error=${JSON.stringify((err as Error).message)}`);
    }
  }

  private async forget(digest: string): Promise<void> {
    try {
      await this.store.delete(digest);
    } catch {
      // It is refused on every use anyway, and expires.
    }
  }

  private timeoutMs(settings: { session_timeout: number }): number {
    return settings.session_timeout * MINUTE_MS;
  }

  /** Runs a store operation; Redis out of reach is 503 (the breaker logs why, once per interval). */
  private async reachable<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      this.logger.debug(`failed to ${what} a session: error=${JSON.stringify((err as Error).message)}`);
      throw new HarborError('SERVICE_UNAVAILABLE', 'the session store (Redis) cannot be reached; try again later', { logged: true });
    }
  }
}
