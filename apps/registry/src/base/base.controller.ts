import { Controller, Get, Head, Inject, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Sql } from '@wharf/db/plain';
import { RegistryAccessGuard, RequireRegistryAccess } from '../auth/registry-access.guard';
import { SQL } from '../infra/tokens';

@Controller()
export class BaseController {
  constructor(@Inject(SQL) private readonly sql: Sql) {}

  /** API version check: 200 tells clients this is a v2 registry (and, later, that they are authenticated). */
  @Head('v2')
  @UseGuards(RegistryAccessGuard)
  @RequireRegistryAccess()
  versionHead(@Res() reply: FastifyReply): void {
    reply.type('application/json; charset=utf-8').header('Content-Length', 2).send();
  }

  @Get('v2')
  @UseGuards(RegistryAccessGuard)
  @RequireRegistryAccess()
  version(@Res() reply: FastifyReply): void {
    reply.type('application/json; charset=utf-8').send('{}');
  }

  /** Liveness and readiness for supervisors and load balancers: the database must answer. */
  @Get('healthz')
  async health(@Res() reply: FastifyReply): Promise<void> {
    try {
      await this.sql.query('SELECT 1', [], 'health');
      reply.type('application/json').send('{"status":"healthy"}');
    } catch {
      reply.status(503).type('application/json').send('{"status":"unhealthy","component":"database"}');
    }
  }
}
