import { Controller, Get, Inject, Req, Res, UseGuards } from '@nestjs/common';
import { isValidRepositoryName } from '@wharf/oci';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { REGISTRY_AUTHORIZER, RegistryAuthorizer } from '../auth/access';
import { RegistryAccessGuard, RequireCatalogAccess } from '../auth/registry-access.guard';
import { nextLink, parsePage } from '../http/pagination';
import { queryParam } from '../http/request-body';
import { RepositoryStore } from '../metadata/repository.store';

@Controller('v2')
@UseGuards(RegistryAccessGuard)
export class CatalogController {
  constructor(
    private readonly repositories: RepositoryStore,
    @Inject(REGISTRY_AUTHORIZER) private readonly authorizer: RegistryAuthorizer,
  ) {}

  /** Lists the repositories the caller may see (all of them for system administrators). */
  @Get('_catalog')
  @RequireCatalogAccess()
  async list(@Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const page = parsePage(queryParam(req, 'n'), queryParam(req, 'last'), isValidRepositoryName);
    const visibility = await this.authorizer.catalogVisibility(req);
    const repositories = await this.repositories.catalog(page.limit, page.last, visibility.all ? undefined : visibility.projectIds);
    const link = queryParam(req, 'n') !== undefined ? nextLink('/v2/_catalog', page.limit, repositories) : undefined;
    if (link) reply.header('Link', link);
    reply.type('application/json; charset=utf-8').send(JSON.stringify({ repositories }));
  }
}
