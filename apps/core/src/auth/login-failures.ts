import { Inject, Injectable, Logger } from '@nestjs/common';
import type { LoginThrottle } from '@wharf/identity';
import { HarborError } from '../http/harbor-error';
import { LOGIN_THROTTLE } from '../infra/tokens';

/**
 * The login throttle's counters of one account, as the user and robot APIs change them: an
 * administrator's unlock, and the clean slate a new password or secret gives.
 */
@Injectable()
export class LoginFailures {
  private readonly logger = new Logger('auth');

  constructor(@Inject(LOGIN_THROTTLE) private readonly throttle: LoginThrottle) {}

  /** Unlocks a login name everywhere; 503 when the counters (Redis) cannot be reached. */
  async clear(login: string): Promise<void> {
    try {
      await this.throttle.clear(login);
    } catch (err) {
      this.logger.error(`failed to clear login failures: user=${JSON.stringify(login)} error=${JSON.stringify((err as Error).message)}`);
      throw new HarborError('SERVICE_UNAVAILABLE', 'the login failure counters (Redis) cannot be reached; try again later');
    }
  }

  /** After a new password or secret, failures with the old one say nothing more. Best effort. */
  async forget(login: string): Promise<void> {
    try {
      await this.throttle.clear(login);
    } catch (err) {
      this.logger.warn(`failed to clear login failures: user=${JSON.stringify(login)} error=${JSON.stringify((err as Error).message)}`);
    }
  }
}
