import { Injectable } from '@nestjs/common';
import type { Access } from '@wharf/auth';
import { type Schedule, ScheduleStore } from '@wharf/jobs';
import { requireAuthenticated, requireSysadmin } from '../auth/authorize';
import { badRequest } from '../http/harbor-error';
import type { Paging } from '../http/paging';

/** Harbor's ScheduleTask. */
export interface ScheduleTaskView {
  id: number;
  vendor_type: string;
  vendor_id: number;
  cron: string;
  update_time: string;
}

/** Harbor's SchedulerStatus. */
export interface SchedulerStatus {
  paused: boolean;
}

export function scheduleTaskView(s: Schedule): ScheduleTaskView {
  return { id: Number(s.id), vendor_type: s.vendorType, vendor_id: Number(s.vendorId), cron: s.cron, update_time: s.updateTime.toISOString() };
}

@Injectable()
export class SchedulesService {
  constructor(private readonly schedules: ScheduleStore) {}

  async list(access: Access, paging: Paging): Promise<{ items: ScheduleTaskView[]; total: number }> {
    // Harbor shows them to whoever may watch the job service: system administrators.
    requireSysadmin(access);
    const page = await this.schedules.page(paging.page, paging.pageSize);
    return { items: page.items.map(scheduleTaskView), total: page.total };
  }

  /**
   * Whether scheduled jobs are paused, for any authenticated caller as in Harbor, which answers only
   * for `all`. Wharf's job service has no pause (Harbor's job-queue pause is not implemented): the
   * schedules always run, so the answer is always false.
   */
  paused(access: Access, jobType: string): SchedulerStatus {
    requireAuthenticated(access);
    if (jobType.toLowerCase() !== 'all') throw badRequest('only the job type all is supported');
    return { paused: false };
  }
}
