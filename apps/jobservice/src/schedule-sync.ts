import type Redis from 'ioredis';
import { Client } from 'pg';
import {
  JobName,
  type JobQueues,
  KEEP_FINISHED,
  QUEUE_OF,
  type Schedule,
  type ScheduleStore,
  schedulerId,
  schedulesChangedChannel,
  VendorType,
} from '@wharf/jobs';
import type { Logger } from './logger';

const SCHEDULER_PREFIX = schedulerId('');

/**
 * Mirrors the `schedule` rows into BullMQ job schedulers (one per row, named after its id), so a
 * cron fires once per due time however many jobservices run. Only the holder of a PostgreSQL
 * advisory lock writes schedulers (concurrent upserts of one scheduler have produced duplicates);
 * the others skip a round. Runs at start, when a service announces a change, and periodically
 * (which also repairs a change whose announcement was lost).
 */
export class ScheduleSync {
  private timer: NodeJS.Timeout | undefined;
  private subscriber: Redis | undefined;
  private running: Promise<void> = Promise.resolve();
  private again = false;
  private busy = false;

  constructor(
    private readonly databaseUrl: string,
    private readonly schedules: ScheduleStore,
    private readonly queues: JobQueues,
    private readonly subscriberConnection: Redis,
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    await this.sync();
    this.subscriber = this.subscriberConnection;
    this.subscriber.on('message', () => this.request());
    await this.subscriber.subscribe(schedulesChangedChannel(this.queues.prefix)).catch((err: Error) =>
      this.logger.warn('failed to subscribe to schedule changes; relying on the periodic sync', { error: err.message }),
    );
    this.timer = setInterval(() => this.request(), this.intervalMs);
    this.timer.unref();
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    this.subscriber?.disconnect();
    await this.running;
  }

  /** Coalesces requests: one sync at a time, plus at most one more after it. */
  private request(): void {
    if (this.busy) {
      this.again = true;
      return;
    }
    this.running = this.sync();
  }

  /** One round; never throws (the next round retries). */
  async sync(): Promise<void> {
    this.busy = true;
    try {
      do {
        this.again = false;
        await this.syncOnce().catch((err: Error) => this.logger.warn('failed to sync the schedules', { error: err.message }));
      } while (this.again);
    } finally {
      this.busy = false;
    }
  }

  private async syncOnce(): Promise<void> {
    const client = new Client({ connectionString: this.databaseUrl, application_name: 'wharf-jobservice-schedules' });
    // A connection PostgreSQL ends mid-sync fails the query in progress; the event itself must not end the process.
    client.on('error', () => undefined);
    await client.connect();
    try {
      const { rows } = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_lock(hashtextextended('wharf:schedule-sync', 0)) AS locked");
      if (!rows[0]?.locked) return;
      const wanted = await this.schedules.all();
      for (const vendorType of Object.values(VendorType)) {
        await this.syncQueue(vendorType, wanted.filter((s) => s.vendorType === vendorType));
      }
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  private async syncQueue(vendorType: VendorType, wanted: Schedule[]): Promise<void> {
    const queue = this.queues.queue(vendorType);
    const existing = new Map<string, string | undefined>();
    for (const s of await queue.getJobSchedulers(0, -1, true)) {
      if (s.key.startsWith(SCHEDULER_PREFIX)) existing.set(s.key, s.pattern ?? undefined);
    }
    const wantedIds = new Set<string>();
    for (const s of wanted) {
      const id = schedulerId(s.id);
      wantedIds.add(id);
      if (existing.get(id) === s.cron) continue;
      await queue.upsertJobScheduler(id, { pattern: s.cron, tz: 'UTC' }, { name: JobName.Scheduled, data: { scheduleId: s.id }, opts: { ...KEEP_FINISHED } });
      this.logger.info('registered a schedule', { queue: QUEUE_OF[vendorType], schedule: s.id, cron: s.cron });
    }
    for (const id of existing.keys()) {
      if (wantedIds.has(id)) continue;
      await queue.removeJobScheduler(id);
      this.logger.info('removed a schedule', { queue: QUEUE_OF[vendorType], scheduler: id });
    }
  }
}
