import { Body, Controller, Delete, Get, HttpCode, Param, Put, Req } from '@nestjs/common';
import { ApiBasicAuth, ApiTags } from '@nestjs/swagger';
import type { Access } from '@wharf/auth';
import type { FastifyRequest } from 'fastify';
import { RequestAccess } from '../auth/request-access';
import { API_PREFIX } from '../http/api-prefix';
import { type Listing, ListParams } from '../http/query-param';
import { ApiModelResponse, ApiNoBodyResponse } from '../openapi/schema';
import { UpdateRepositoryDto } from './dto/update-repository.dto';
import { RepositoriesService } from './repositories.service';
import type { RepositoryView } from './repository-view';

@ApiTags('repository')
@ApiBasicAuth()
@Controller(API_PREFIX)
export class RepositoriesController {
  constructor(private readonly repositories: RepositoriesService) {}
  @Get('repositories')
  @ApiModelResponse('Repository', { list: true })
  async listAll(
    @RequestAccess() access: Access,
    @ListParams() list: Listing,
  ): Promise<RepositoryView[]> {
    return list.answer(await this.repositories.listAll(access, list));
  }
  @Get('projects/:project_name/repositories')
  @ApiModelResponse('Repository', { list: true })
  async list(
    @RequestAccess() access: Access,
    @ListParams() list: Listing,
    @Param('project_name') projectName: string,
  ): Promise<RepositoryView[]> {
    return list.answer(await this.repositories.listOfProject(access, projectName, list));
  }

  @Get('projects/:project_name/repositories/:repository_name')
  @ApiModelResponse('Repository')
  get(@RequestAccess() access: Access, @Param('project_name') projectName: string, @Param('repository_name') repositoryName: string): Promise<RepositoryView> {
    return this.repositories.get(access, projectName, repositoryName);
  }

  @Put('projects/:project_name/repositories/:repository_name')
  @ApiNoBodyResponse()
  @HttpCode(200)
  update(
    @RequestAccess() access: Access,
    @Param('project_name') projectName: string,
    @Param('repository_name') repositoryName: string,
    @Body() body: UpdateRepositoryDto,
    @Req() req: FastifyRequest,
  ): Promise<void> {
    // The validation pipe turns a missing body into an empty one, which would clear the description.
    return this.repositories.update(access, projectName, repositoryName, req.body == null ? undefined : body);
  }

  @Delete('projects/:project_name/repositories/:repository_name')
  @ApiNoBodyResponse()
  @HttpCode(200)
  delete(
    @RequestAccess() access: Access,
    @Req() req: FastifyRequest,
    @Param('project_name') projectName: string,
    @Param('repository_name') repositoryName: string,
  ): Promise<void> {
    return this.repositories.delete(access, req.ip, projectName, repositoryName);
  }
}
