import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { blockingRedisOptions } from '@wharf/outage';
import Redis from 'ioredis';
import type { Logger } from '../logger';

/** One entry of the event stream: its id and its fields as name/value pairs. */
export interface StreamEntry {
  id: string;
  fields: Record<string, string>;
}

/** Handles a batch; answers the ids that are done (acknowledged) — the others are read again later. */
export type StreamHandler = (entries: StreamEntry[]) => Promise<string[]>;

export interface EventConsumerOptions {
  redisUrl: string;
  stream: string;
  group: string;
  /** Entries another consumer took this long ago without acknowledging them are taken over. */
  claimIdleMs: number;
  /** How long one read waits for new entries. */
  blockMs?: number;
  batch?: number;
  logger: Logger;
}

type RawEntry = [id: string, fields: string[]] | null;

function toEntries(raw: RawEntry[]): StreamEntry[] {
  const entries: StreamEntry[] = [];
  for (const item of raw) {
    // XAUTOCLAIM reports entries trimmed from the stream meanwhile as null (Redis 6.2).
    if (!item) continue;
    const [id, list] = item;
    const fields: Record<string, string> = {};
    for (let i = 0; i + 1 < list.length; i += 2) fields[list[i]] = list[i + 1];
    entries.push({ id, fields });
  }
  return entries;
}

/** An entry handed out this often without being handled is given up on (it would loop for ever). */
export const MAX_DELIVERIES = 10;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms).unref());

/**
 * Reads a Redis stream as one consumer of a consumer group: every entry goes to one consumer of the
 * group however many processes read, and is acknowledged only once handled. Entries a consumer
 * took and never acknowledged (it died) are claimed by the live ones after `claimIdleMs`, so a
 * killed jobservice's events are still handled. Consumers long gone are removed from the group.
 */
