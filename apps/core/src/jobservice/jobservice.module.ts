import { Module } from '@nestjs/common';
import { ExecutionStore, JobMonitor, JobQueues } from '@wharf/jobs';
import { JobServiceController } from './jobservice.controller';
import { JobServiceMonitorService } from './jobservice.service';

/** Harbor's /jobservice dashboard API over the queues and job records of the global InfraModule. */
@Module({
  controllers: [JobServiceController],
  providers: [
    { provide: JobMonitor, useFactory: (queues: JobQueues, executions: ExecutionStore) => new JobMonitor(queues, executions), inject: [JobQueues, ExecutionStore] },
    JobServiceMonitorService,
  ],
})
export class JobServiceModule {}
