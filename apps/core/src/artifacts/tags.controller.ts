import { Body, Controller, Delete, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBasicAuth, ApiTags } from '@nestjs/swagger';
import type { Access } from '@wharf/auth';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequestAccess } from '../auth/request-access';
import { API_PREFIX } from '../http/api-prefix';
import { parseBoolean } from '../http/id-param';
import { ApiQueryStrings, type Listing, ListParams, QueryParam } from '../http/query-param';
import { ApiModelResponse, ApiNoBodyResponse } from '../openapi/schema';
import type { TagView } from './artifact-view';
import { NewTagDto } from './dto/new-tag.dto';
import { TagsService } from './tags.service';

@ApiTags('artifact')
@ApiBasicAuth()
@Controller(`${API_PREFIX}/projects/:project_name/repositories/:repository_name/artifacts/:reference/tags`)
export class TagsController {
  constructor(private readonly tags: TagsService) {}

  @ApiQueryStrings('with_immutable_status')
  @Get()
  @ApiModelResponse('Tag', { list: true })
  async list(
    @RequestAccess() access: Access,
    @ListParams() list: Listing,
    @Param('project_name') projectName: string,
    @Param('repository_name') repositoryName: string,
    @Param('reference') reference: string,
    @QueryParam('with_immutable_status') withImmutableStatus?: string,
  ): Promise<TagView[]> {
    return list.answer(await this.tags.list(access, projectName, repositoryName, reference, list, parseBoolean('with_immutable_status', withImmutableStatus, false)));
  }

  @Post()
  @ApiNoBodyResponse(201)
  async create(
    @RequestAccess() access: Access,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Param('project_name') projectName: string,
    @Param('repository_name') repositoryName: string,
    @Param('reference') reference: string,
    @Body() body: NewTagDto,
  ): Promise<void> {
    await this.tags.create(access, req.ip, projectName, repositoryName, reference, body.name);
    const path = req.url.split('?')[0].replace(/\/+$/, '');
    reply.header('Location', `${path}/${encodeURIComponent(body.name)}`);
  }

  @Delete(':tag_name')
  @ApiNoBodyResponse()
  @HttpCode(200)
  delete(
    @RequestAccess() access: Access,
    @Req() req: FastifyRequest,
    @Param('project_name') projectName: string,
    @Param('repository_name') repositoryName: string,
    @Param('reference') reference: string,
    @Param('tag_name') tagName: string,
  ): Promise<void> {
    return this.tags.delete(access, req.ip, projectName, repositoryName, reference, tagName);
  }
}
