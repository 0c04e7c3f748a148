import { Controller, Get } from '@nestjs/common';
import { ApiBasicAuth, ApiTags } from '@nestjs/swagger';
import type { Access } from '@wharf/auth';
import { RequestAccess } from '../auth/request-access';
import { API_PREFIX } from '../http/api-prefix';
import { ApiModelResponse } from '../openapi/schema';
import { Statistic, StatisticsService } from './statistics.service';

@ApiTags('statistic')
@ApiBasicAuth()
@Controller(`${API_PREFIX}/statistics`)
export class StatisticsController {
  constructor(private readonly statistics: StatisticsService) {}

  @Get()
  @ApiModelResponse('Statistic')
  get(@RequestAccess() access: Access): Promise<Statistic> {
    return this.statistics.statistic(access);
  }
}
