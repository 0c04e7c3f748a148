import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Res } from '@nestjs/common';
import { ApiBasicAuth, ApiTags } from '@nestjs/swagger';
import type { Access } from '@wharf/auth';
import type { FastifyReply } from 'fastify';
import { RequestAccess } from '../auth/request-access';
import { API_PREFIX } from '../http/api-prefix';
import { ParseIdPipe } from '../http/id-param';
import { type Listing, ListParams } from '../http/query-param';
import { ApiModelResponse, ApiNoBodyResponse } from '../openapi/schema';
import { type ProjectAddress, ProjectRef } from '../projects/project-param';
import { ImmutableRuleDto } from './dto/immutable-rule.dto';
import type { ImmutableRuleView } from './immutable-rule-view';
import { ImmutableRulesService } from './immutable-rules.service';

@ApiTags('immutable')
@ApiBasicAuth()
@Controller(`${API_PREFIX}/projects/:project_name_or_id/immutabletagrules`)
export class ImmutableRulesController {
  constructor(private readonly rules: ImmutableRulesService) {}
  @Get()
  @ApiModelResponse('ImmutableRule', { list: true })
  async list(
    @RequestAccess() access: Access,
    @ListParams() list: Listing,
    @ProjectRef() project: ProjectAddress,
  ): Promise<ImmutableRuleView[]> {
    return list.answer(await this.rules.list(access, project.nameOrId, project.isName, list));
  }

  @Post()
  @ApiNoBodyResponse(201)
  async create(
    @RequestAccess() access: Access,
    @Res({ passthrough: true }) reply: FastifyReply,
    @ProjectRef() project: ProjectAddress,
    @Body() body: ImmutableRuleDto,
  ): Promise<void> {
    const id = await this.rules.create(access, project.nameOrId, project.isName, body);
    reply.header('Location', `/${API_PREFIX}/projects/${encodeURIComponent(project.nameOrId)}/immutabletagrules/${id}`);
  }

  @Put(':immutable_rule_id')
  @ApiNoBodyResponse()
  @HttpCode(200)
  update(
    @RequestAccess() access: Access,
    @ProjectRef() project: ProjectAddress,
    @Param('immutable_rule_id', ParseIdPipe) ruleId: number,
    @Body() body: ImmutableRuleDto,
  ): Promise<void> {
    return this.rules.update(access, project.nameOrId, project.isName, ruleId, body);
  }

  @Delete(':immutable_rule_id')
  @ApiNoBodyResponse()
  @HttpCode(200)
  delete(
    @RequestAccess() access: Access,
    @ProjectRef() project: ProjectAddress,
    @Param('immutable_rule_id', ParseIdPipe) ruleId: number,
  ): Promise<void> {
    return this.rules.delete(access, project.nameOrId, project.isName, ruleId);
  }
}
