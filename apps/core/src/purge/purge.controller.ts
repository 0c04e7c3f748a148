import { Body, Controller, Get, HttpCode, Param, Post, Put, Res } from '@nestjs/common';
import { ApiBasicAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import type { Access } from '@wharf/auth';
import { MAX_AUDIT_RETENTION_HOUR } from '@wharf/jobs';
import type { FastifyReply } from 'fastify';
import { RequestAccess } from '../auth/request-access';
import { scheduleOrEmpty } from '../gc/gc-models';
import { SCHEDULE_OBJ_SCHEMA } from '../gc/gc-schedule-request';
import type { ExecHistoryView } from '../gc/gc-view';
import { API_PREFIX } from '../http/api-prefix';
import { ParseIdPipe } from '../http/id-param';
import { type Listing, ListParams } from '../http/query-param';
import { ApiModelResponse, ApiNoBodyResponse, ApiSchemaResponse, ApiTextResponse } from '../openapi/schema';
import { PurgeService } from './purge.service';

/** Harbor's Schedule, as POST/PUT /system/purgeaudit/schedule take it. */
const SCHEDULE_SCHEMA = {
  type: 'object' as const,
  required: ['schedule', 'parameters'],
  example: { parameters: { audit_retention_hour: 168, dry_run: true, include_event_types: 'create_artifact,delete_artifact,pull_artifact' }, schedule: { type: 'Hourly', cron: '0 0 * * * *' } },
  properties: {
    schedule: SCHEDULE_OBJ_SCHEMA,
    parameters: {
      type: 'object',
      required: ['audit_retention_hour', 'include_event_types'],
      properties: {
        audit_retention_hour: { type: 'integer', minimum: -1, maximum: MAX_AUDIT_RETENTION_HOUR, description: 'rows older than this many hours are purged; 0 or -1 purge nothing' },
        include_event_types: {
          type: 'string',
          description: 'comma separated event types (create_artifact, delete_artifact, pull_artifact, other, ...; also the older operations create, delete, pull); empty purges nothing',
        },
        dry_run: { type: 'boolean', default: false },
      },
    },
  },
};

@ApiTags('purge')
@ApiBasicAuth()
@Controller(`${API_PREFIX}/system/purgeaudit`)
export class PurgeController {
  constructor(private readonly purge: PurgeService) {}
  @Get()
  @ApiModelResponse('ExecHistory', { list: true })
  async history(
    @RequestAccess() access: Access,
    @ListParams() list: Listing,
  ): Promise<ExecHistoryView[]> {
    return list.answer(await this.purge.history(access, list));
  }

  /** With no schedule Harbor answers 200 with an empty body; `{}` here, as for GC's schedule. */
  @Get('schedule')
  @ApiSchemaResponse(scheduleOrEmpty('ExecHistory'))
  schedule(@RequestAccess() access: Access): Promise<ExecHistoryView | Record<string, never>> {
    return this.purge.schedule(access);
  }

  /** Runs the purge now (type Manual: 201 with the run's Location) or sets/removes the schedule. */
  @Post('schedule')
  @ApiNoBodyResponse(201)
  @ApiBody({ schema: SCHEDULE_SCHEMA })
  async createSchedule(@RequestAccess() access: Access, @Res({ passthrough: true }) reply: FastifyReply, @Body() body: unknown): Promise<void> {
    const { executionId } = await this.purge.applySchedule(access, 'create', body);
    if (executionId) reply.header('Location', `/${API_PREFIX}/system/purgeaudit/${executionId}`);
  }

  /** Same as POST, answered 200. */
  @Put('schedule')
  @ApiNoBodyResponse()
  @HttpCode(200)
  @ApiBody({ schema: SCHEDULE_SCHEMA })
  async updateSchedule(@RequestAccess() access: Access, @Body() body: unknown): Promise<void> {
    await this.purge.applySchedule(access, 'update', body);
  }

  @Get(':purge_id')
  @ApiModelResponse('ExecHistory')
  get(@RequestAccess() access: Access, @Param('purge_id', ParseIdPipe) id: number): Promise<ExecHistoryView> {
    return this.purge.get(access, id);
  }

  /** Stops the run (Harbor's stopPurge); a body, if any, is ignored. */
  @Put(':purge_id')
  @ApiNoBodyResponse()
  @HttpCode(200)
  stop(@RequestAccess() access: Access, @Param('purge_id', ParseIdPipe) id: number): Promise<void> {
    return this.purge.stop(access, id);
  }

  @Get(':purge_id/log')
  @ApiTextResponse()
  async log(@RequestAccess() access: Access, @Res({ passthrough: true }) reply: FastifyReply, @Param('purge_id', ParseIdPipe) id: number): Promise<string> {
    const text = await this.purge.log(access, id);
    reply.type('text/plain; charset=utf-8');
    return text;
  }
}
