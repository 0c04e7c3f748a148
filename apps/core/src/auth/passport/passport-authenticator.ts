import { Injectable } from '@nestjs/common';
import type { Principal } from '@wharf/auth';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Authenticator } from 'passport';
import { ConsoleSessionStrategy, OidcIdTokenStrategy, RobotSecretStrategy, STRATEGY, UserPasswordStrategy } from './strategies';

export type StrategyName = (typeof STRATEGY)[keyof typeof STRATEGY];

/** Every way an API request may authenticate, in the order passport tries them. */
export const API_STRATEGIES: readonly StrategyName[] = [STRATEGY.idToken, STRATEGY.robot, STRATEGY.user, STRATEGY.session];

/**
 * Runs passport over a request with this application's own strategy instances (see
 * REGISTRATION_SINK in strategies.ts): the first strategy that recognises the credentials
 * decides. Its principal, or undefined when none recognised any (an anonymous caller); a
 * strategy's refusal (401, 503 ...) is thrown as the HarborError it raised.
 */
@Injectable()
export class PassportAuthenticator {
  private readonly passport = new Authenticator();

  constructor(idToken: OidcIdTokenStrategy, robot: RobotSecretStrategy, user: UserPasswordStrategy, session: ConsoleSessionStrategy) {
    this.passport.use(STRATEGY.idToken, idToken);
    this.passport.use(STRATEGY.robot, robot);
    this.passport.use(STRATEGY.user, user);
    this.passport.use(STRATEGY.session, session);
  }

  authenticate(request: FastifyRequest, reply: FastifyReply | undefined, strategies: readonly StrategyName[]): Promise<Principal | undefined> {
    return new Promise((resolve, reject) => {
      const middleware = this.passport.authenticate([...strategies], { session: false }, (err: unknown, user: Principal | false) => {
        if (err) reject(err);
        else resolve(user || undefined);
      }) as (req: unknown, res: unknown, next: (err?: unknown) => void) => void;
      middleware(request, reply, (err?: unknown) => (err ? reject(err) : resolve(undefined)));
    });
  }
}
