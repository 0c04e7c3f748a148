import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Res } from '@nestjs/common';
import { ApiBasicAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import type { Access } from '@wharf/auth';
import type { FastifyReply } from 'fastify';
import { RequestAccess } from '../auth/request-access';
import { API_PREFIX } from '../http/api-prefix';
import { ParseIdPipe } from '../http/id-param';
import { type Listing, ListParams } from '../http/query-param';
import { ApiModelResponse, ApiNoBodyResponse, ApiTextResponse } from '../openapi/schema';
import type { RetentionExecutionView, RetentionPolicyView, RetentionTaskView } from './retention-view';
import { RetentionService } from './retention.service';

const SELECTOR_SCHEMA = {
  type: 'object' as const,
  properties: { kind: { type: 'string' }, decoration: { type: 'string' }, pattern: { type: 'string' }, extras: { type: 'string' } },
};

/** Harbor's RetentionPolicy, as POST and PUT take it and GET answers it. */
const POLICY_SCHEMA = {
  type: 'object' as const,
  properties: {
    id: { type: 'integer', readOnly: true },
    algorithm: { type: 'string', enum: ['or'] },
    rules: {
      type: 'array',
      maxItems: 15,
      items: {
        type: 'object',
        properties: {
          id: { type: 'integer', readOnly: true },
          priority: { type: 'integer' },
          disabled: { type: 'boolean' },
          action: { type: 'string', enum: ['retain'] },
          template: { type: 'string', description: 'see GET /retentions/metadatas' },
          params: { type: 'object', additionalProperties: true, description: 'e.g. {"latestPushedK": 10}' },
          tag_selectors: { type: 'array', items: SELECTOR_SCHEMA },
          scope_selectors: { type: 'object', properties: { repository: { type: 'array', items: SELECTOR_SCHEMA } } },
        },
      },
    },
    trigger: {
      type: 'object',
      properties: {
        kind: { type: 'string', enum: ['Schedule'] },
        settings: { type: 'object', properties: { cron: { type: 'string', description: '6 fields, seconds first, UTC; "" for no schedule' } } },
        references: { type: 'object' },
      },
    },
    scope: { type: 'object', properties: { level: { type: 'string', enum: ['project'] }, ref: { type: 'integer', description: 'project id' } } },
  },
};

@ApiTags('retention')
@ApiBasicAuth()
@Controller(`${API_PREFIX}/retentions`)
export class RetentionController {
  constructor(private readonly retention: RetentionService) {}

  @Get('metadatas')
  @ApiModelResponse('RetentionMetadata')
  metadata(@RequestAccess() access: Access): unknown {
    return this.retention.metadata(access);
  }

  /** 201 with the policy's Location; 409 when the project already has one. */
  @Post()
  @ApiNoBodyResponse(201)
  @ApiBody({ schema: POLICY_SCHEMA })
  async create(@RequestAccess() access: Access, @Res({ passthrough: true }) reply: FastifyReply, @Body() body: unknown): Promise<void> {
    const id = await this.retention.create(access, body);
    reply.header('Location', `/${API_PREFIX}/retentions/${id}`);
  }

  @Get(':id')
  @ApiModelResponse('RetentionPolicy')
  get(@RequestAccess() access: Access, @Param('id', ParseIdPipe) id: number): Promise<RetentionPolicyView> {
    return this.retention.get(access, id);
  }

  @Put(':id')
  @ApiNoBodyResponse()
  @HttpCode(200)
  @ApiBody({ schema: POLICY_SCHEMA })
  update(@RequestAccess() access: Access, @Param('id', ParseIdPipe) id: number, @Body() body: unknown): Promise<void> {
    return this.retention.update(access, id, body);
  }

  @Delete(':id')
  @ApiNoBodyResponse()
  @HttpCode(200)
  delete(@RequestAccess() access: Access, @Param('id', ParseIdPipe) id: number): Promise<void> {
    return this.retention.delete(access, id);
  }

  /** Runs the policy now (`{"dry_run": true}` deletes nothing): 201 with the run's Location. */
  @Post(':id/executions')
  @ApiNoBodyResponse(201)
  @ApiBody({ schema: { type: 'object', properties: { dry_run: { type: 'boolean' } } } })
  async trigger(@RequestAccess() access: Access, @Res({ passthrough: true }) reply: FastifyReply, @Param('id', ParseIdPipe) id: number, @Body() body: unknown): Promise<void> {
    const executionId = await this.retention.trigger(access, id, body);
    reply.header('Location', `/${API_PREFIX}/retentions/${id}/executions/${executionId}`);
  }

  @Get(':id/executions')
  @ApiModelResponse('RetentionExecution', { list: true })
  async listExecutions(
    @RequestAccess() access: Access,
    @ListParams({ query: false, sort: false }) list: Listing,
    @Param('id', ParseIdPipe) id: number,
  ): Promise<RetentionExecutionView[]> {
    return list.answer(await this.retention.listExecutions(access, id, list.paging));
  }

  /** `{"action": "stop"}`, the only action. */
  @Patch(':id/executions/:eid')
  @ApiNoBodyResponse()
  @ApiBody({ schema: { type: 'object', properties: { action: { type: 'string', enum: ['stop'] } } } })
  stop(
    @RequestAccess() access: Access,
    @Param('id', ParseIdPipe) id: number,
    @Param('eid', ParseIdPipe) executionId: number,
    @Body() body: unknown,
  ): Promise<void> {
    return this.retention.stop(access, id, executionId, body);
  }

  @Get(':id/executions/:eid/tasks')
  @ApiModelResponse('RetentionExecutionTask', { list: true })
  async listTasks(
    @RequestAccess() access: Access,
    @ListParams({ query: false, sort: false }) list: Listing,
    @Param('id', ParseIdPipe) id: number,
    @Param('eid', ParseIdPipe) executionId: number,
  ): Promise<RetentionTaskView[]> {
    return list.answer(await this.retention.listTasks(access, id, executionId, list.paging));
  }

  /** The repository's decision log: every artifact, retained or deleted, and why. */
  @Get(':id/executions/:eid/tasks/:tid')
  @ApiTextResponse()
  async taskLog(
    @RequestAccess() access: Access,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Param('id', ParseIdPipe) id: number,
    @Param('eid', ParseIdPipe) executionId: number,
    @Param('tid', ParseIdPipe) taskId: number,
  ): Promise<string> {
    const log = await this.retention.taskLog(access, id, executionId, taskId);
    reply.type('text/plain; charset=utf-8');
    return log;
  }
}
