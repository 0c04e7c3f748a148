import { Controller, Get, Param } from '@nestjs/common';
import { ApiBasicAuth, ApiTags } from '@nestjs/swagger';
import type { Access } from '@wharf/auth';
import { RequestAccess } from '../auth/request-access';
import { API_PREFIX } from '../http/api-prefix';
import { type Listing, ListParams } from '../http/query-param';
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
    @ListParams({ query: false, sort: false }) list: Listing,
  ): Promise<ScheduleTaskView[]> {
    return list.answer(await this.schedules.list(access, list.paging));
  }

  @Get(':job_type/paused')
  @ApiModelResponse('SchedulerStatus')
  paused(@RequestAccess() access: Access, @Param('job_type') jobType: string): SchedulerStatus {
    return this.schedules.paused(access, jobType);
  }
}
