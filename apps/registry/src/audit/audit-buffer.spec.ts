import { AuditBuffer, AuditBufferOptions } from './audit-buffer';
import { auditEvent, RegistryAuditEvent } from './audit-event';

/** A sink that records each batch, and can be made to fail. */
class RecordingSink {
  batches: RegistryAuditEvent[][] = [];
  attempts = 0;
  failWith: Error | undefined;
  readonly write = async (events: readonly RegistryAuditEvent[]): Promise<void> => {
    this.attempts++;
    await Promise.resolve();
    if (this.failWith) throw this.failWith;
    this.batches.push([...events]);
  };
  get resources(): string[] {
    return this.batches.flat().map((e) => e.resource);
  }
}

class RecordingLog {
  lines: string[] = [];
  warn(message: string): void {
    this.lines.push(`warn ${message}`);
  }
  error(message: string): void {
    this.lines.push(`error ${message}`);
  }
}

function pgError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

const event = (tag: string) => auditEvent('pull', 'team/app', tag, 'alice', '127.0.0.1');
const OPTIONS: AuditBufferOptions = { flushMs: 60_000, batchSize: 3, maxPending: 10 };

describe('AuditBuffer', () => {
  let sink: RecordingSink;
  let log: RecordingLog;
  let buffer: AuditBuffer;

  beforeEach(() => {
    sink = new RecordingSink();
    log = new RecordingLog();
    buffer = new AuditBuffer(sink.write, OPTIONS, log);
  });

  afterEach(async () => {
    await buffer.close();
  });

  it('holds events until flushed, then writes them in order, in batches of at most batchSize', async () => {
    buffer.add(event('a'));
    buffer.add(event('b'));
    expect(sink.batches).toEqual([]);
    await buffer.flush();
    expect(sink.batches.map((b) => b.length)).toEqual([2]);
    for (const tag of ['c', 'd', 'e', 'f', 'g']) buffer.add(event(tag));
    await buffer.flush();
    expect(sink.resources).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((t) => `team/app:${t}`));
    expect(sink.batches.every((b) => b.length <= OPTIONS.batchSize)).toBe(true);
  });

  it('writes on its own once batchSize events are buffered, without waiting for the timer', async () => {
    buffer.add(event('a'));
    buffer.add(event('b'));
    buffer.add(event('c'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(sink.batches.map((b) => b.length)).toEqual([3]);
  });

  it('writes on the timer', async () => {
    const timed = new AuditBuffer(sink.write, { ...OPTIONS, flushMs: 20 }, log);
    timed.start();
    timed.add(event('a'));
    const deadline = Date.now() + 2_000;
    while (sink.batches.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(sink.resources).toEqual(['team/app:a']);
    await timed.close();
  });

  it('a flush during a running write also covers what was added meanwhile', async () => {
    buffer.add(event('a'));
    const first = buffer.flush();
    buffer.add(event('b'));
    await buffer.flush();
    await first;
    expect(sink.resources).toEqual(['team/app:a', 'team/app:b']);
    expect(buffer.size).toBe(0);
  });

  it('keeps events while the database is unreachable and writes them, in order, once it is back', async () => {
    sink.failWith = pgError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432');
    buffer.add(event('a'));
    buffer.add(event('b'));
    await buffer.flush();
    expect(buffer.size).toBe(2);
    expect(log.lines).toEqual([expect.stringMatching(/^error failed to write audit events, will retry: count=2 pending=2 reason=connect ECONNREFUSED/)]);
    buffer.add(event('c'));
    sink.failWith = undefined;
    await buffer.flush();
    expect(sink.resources).toEqual(['team/app:a', 'team/app:b', 'team/app:c']);
  });

  it('says that it keeps failing once, not once per retry', async () => {
    sink.failWith = pgError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432');
    buffer.add(event('a'));
    for (let i = 0; i < 20; i++) await buffer.flush();
    expect(sink.attempts).toBe(20);
    expect(log.lines).toEqual([expect.stringMatching(/^error failed to write audit events, will retry: count=1 pending=1 reason=connect ECONNREFUSED/)]);
  });

  it('after a failed write a full buffer waits for the timer instead of retrying on every event', async () => {
    sink.failWith = pgError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432');
    buffer.add(event('a'));
    await buffer.flush();
    expect(sink.attempts).toBe(1);
    for (const tag of ['b', 'c', 'd', 'e']) buffer.add(event(tag));
    await new Promise((resolve) => setImmediate(resolve));
    expect(sink.attempts).toBe(1);
    sink.failWith = undefined;
    await buffer.flush();
    expect(sink.resources).toEqual(['a', 'b', 'c', 'd', 'e'].map((t) => `team/app:${t}`));
  });

  it('drops a batch the database rejects for its content instead of retrying it for ever', async () => {
    sink.failWith = pgError('22021', 'invalid byte sequence for encoding "UTF8": 0x00');
    buffer.add(event('a'));
    await buffer.flush();
    expect(buffer.size).toBe(0);
    expect(log.lines).toEqual([expect.stringMatching(/^error failed to write audit events, dropping them: count=1 reason=invalid byte sequence/)]);
    sink.failWith = undefined;
    buffer.add(event('b'));
    await buffer.flush();
    expect(sink.resources).toEqual(['team/app:b']);
  });

  it('never holds more than maxPending events: newer ones are dropped and counted in the log', async () => {
    sink.failWith = pgError('57P01', 'terminating connection due to administrator command');
    for (let i = 0; i < 14; i++) buffer.add(event(`t${i}`));
    await buffer.flush();
    expect(buffer.size).toBe(OPTIONS.maxPending);
    expect(log.lines).toContain('warn dropped audit events: the buffer was full: count=4 max_pending=10');
    sink.failWith = undefined;
    await buffer.flush();
    expect(sink.resources).toEqual(Array.from({ length: 10 }, (_, i) => `team/app:t${i}`));
  });

  it('close writes what is left and ignores later events', async () => {
    buffer.add(event('a'));
    await buffer.close();
    buffer.add(event('late'));
    await buffer.flush();
    expect(sink.resources).toEqual(['team/app:a']);
  });
});
