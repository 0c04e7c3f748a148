import { Body, Controller, Get, HttpCode, Param, Post, Put, Res } from '@nestjs/common';
import { ApiBasicAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import type { Access } from '@wharf/auth';
import type { FastifyReply } from 'fastify';
import { RequestAccess } from '../auth/request-access';
import { API_PREFIX } from '../http/api-prefix';
import { ParseIdPipe } from '../http/id-param';
import { type Listing, ListParams } from '../http/query-param';
import { ApiModelResponse, ApiNoBodyResponse, ApiSchemaResponse, ApiTextResponse } from '../openapi/schema';
import { scheduleOrEmpty } from './gc-models';
import { MAX_GC_WORKERS, MIN_GC_WORKERS, SCHEDULE_OBJ_SCHEMA } from './gc-schedule-request';
import type { ExecHistoryView } from './gc-view';
import { GcService } from './gc.service';

/** Harbor's Schedule, as POST/PUT /system/gc/schedule take it. */
const SCHEDULE_SCHEMA = {
  type: 'object' as const,
  required: ['schedule'],
  properties: {
    schedule: SCHEDULE_OBJ_SCHEMA,
    parameters: {
      type: 'object',
      additionalProperties: false,
      properties: {
        dry_run: { type: 'boolean', default: false },
        delete_untagged: { type: 'boolean', default: false },
        workers: { type: 'integer', minimum: MIN_GC_WORKERS, maximum: MAX_GC_WORKERS, default: 1 },
        time_window: { type: 'number', minimum: 0, default: 2, description: 'hours: what changed more recently is kept' },
      },
    },
  },
};

@ApiTags('gc')
@ApiBasicAuth()
@Controller(`${API_PREFIX}/system/gc`)
export class GcController {
  constructor(private readonly gc: GcService) {}
  @Get()
  @ApiModelResponse('GCHistory', { list: true })
  async history(
    @RequestAccess() access: Access,
    @ListParams() list: Listing,
  ): Promise<ExecHistoryView[]> {
    return list.answer(await this.gc.history(access, list));
  }

  /**
   * With no schedule Harbor answers 200 with an empty body; `{}` says the same to its console and
   * generated clients (which test for `schedule`) and still parses as JSON for the others.
   */
  @Get('schedule')
  @ApiSchemaResponse(scheduleOrEmpty('GCHistory'))
  schedule(@RequestAccess() access: Access): Promise<ExecHistoryView | Record<string, never>> {
    return this.gc.schedule(access);
  }

  /**
   * Runs GC now (type Manual: 201 with the run's Location, 409 while one is pending or running)
   * or sets/removes the schedule. An existing schedule is replaced, as Harbor does: the 409 of
   * Harbor's swagger is the one for a run already in progress.
   */
  @Post('schedule')
  @ApiNoBodyResponse(201)
  @ApiBody({ schema: SCHEDULE_SCHEMA })
  async createSchedule(@RequestAccess() access: Access, @Res({ passthrough: true }) reply: FastifyReply, @Body() body: unknown): Promise<void> {
    const { executionId } = await this.gc.applySchedule(access, body);
    if (executionId) reply.header('Location', `/${API_PREFIX}/system/gc/${executionId}`);
  }

  /** Same as POST, answered 200; with no schedule yet it creates one (Harbor has no 404 here). */
  @Put('schedule')
  @ApiNoBodyResponse()
  @HttpCode(200)
  @ApiBody({ schema: SCHEDULE_SCHEMA })
  async updateSchedule(@RequestAccess() access: Access, @Body() body: unknown): Promise<void> {
    await this.gc.applySchedule(access, body);
  }

  @Get(':gc_id')
  @ApiModelResponse('GCHistory')
  get(@RequestAccess() access: Access, @Param('gc_id', ParseIdPipe) id: number): Promise<ExecHistoryView> {
    return this.gc.get(access, id);
  }

  /** Stops the run (Harbor's stopGC); a body, if any, is ignored. */
  @Put(':gc_id')
  @ApiNoBodyResponse()
  @HttpCode(200)
  stop(@RequestAccess() access: Access, @Param('gc_id', ParseIdPipe) id: number): Promise<void> {
    return this.gc.stop(access, id);
  }

  @Get(':gc_id/log')
  @ApiTextResponse()
  async log(@RequestAccess() access: Access, @Res({ passthrough: true }) reply: FastifyReply, @Param('gc_id', ParseIdPipe) id: number): Promise<string> {
    const text = await this.gc.log(access, id);
    reply.type('text/plain; charset=utf-8');
    return text;
  }
}
