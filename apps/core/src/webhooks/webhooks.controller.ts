import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Req, Res } from '@nestjs/common';
import { ApiBasicAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Access } from '@wharf/auth';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequestAccess } from '../auth/request-access';
import { API_PREFIX } from '../http/api-prefix';
import { unprocessable } from '../http/harbor-error';
import { ParseIdPipe } from '../http/id-param';
import { type Listing, ListParams } from '../http/query-param';
import { ApiModelResponse, ApiNoBodyResponse, ApiTextResponse } from '../openapi/schema';
import { type ProjectAddress, ProjectRef } from '../projects/project-param';
import { WebhookPolicyDto } from './dto/webhook-policy.dto';
import type { ExecutionView, TaskView, WebhookJobView, WebhookLastTriggerView, WebhookPolicyView } from './webhook-view';
import { SupportedWebhookEventTypes, WebhooksService } from './webhooks.service';

@ApiTags('webhook')
@ApiBasicAuth()
@Controller(`${API_PREFIX}/projects/:project_name_or_id/webhook`)
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}
  @Get('policies')
  @ApiModelResponse('WebhookPolicy', { list: true })
  async list(
    @RequestAccess() access: Access,
    @ListParams() list: Listing,
    @ProjectRef() project: ProjectAddress,
  ): Promise<WebhookPolicyView[]> {
    return list.answer(await this.webhooks.list(access, project, list));
  }

  @Post('policies')
  @ApiNoBodyResponse(201)
  async create(
    @RequestAccess() access: Access,
    @Res({ passthrough: true }) reply: FastifyReply,
    @ProjectRef() project: ProjectAddress,
    @Body() body: WebhookPolicyDto,
  ): Promise<void> {
    const id = await this.webhooks.create(access, project, body);
    reply.header('Location', `/${API_PREFIX}/projects/${encodeURIComponent(project.nameOrId)}/webhook/policies/${id}`);
  }

  @Get('policies/:webhook_policy_id')
  @ApiModelResponse('WebhookPolicy')
  get(
    @RequestAccess() access: Access,
    @ProjectRef() project: ProjectAddress,
    @Param('webhook_policy_id', ParseIdPipe) policyId: number,
  ): Promise<WebhookPolicyView> {
    return this.webhooks.get(access, project, policyId);
  }

  @Put('policies/:webhook_policy_id')
  @ApiNoBodyResponse()
  @HttpCode(200)
  update(
    @RequestAccess() access: Access,
    @ProjectRef() project: ProjectAddress,
    @Param('webhook_policy_id', ParseIdPipe) policyId: number,
    @Body() body: WebhookPolicyDto,
  ): Promise<void> {
    return this.webhooks.update(access, project, policyId, body);
  }

  @Delete('policies/:webhook_policy_id')
  @ApiNoBodyResponse()
  @HttpCode(200)
  delete(
    @RequestAccess() access: Access,
    @ProjectRef() project: ProjectAddress,
    @Param('webhook_policy_id', ParseIdPipe) policyId: number,
  ): Promise<void> {
    return this.webhooks.delete(access, project, policyId);
  }
  @Get('policies/:webhook_policy_id/executions')
  @ApiModelResponse('Execution', { list: true })
  async executions(
    @RequestAccess() access: Access,
    @ListParams() list: Listing,
    @ProjectRef() project: ProjectAddress,
    @Param('webhook_policy_id', ParseIdPipe) policyId: number,
  ): Promise<ExecutionView[]> {
    return list.answer(await this.webhooks.executions(access, project, policyId, list));
  }
  @Get('policies/:webhook_policy_id/executions/:execution_id/tasks')
  @ApiModelResponse('Task', { list: true })
  async tasks(
    @RequestAccess() access: Access,
    @ListParams() list: Listing,
    @ProjectRef() project: ProjectAddress,
    @Param('webhook_policy_id', ParseIdPipe) policyId: number,
    @Param('execution_id', ParseIdPipe) executionId: number,
  ): Promise<TaskView[]> {
    return list.answer(await this.webhooks.tasks(access, project, policyId, executionId, list));
  }

  @Get('policies/:webhook_policy_id/executions/:execution_id/tasks/:task_id/log')
  @ApiTextResponse()
  async log(
    @RequestAccess() access: Access,
    @Res({ passthrough: true }) reply: FastifyReply,
    @ProjectRef() project: ProjectAddress,
    @Param('webhook_policy_id', ParseIdPipe) policyId: number,
    @Param('execution_id', ParseIdPipe) executionId: number,
    @Param('task_id', ParseIdPipe) taskId: number,
  ): Promise<string> {
    const text = await this.webhooks.taskLog(access, project, policyId, executionId, taskId);
    reply.type('text/plain; charset=utf-8');
    return text;
  }

  /** Deprecated in Harbor's API, still what its console shows per policy and event type. */
  @Get('lasttrigger')
  @ApiModelResponse('WebhookLastTrigger', { list: true })
  lastTrigger(
    @RequestAccess() access: Access,
    @ProjectRef() project: ProjectAddress,
  ): Promise<WebhookLastTriggerView[]> {
    return this.webhooks.lastTrigger(access, project);
  }

  @Get('events')
  @ApiModelResponse('SupportedWebhookEventTypes')
  events(
    @RequestAccess() access: Access,
    @ProjectRef() project: ProjectAddress,
  ): Promise<SupportedWebhookEventTypes> {
    return this.webhooks.supportedEventTypes(access, project);
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
@Controller(`${API_PREFIX}/projects/:project_name_or_id/webhook/jobs`)
export class WebhookJobsController {
  constructor(private readonly webhooks: WebhooksService) {}
  @ApiQuery({ name: 'policy_id', required: true, type: Number })
  @ApiQuery({ name: 'status', required: false, type: [String] })
  @Get()
  @ApiModelResponse('WebhookJob', { list: true })
  async list(
    @RequestAccess() access: Access,
    @ListParams() list: Listing,
    @Req() req: FastifyRequest,
    @ProjectRef() project: ProjectAddress,
  ): Promise<WebhookJobView[]> {
    const query = (req.query ?? {}) as Record<string, unknown>;
    const policyId = policyIdOf(query['policy_id']);
    const status = query['status'];
    const statuses = (Array.isArray(status) ? status : status === undefined ? [] : [status]).map(String).flatMap((s) => s.split(',')).filter((s) => s !== '');
    return list.answer(await this.webhooks.jobs(access, project, policyId, list, statuses));
  }
}
