import { Injectable, Logger } from '@nestjs/common';
import type { Access } from '@wharf/auth';
import { JOB_TYPES, JobMonitor, type VendorType } from '@wharf/jobs';
import { requireSystemAccess } from '../auth/authorize';
import { badRequest, notFound } from '../http/harbor-error';
import type { ActionRequestDto } from './dto/action-request.dto';
import { type JobQueueView, jobQueueView, type WorkerPoolView, workerPoolView, type WorkerView, workerView } from './jobservice-view';

/** Harbor's system resource of the dashboard: administrators, and robots granted it. */
const RESOURCE = 'jobservice-monitor';

type QueueAction = 'stop' | 'pause' | 'resume';
const QUEUE_ACTIONS: readonly QueueAction[] = ['stop', 'pause', 'resume'];

/**
 * Harbor's /jobservice dashboard: the jobservices' worker pools and workers, the job queues with
 * their pause switch, and stopping jobs (waiting or running) by queue or by id. Reading needs
 * jobservice-monitor:list, acting jobservice-monitor:stop.
 */
@Injectable()
export class JobServiceMonitorService {
  private readonly logger = new Logger('jobservice-monitor');

  constructor(private readonly monitor: JobMonitor) {}

  async pools(access: Access): Promise<WorkerPoolView[]> {
    requireSystemAccess(access, RESOURCE, 'list');
    return (await this.monitor.pools()).map(workerPoolView);
  }

  /** A pool that is not (or no longer) running has no workers, as in Harbor. */
  async workers(access: Access, poolId: string): Promise<WorkerView[]> {
    requireSystemAccess(access, RESOURCE, 'list');
    return ((await this.monitor.workers(poolId)) ?? []).map(workerView);
  }

  async queues(access: Access): Promise<JobQueueView[]> {
    requireSystemAccess(access, RESOURCE, 'list');
    return (await this.monitor.queueStates()).map(jobQueueView);
  }

  /** stop (remove the waiting jobs, their tasks end Stopped), pause or resume one job type's queue, or every one's ("all"). */
  async actOnQueue(access: Access, jobType: string, body: ActionRequestDto | undefined): Promise<void> {
    requireSystemAccess(access, RESOURCE, 'stop');
    const action = (body?.action ?? '').toLowerCase() as QueueAction;
    if (!QUEUE_ACTIONS.includes(action)) throw badRequest(`the action ${JSON.stringify(body?.action ?? '')} is not supported: use stop, pause or resume`);
    const types = this.jobTypes(jobType);
    for (const type of types) {
      if (action === 'pause') await this.monitor.pause(type);
      else if (action === 'resume') await this.monitor.resume(type);
      else {
        const stopped = await this.monitor.stopWaiting(type);
        this.logger.log(`stopped waiting jobs: type=${type} count=${stopped}`);
        continue;
      }
      this.logger.log(`${action}d job queue: type=${type}`);
    }
  }

  /** Stopping a job that is unknown or already ended changes nothing and is not an error (as Harbor). */
  async stopJob(access: Access, jobId: string): Promise<void> {
    requireSystemAccess(access, RESOURCE, 'stop');
    const outcome = await this.monitor.stopJob(jobId);
    if (outcome !== 'unknown') this.logger.log(`stopped job: job=${jobId} outcome=${outcome}`);
  }

  async jobLog(access: Access, jobId: string): Promise<string> {
    requireSystemAccess(access, RESOURCE, 'list');
    const log = await this.monitor.jobLog(jobId);
    if (log === undefined) throw notFound(`job ${jobId} not found`);
    return log;
  }

  /** Harbor's job type names, any case; "all" is every type Wharf runs. */
  private jobTypes(jobType: string): readonly VendorType[] {
    const upper = jobType.toUpperCase();
    if (upper === 'ALL') return JOB_TYPES;
    const type = JOB_TYPES.find((t) => t === upper);
    if (!type) throw notFound(`job type ${jobType} not found: Wharf runs ${JOB_TYPES.join(', ')}`);
    return [type];
  }
}
