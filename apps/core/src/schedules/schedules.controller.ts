import { Controller, Get, Param, Req, Res } from '@nestjs/common';
import { ApiBasicAuth, ApiTags } from '@nestjs/swagger';
import type { Access } from '@wharf/auth';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequestAccess } from '../auth/request-access';
import { API_PREFIX } from '../http/api-prefix';
import { setPageHeaders } from '../http/paging';
import { ListParams, type ListRequest } from '../http/query-param';
import { ApiModelResponse } from '../openapi/schema';
import { SchedulerStatus, ScheduleTaskView, SchedulesService } from './schedules.service';

@ApiTags('schedule')
@ApiBasicAuth()
@Controller(`${API_PREFIX}/schedules`)
export class SchedulesController {
  constructor(private readonly schedules: SchedulesService) {}

  @Get()
  @ApiModelResponse('ScheduleTask', { list: true })
  async list(
    @RequestAccess() access: Access,
    @ListParams({ query: false, sort: false }) list: ListRequest,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<ScheduleTaskView[]> {
    const { paging } = list;
    const { items, total } = await this.schedules.list(access, paging);
    setPageHeaders(reply, req.url, paging, total);
    return items;
  }

  @Get(':job_type/paused')
  @ApiModelResponse('SchedulerStatus')
  paused(@RequestAccess() access: Access, @Param('job_type') jobType: string): SchedulerStatus {
    return this.schedules.paused(access, jobType);
  }
}
