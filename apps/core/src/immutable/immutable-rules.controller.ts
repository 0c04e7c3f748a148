import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Put, Req, Res } from '@nestjs/common';
import { ApiBasicAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import type { Access } from '@wharf/auth';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequestAccess } from '../auth/request-access';
import { API_PREFIX } from '../http/api-prefix';
import { ParseIdPipe } from '../http/id-param';
import { setPageHeaders } from '../http/paging';
import { ApiListQueries, ListParams, type ListRequest } from '../http/query-param';
import { ApiModelResponse, ApiNoBodyResponse } from '../openapi/schema';
import { IS_RESOURCE_NAME, isResourceName } from '../projects/project-key';
import { ImmutableRuleDto } from './dto/immutable-rule.dto';
import type { ImmutableRuleView } from './immutable-rule-view';
import { ImmutableRulesService } from './immutable-rules.service';

@ApiTags('immutable')
@ApiBasicAuth()
@ApiHeader({ name: 'X-Is-Resource-Name', required: false })
@Controller(`${API_PREFIX}/projects/:project_name_or_id/immutabletagrules`)
export class ImmutableRulesController {
  constructor(private readonly rules: ImmutableRulesService) {}

  @ApiListQueries()
  @Get()
  @ApiModelResponse('ImmutableRule', { list: true })
  async list(
    @RequestAccess() access: Access,
    @ListParams() list: ListRequest,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Param('project_name_or_id') nameOrId: string,
    @Headers(IS_RESOURCE_NAME) isName?: string,
  ): Promise<ImmutableRuleView[]> {
    const { paging } = list;
    const { total, items } = await this.rules.list(access, nameOrId, isResourceName(isName), list);
    setPageHeaders(reply, req.url, paging, total);
    return items;
  }

  @Post()
  @ApiNoBodyResponse(201)
  async create(
    @RequestAccess() access: Access,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Param('project_name_or_id') nameOrId: string,
    @Body() body: ImmutableRuleDto,
    @Headers(IS_RESOURCE_NAME) isName?: string,
  ): Promise<void> {
    const id = await this.rules.create(access, nameOrId, isResourceName(isName), body);
    reply.header('Location', `/${API_PREFIX}/projects/${encodeURIComponent(nameOrId)}/immutabletagrules/${id}`);
  }

  @Put(':immutable_rule_id')
  @ApiNoBodyResponse()
  @HttpCode(200)
  update(
    @RequestAccess() access: Access,
    @Param('project_name_or_id') nameOrId: string,
    @Param('immutable_rule_id', ParseIdPipe) ruleId: number,
    @Body() body: ImmutableRuleDto,
    @Headers(IS_RESOURCE_NAME) isName?: string,
  ): Promise<void> {
    return this.rules.update(access, nameOrId, isResourceName(isName), ruleId, body);
  }

  @Delete(':immutable_rule_id')
  @ApiNoBodyResponse()
  @HttpCode(200)
  delete(
    @RequestAccess() access: Access,
    @Param('project_name_or_id') nameOrId: string,
    @Param('immutable_rule_id', ParseIdPipe) ruleId: number,
    @Headers(IS_RESOURCE_NAME) isName?: string,
  ): Promise<void> {
    return this.rules.delete(access, nameOrId, isResourceName(isName), ruleId);
  }
}
