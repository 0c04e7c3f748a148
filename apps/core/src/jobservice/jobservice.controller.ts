import { Body, Controller, Get, HttpCode, Param, Put, Res } from '@nestjs/common';
import { ApiBasicAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import type { Access } from '@wharf/auth';
import type { FastifyReply } from 'fastify';
import { RequestAccess } from '../auth/request-access';
import { API_PREFIX } from '../http/api-prefix';
import { ActionRequestDto } from './dto/action-request.dto';
import { ApiModelResponse, ApiNoBodyResponse, ApiTextResponse } from '../openapi/schema';
import { type JobQueueView, type WorkerPoolView, type WorkerView } from './jobservice-view';
import { JobServiceMonitorService } from './jobservice.service';

@ApiTags('jobservice')
@ApiBasicAuth()
@Controller(`${API_PREFIX}/jobservice`)
export class JobServiceController {
  constructor(private readonly monitor: JobServiceMonitorService) {}

  @Get('pools')
  @ApiModelResponse('WorkerPool', { list: true })
  pools(@RequestAccess() access: Access): Promise<WorkerPoolView[]> {
    return this.monitor.pools(access);
  }

  /** pool_id "all" lists the workers of every pool. */
  @Get('pools/:pool_id/workers')
  @ApiModelResponse('Worker', { list: true })
  workers(@RequestAccess() access: Access, @Param('pool_id') poolId: string): Promise<WorkerView[]> {
    return this.monitor.workers(access, poolId);
  }

  @Get('queues')
  @ApiModelResponse('JobQueue', { list: true })
  queues(@RequestAccess() access: Access): Promise<JobQueueView[]> {
    return this.monitor.queues(access);
  }

  /** job_type "all" acts on every queue. */
  @Put('queues/:job_type')
  @HttpCode(200)
  @ApiBody({ type: ActionRequestDto })
  @ApiNoBodyResponse()
  actOnQueue(@RequestAccess() access: Access, @Param('job_type') jobType: string, @Body() body: ActionRequestDto): Promise<void> {
    return this.monitor.actOnQueue(access, jobType, body);
  }

  /** Stops the job, waiting or running; job_id "all" stops every running job. The body is not read (as Harbor). */
  @Put('jobs/:job_id')
  @HttpCode(200)
  @ApiBody({ type: ActionRequestDto, required: false })
  @ApiNoBodyResponse()
  stopJob(@RequestAccess() access: Access, @Param('job_id') jobId: string): Promise<void> {
    return this.monitor.stopJob(access, jobId);
  }

  @Get('jobs/:job_id/log')
  @ApiTextResponse()
  async log(@RequestAccess() access: Access, @Res({ passthrough: true }) reply: FastifyReply, @Param('job_id') jobId: string): Promise<string> {
    const text = await this.monitor.jobLog(access, jobId);
    reply.type('text/plain; charset=utf-8');
    return text;
  }
}
