import { Controller, Get, Req, Res, UseGuards } from '@nestjs/common';
import { isValidRepositoryName } from '@wharf/oci';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RegistryAccessGuard, RequireRegistryAccess } from '../auth/registry-access.guard';
import { nextLink, parsePage } from '../http/pagination';
import { queryParam } from '../http/request-body';
import { RepositoryStore } from '../metadata/repository.store';

@Controller('v2')
@UseGuards(RegistryAccessGuard)
export class CatalogController {
  constructor(private readonly repositories: RepositoryStore) {}

  @Get('_catalog')
  @RequireRegistryAccess()
  async list(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const page = parsePage(queryParam(req, 'n'), queryParam(req, 'last'), isValidRepositoryName);
    const repositories = await this.repositories.catalog(page.limit, page.last);
    const link = queryParam(req, 'n') !== undefined ? nextLink('/v2/_catalog', page.limit, repositories) : undefined;
    if (link) reply.header('Link', link);
    reply.type('application/json; charset=utf-8').send(JSON.stringify({ repositories }));
  }
}