export class EventConsumer {
  /** Unique per process and per instance (tests run several in one process). */
  readonly name = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private readonly reader: Redis;
  private readonly commands: Redis;
  private readonly blockMs: number;
  private readonly batch: number;
  private closed = false;
  private loop: Promise<void> = Promise.resolve();
  private claiming: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: EventConsumerOptions,
    private readonly handler: StreamHandler,
  ) {
    this.blockMs = options.blockMs ?? 5000;
    this.batch = options.batch ?? 200;
    // XREADGROUP BLOCK holds its connection: the acknowledgements and claims use another. Neither
    // has a command timeout: an acknowledgement given up on would have its event delivered twice,
    // and a frozen Redis only pauses the deliveries.
    this.reader = new Redis(options.redisUrl, blockingRedisOptions('wharf-jobservice-events'));
    this.commands = new Redis(options.redisUrl, blockingRedisOptions('wharf-jobservice-events-ack'));
    for (const r of [this.reader, this.commands]) r.on('error', (err: Error) => options.logger.debug('failed to reach redis', { error: err.message }));
  }

  /** Joins the group (created at the stream's end the first time: older events are not replayed). */
  async start(): Promise<void> {
    await this.createGroup('$');
    this.loop = this.readLoop();
    const interval = Math.min(30_000, Math.max(250, Math.floor(this.options.claimIdleMs / 2)));
    this.timer = setInterval(() => void this.claimStale(), interval);
    this.timer.unref();
  }

  /** Stops reading; what is being handled finishes (and is acknowledged) first. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    // Ends a blocked read at once; a batch being handled goes on over the other connection.
    this.reader.disconnect();
    await this.loop;
    await this.claiming;
    this.commands.disconnect();
  }

  private async createGroup(start: '$' | '0'): Promise<void> {
    try {
      await this.commands.xgroup('CREATE', this.options.stream, this.options.group, start, 'MKSTREAM');
    } catch (err) {
      if (!/BUSYGROUP/.test((err as Error).message)) throw err;
    }
  }

  private async readLoop(): Promise<void> {
    const { stream, group, logger } = this.options;
    while (!this.closed) {
      let raw: [string, RawEntry[]][] | null;
      try {
        raw = (await this.reader.xreadgroup('GROUP', group, this.name, 'COUNT', this.batch, 'BLOCK', this.blockMs, 'STREAMS', stream, '>')) as [string, RawEntry[]][] | null;
      } catch (err) {
        if (this.closed) break;
        const message = (err as Error).message;
        if (/NOGROUP/.test(message)) {
          // The stream (or the group) vanished while running: whatever it holds now came after.
          await this.createGroup('0').catch(() => undefined);
        } else {
          logger.warn('failed to read artifact events', { error: message });
          await sleep(1000);
        }
        continue;
      }
      if (!raw) continue;
      await this.handle(toEntries(raw[0]?.[1] ?? []));
    }
  }

  private async handle(entries: StreamEntry[]): Promise<void> {
    if (entries.length === 0) return;
    let done: string[];
    try {
      done = await this.handler(entries);
    } catch (err) {
      this.options.logger.warn('failed to handle artifact events; they are read again later', { events: entries.length, error: (err as Error).message });
      return;
    }
    if (done.length === 0) return;
    await this.commands
      .xack(this.options.stream, this.options.group, ...done)
      .catch((err: Error) => this.options.logger.warn('failed to acknowledge artifact events', { events: done.length, error: err.message }));
  }

  /** Takes over entries left unacknowledged too long (by a dead consumer, or by a failed handling here). */
  claimStale(): Promise<void> {
    this.claiming ??= this.claimRound().finally(() => (this.claiming = undefined));
    return this.claiming;
  }

  private async claimRound(): Promise<void> {
    const { stream, group, claimIdleMs, logger } = this.options;
    try {
      await this.dropPoisoned();
      let cursor = '0-0';
      do {
        if (this.closed) return;
        const [next, raw] = (await this.commands.xautoclaim(stream, group, this.name, claimIdleMs, cursor, 'COUNT', this.batch)) as [string, RawEntry[], ...unknown[]];
        const entries = toEntries(raw);
        if (entries.length > 0) logger.info('took over artifact events left unacknowledged', { events: entries.length });
        await this.handle(entries);
        cursor = next;
      } while (cursor !== '0-0');
      await this.forgetGoneConsumers();
    } catch (err) {
      if (!this.closed && !/NOGROUP/.test((err as Error).message)) logger.warn('failed to take over unacknowledged artifact events', { error: (err as Error).message });
    }
  }

  /** Acknowledges, with an error in the log, entries whose handling failed MAX_DELIVERIES times. */
  private async dropPoisoned(): Promise<void> {
    const { stream, group, claimIdleMs, logger } = this.options;
    const pending = (await this.commands.xpending(stream, group, 'IDLE', claimIdleMs, '-', '+', this.batch)) as [string, string, number, number][];
    const poisoned = pending.filter(([, , , deliveries]) => deliveries >= MAX_DELIVERIES).map(([id]) => id);
    if (poisoned.length === 0) return;
    logger.error('failed to handle artifact events after repeated attempts; dropping them', { events: poisoned.join(','), attempts: MAX_DELIVERIES });
    await this.commands.xack(stream, group, ...poisoned);
  }

  /** Consumers holding nothing and silent for long are gone (each process start adds one). */
  private async forgetGoneConsumers(): Promise<void> {
    const { stream, group } = this.options;
    const goneAfterMs = Math.max(3_600_000, this.options.claimIdleMs * 10);
    const consumers = (await this.commands.xinfo('CONSUMERS', stream, group)) as unknown[][];
    for (const info of consumers) {
      const fields = new Map<string, unknown>();
      for (let i = 0; i + 1 < info.length; i += 2) fields.set(String(info[i]), info[i + 1]);
      const name = String(fields.get('name'));
      if (name !== this.name && Number(fields.get('pending')) === 0 && Number(fields.get('idle')) > goneAfterMs) {
        await this.commands.xgroup('DELCONSUMER', stream, group, name);
      }
    }
  }
}
