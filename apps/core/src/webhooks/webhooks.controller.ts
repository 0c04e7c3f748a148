import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Put, Req, Res } from '@nestjs/common';
import { ApiBasicAuth, ApiHeader, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Access } from '@wharf/auth';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequestAccess } from '../auth/request-access';
import { API_PREFIX } from '../http/api-prefix';
import { unprocessable } from '../http/harbor-error';
import { ParseIdPipe } from '../http/id-param';
import { setPageHeaders } from '../http/paging';
import { ApiListQueries, ListParams, type ListRequest } from '../http/query-param';
import { ApiModelResponse, ApiNoBodyResponse, ApiTextResponse } from '../openapi/schema';
import { IS_RESOURCE_NAME, isResourceName } from '../projects/project-key';
import { WebhookPolicyDto } from './dto/webhook-policy.dto';
import type { ExecutionView, TaskView, WebhookJobView, WebhookLastTriggerView, WebhookPolicyView } from './webhook-view';
import { SupportedWebhookEventTypes, WebhooksService } from './webhooks.service';

@ApiTags('webhook')
@ApiBasicAuth()
@ApiHeader({ name: 'X-Is-Resource-Name', required: false })
@Controller(`${API_PREFIX}/projects/:project_name_or_id/webhook`)
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @ApiListQueries()
  @Get('policies')
  @ApiModelResponse('WebhookPolicy', { list: true })
  async list(
    @RequestAccess() access: Access,
    @ListParams() list: ListRequest,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Param('project_name_or_id') nameOrId: string,
    @Headers(IS_RESOURCE_NAME) isName?: string,
  ): Promise<WebhookPolicyView[]> {
    const filter = list;
    const { total, items } = await this.webhooks.list(access, { nameOrId, isName: isResourceName(isName) }, filter);
    setPageHeaders(reply, req.url, filter.paging, total);
    return items;
  }

  @Post('policies')
  @ApiNoBodyResponse(201)
  async create(
    @RequestAccess() access: Access,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Param('project_name_or_id') nameOrId: string,
    @Body() body: WebhookPolicyDto,
    @Headers(IS_RESOURCE_NAME) isName?: string,
  ): Promise<void> {
    const id = await this.webhooks.create(access, { nameOrId, isName: isResourceName(isName) }, body);
    reply.header('Location', `/${API_PREFIX}/projects/${encodeURIComponent(nameOrId)}/webhook/policies/${id}`);
  }

  @Get('policies/:webhook_policy_id')
  @ApiModelResponse('WebhookPolicy')
  get(
    @RequestAccess() access: Access,
    @Param('project_name_or_id') nameOrId: string,
    @Param('webhook_policy_id', ParseIdPipe) policyId: number,
    @Headers(IS_RESOURCE_NAME) isName?: string,
  ): Promise<WebhookPolicyView> {
    return this.webhooks.get(access, { nameOrId, isName: isResourceName(isName) }, policyId);
  }

  @Put('policies/:webhook_policy_id')
  @ApiNoBodyResponse()
  @HttpCode(200)
  update(
    @RequestAccess() access: Access,
    @Param('project_name_or_id') nameOrId: string,
    @Param('webhook_policy_id', ParseIdPipe) policyId: number,
    @Body() body: WebhookPolicyDto,
    @Headers(IS_RESOURCE_NAME) isName?: string,
  ): Promise<void> {
    return this.webhooks.update(access, { nameOrId, isName: isResourceName(isName) }, policyId, body);
  }

  @Delete('policies/:webhook_policy_id')
  @ApiNoBodyResponse()
  @HttpCode(200)
  delete(
    @RequestAccess() access: Access,
    @Param('project_name_or_id') nameOrId: string,
    @Param('webhook_policy_id', ParseIdPipe) policyId: number,
    @Headers(IS_RESOURCE_NAME) isName?: string,
  ): Promise<void> {
    return this.webhooks.delete(access, { nameOrId, isName: isResourceName(isName) }, policyId);
  }

  @ApiListQueries()
  @Get('policies/:webhook_policy_id/executions')
  @ApiModelResponse('Execution', { list: true })
  async executions(
    @RequestAccess() access: Access,
    @ListParams() list: ListRequest,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Param('project_name_or_id') nameOrId: string,
    @Param('webhook_policy_id', ParseIdPipe) policyId: number,
    @Headers(IS_RESOURCE_NAME) isName?: string,
  ): Promise<ExecutionView[]> {
    const filter = list;
    const { total, items } = await this.webhooks.executions(access, { nameOrId, isName: isResourceName(isName) }, policyId, filter);
    setPageHeaders(reply, req.url, filter.paging, total);
    return items;
  }

  @ApiListQueries()
  @Get('policies/:webhook_policy_id/executions/:execution_id/tasks')
  @ApiModelResponse('Task', { list: true })
  async tasks(
    @RequestAccess() access: Access,
    @ListParams() list: ListRequest,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Param('project_name_or_id') nameOrId: string,
    @Param('webhook_policy_id', ParseIdPipe) policyId: number,
    @Param('execution_id', ParseIdPipe) executionId: number,
    @Headers(IS_RESOURCE_NAME) isName?: string,
  ): Promise<TaskView[]> {
    const filter = list;
    const { total, items } = await this.webhooks.tasks(access, { nameOrId, isName: isResourceName(isName) }, policyId, executionId, filter);
    setPageHeaders(reply, req.url, filter.paging, total);
    return items;
  }

  @Get('policies/:webhook_policy_id/executions/:execution_id/tasks/:task_id/log')
  @ApiTextResponse()
  async log(
    @RequestAccess() access: Access,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Param('project_name_or_id') nameOrId: string,
    @Param('webhook_policy_id', ParseIdPipe) policyId: number,
    @Param('execution_id', ParseIdPipe) executionId: number,
    @Param('task_id', ParseIdPipe) taskId: number,
    @Headers(IS_RESOURCE_NAME) isName?: string,
  ): Promise<string> {
    const text = await this.webhooks.taskLog(access, { nameOrId, isName: isResourceName(isName) }, policyId, executionId, taskId);
    reply.type('text/plain; charset=utf-8');
    return text;
  }

  /** Deprecated in Harbor's API, still what its console shows per policy and event type. */
  @Get('lasttrigger')
  @ApiModelResponse('WebhookLastTrigger', { list: true })
  lastTrigger(
    @RequestAccess() access: Access,
    @Param('project_name_or_id') nameOrId: string,
    @Headers(IS_RESOURCE_NAME) isName?: string,
  ): Promise<WebhookLastTriggerView[]> {
    return this.webhooks.lastTrigger(access, { nameOrId, isName: isResourceName(isName) });
  }

  @Get('events')
  @ApiModelResponse('SupportedWebhookEventTypes')
  events(
    @RequestAccess() access: Access,
    @Param('project_name_or_id') nameOrId: string,
    @Headers(IS_RESOURCE_NAME) isName?: string,
  ): Promise<SupportedWebhookEventTypes> {
    return this.webhooks.supportedEventTypes(access, { nameOrId, isName: isResourceName(isName) });
  }
}

