import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { READ_ONLY_MESSAGE, type Sql } from '@wharf/db/plain';
import { ReadOnlySwitch } from '@wharf/identity';
import { OciError } from '@wharf/oci';
import type { FastifyRequest } from 'fastify';
import { SQL } from '../infra/tokens';

/** Harbor's safe methods for read-only mode: pulls, checks and listings go on. */
const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Harbor's read-only mode on the data plane: while core's `read_only` setting is on, every
 * upload step (start, chunk, commit, cancel), manifest push and deletion is refused with DENIED
 * (403) and Harbor's message, which clients print. It runs before the access check, as Harbor's
 * middleware does before its /v2/ authorization: a client is told the installation takes no
 * changes rather than sent for a token it could not use. The setting is read at most a second
 * ago (ReadOnlySwitch); when it cannot be read the request fails (503) instead of going through.
 */
@Injectable()
export class ReadOnlyGuard implements CanActivate {
  private readonly switch: ReadOnlySwitch;

  constructor(@Inject(SQL) sql: Sql) {
    this.switch = new ReadOnlySwitch(sql);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (SAFE_METHODS.has(request.method.toUpperCase())) return true;
    if (await this.switch.isOn()) throw new OciError('DENIED', READ_ONLY_MESSAGE);
    return true;
  }
}
