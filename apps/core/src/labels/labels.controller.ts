import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Req, Res } from '@nestjs/common';
import { ApiBasicAuth, ApiTags } from '@nestjs/swagger';
import type { Access } from '@wharf/auth';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequestAccess } from '../auth/request-access';
import { API_PREFIX } from '../http/api-prefix';
import { ParseIdPipe } from '../http/id-param';
import { ApiQueryStrings, type Listing, ListParams, QueryParam } from '../http/query-param';
import { ApiModelResponse, ApiNoBodyResponse } from '../openapi/schema';
import { LabelDto } from './dto/label.dto';
import type { LabelView } from './label-view';
import { LabelsService } from './labels.service';

@ApiTags('label')
@ApiBasicAuth()
@Controller(`${API_PREFIX}/labels`)
export class LabelsController {
  constructor(private readonly labels: LabelsService) {}

  @ApiQueryStrings('name', 'scope', 'project_id')
  @Get()
  @ApiModelResponse('Label', { list: true })
  async list(
    @RequestAccess() access: Access,
    @ListParams() list: Listing,
    @QueryParam('scope') scope?: string,
    @QueryParam('project_id') projectId?: string,
    @QueryParam('name') name?: string,
  ): Promise<LabelView[]> {
    return list.answer(await this.labels.list(access, { scope, projectId, name }, list));
  }

  @Post()
  @ApiNoBodyResponse(201)
  async create(@RequestAccess() access: Access, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply, @Body() body: LabelDto): Promise<void> {
    const id = await this.labels.create(access, body);
    reply.header('Location', `${req.url.split('?')[0].replace(/\/+$/, '')}/${id}`);
  }

  @Get(':label_id')
  @ApiModelResponse('Label')
  get(@RequestAccess() access: Access, @Param('label_id', ParseIdPipe) id: number): Promise<LabelView> {
    return this.labels.get(access, id);
  }

  @Put(':label_id')
  @ApiNoBodyResponse()
  @HttpCode(200)
  update(@RequestAccess() access: Access, @Param('label_id', ParseIdPipe) id: number, @Body() body: LabelDto): Promise<void> {
    return this.labels.update(access, id, body);
  }

  @Delete(':label_id')
  @ApiNoBodyResponse()
  @HttpCode(200)
  delete(@RequestAccess() access: Access, @Param('label_id', ParseIdPipe) id: number): Promise<void> {
    return this.labels.delete(access, id);
  }
}
