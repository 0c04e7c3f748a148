import { createHmac, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { Sql } from '@wharf/db';
import { forbidden } from '../http/harbor-error';
import { SharedKey } from '../infra/shared-key';
import { SQL } from '../infra/tokens';

/** Harbor's header: responses carry the token, state-changing requests made with a session send it back. */
export const CSRF_HEADER = 'X-Harbor-CSRF-Token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

/** True for the methods a CSRF token is required for (as gorilla/csrf, which Harbor uses, decides). */
export function changesState(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}

/** The row of table `registry_secret` (the installation's shared keys; migration 0016) that keys the tokens. */
const CSRF_SECRET_NAME = 'console_csrf';

/**
 * The console's CSRF tokens: a MAC of the session's digest under a key every replica reads from
 * the database, so any replica checks a token another one handed out, with nothing stored per
 * token. A request without a session (the login form) gets the token of no session: it is no
 * secret (anyone can ask for it), but a page of another site cannot send it, since browsers
 * only let such pages add custom headers after a CORS preflight, which core never grants.
 */
@Injectable()
export class CsrfTokens {
  private readonly key: SharedKey;

  constructor(@Inject(SQL) sql: Sql) {
    this.key = new SharedKey(sql, CSRF_SECRET_NAME);
  }

  /** The token for requests of the session with this digest (undefined: no session). */
  async tokenFor(sessionDigest: string | undefined): Promise<string> {
    const mac = createHmac('sha256', await this.key.get());
    mac.update(sessionDigest === undefined ? 'no session' : `session ${sessionDigest}`);
    return mac.digest('base64url');
  }

  /**
   * Throws Harbor's 403 unless the request's `X-Harbor-CSRF-Token` is the token of one of the
   * given sessions (a digest, or undefined for no session).
   */
  async check(given: string | string[] | undefined, sessionDigests: readonly (string | undefined)[]): Promise<void> {
    // A repeated header is not a token.
    if (given === undefined || given === '') throw forbidden('CSRF token not found in request');
    const presented = Buffer.from(typeof given === 'string' ? given : '');
    for (const digest of sessionDigests) {
      const expected = Buffer.from(await this.tokenFor(digest));
      if (presented.length === expected.length && timingSafeEqual(presented, expected)) return;
    }
    throw forbidden('CSRF token invalid');
  }
}
