export * from './contract';
export { CRON_OF_TYPE, cronProblem, nextCronTime } from './cron';
export type { CronType } from './cron';
export { ExecutionStore, formatLogLine } from './execution.store';
export type { CreatedExecution, Execution, ExecutionPage, NewExecution, Task } from './execution.store';
export { ScheduleStore } from './schedule.store';
export type { Schedule, ScheduleInput } from './schedule.store';
export { JobQueues, KEEP_FINISHED, launchExecution, schedulesChangedChannel } from './job-queues';
export type { JobQueuesOptions } from './job-queues';
