import { Controller, Get, Head, Inject, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Sql } from '@wharf/db/plain';
import { RegistryAccessGuard, RequireRegistryAccess } from '../auth/registry-access.guard';
import { StorageSpace } from '../infra/storage-space';
import { SQL } from '../infra/tokens';

@Controller()
export class BaseController {
  constructor(
    @Inject(SQL) private readonly sql: Sql,
    private readonly space: StorageSpace,
  ) {}

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

  /**
   * Liveness and readiness for supervisors and load balancers: the database must answer. The
   * storage's state is reported too (core's /api/v2.0/health shows it), but a full storage does
   * not take the registry out of rotation: pulls, deletes and GC still work.
   */
  @Get('healthz')
  async health(@Res() reply: FastifyReply): Promise<void> {
    const [database, storage] = await Promise.all([
      this.sql.query('SELECT 1', [], 'health').then(
        () => ({ name: 'database', status: 'healthy' }),
        () => ({ name: 'database', status: 'unhealthy', error: 'the database does not answer' }),
      ),
      this.space.status(),
    ]);
    const components = [database, { name: 'storage', ...storage }];
    reply
      .status(database.status === 'healthy' ? 200 : 503)
      .type('application/json')
      .send(JSON.stringify({ status: components.every((c) => c.status === 'healthy') ? 'healthy' : 'unhealthy', components }));
  }
}
