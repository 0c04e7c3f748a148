import { Strategy } from 'passport-strategy';
import type { FastifyRequest } from 'fastify';
import { unauthorized } from '../../http/harbor-error';
import { type BasicCredentials, parseBasicAuth } from '../basic-auth';

/** passport's verify callback of BasicCredentialsStrategy. */
export type VerifyBasic = (request: FastifyRequest, credentials: BasicCredentials, done: (err: unknown, user?: unknown) => void) => void;

/**
 * A passport strategy for `Authorization: Basic` credentials whose user name `claims` accepts
 * (the user and robot strategies split the names between them). A header that is no Basic
 * credentials at all is refused here with 401 unless `passOthers` lets a strategy after it try.
 */
export class BasicCredentialsStrategy extends Strategy {
  constructor(
    private readonly claims: (username: string) => boolean,
    private readonly passOthers: boolean,
    private readonly verify: VerifyBasic,
  ) {
    super();
  }

  override authenticate(req: unknown): void {
    const request = req as FastifyRequest;
    const credentials = parseBasicAuth(request.headers.authorization);
    if (credentials === undefined) return this.fail(401);
    if (credentials === 'invalid') {
      if (this.passOthers) return this.fail(401);
      return this.error(unauthorized('invalid authorization header: only Basic credentials are accepted'));
    }
    if (!this.claims(credentials.username)) return this.fail(401);
    this.verify(request, credentials, (err, user) => {
      if (err) this.error(err as Error);
      else if (user) this.success(user);
      else this.fail(401);
    });
  }
}