/** `policy_id`, required and an int64 in Harbor's document: otherwise its OpenAPI layer's 422. */
function policyIdOf(raw: unknown): number {
  if (raw === undefined) throw unprocessable('policy_id in query is required');
  const text = Array.isArray(raw) ? String(raw[0]) : String(raw);
  if (!/^\d{1,15}$/.test(text)) throw unprocessable(`policy_id in query must be of type int64: ${JSON.stringify(text)}`);
  return Number(text);
}

/** Harbor's deprecated list of a policy's webhook jobs (its deliveries), kept for older clients. */
@ApiTags('webhookjob')
@ApiBasicAuth()
@ApiHeader({ name: 'X-Is-Resource-Name', required: false })
@Controller(`${API_PREFIX}/projects/:project_name_or_id/webhook/jobs`)
export class WebhookJobsController {
  constructor(private readonly webhooks: WebhooksService) {}

  @ApiListQueries()
  @ApiQuery({ name: 'policy_id', required: true, type: Number })
  @ApiQuery({ name: 'status', required: false, type: [String] })
  @Get()
  @ApiModelResponse('WebhookJob', { list: true })
  async list(
    @RequestAccess() access: Access,
    @ListParams() list: ListRequest,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Param('project_name_or_id') nameOrId: string,
    @Headers(IS_RESOURCE_NAME) isName?: string,
  ): Promise<WebhookJobView[]> {
    const query = (req.query ?? {}) as Record<string, unknown>;
    const policyId = policyIdOf(query['policy_id']);
    const status = query['status'];
    const statuses = (Array.isArray(status) ? status : status === undefined ? [] : [status]).map(String).flatMap((s) => s.split(',')).filter((s) => s !== '');
    const { total, items } = await this.webhooks.jobs(access, { nameOrId, isName: isResourceName(isName) }, policyId, list, statuses);
    setPageHeaders(reply, req.url, list.paging, total);
    return items;
  }
}
