import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

export type BcryptJob = { op: 'hash'; password: string; cost: number } | { op: 'compare'; password: string; hash: string };

interface Queued {
  job: BcryptJob;
  resolve(result: string | boolean): void;
  reject(err: Error): void;
}

interface Thread {
  worker: Worker;
  current?: Queued;
  idleTimer?: NodeJS.Timeout;
}

// What each thread runs: bcryptjs's synchronous calls, one job at a time. Plain JavaScript
// evaluated from a string, so that the same pool runs from sources (tests) and from dist/;
// bcryptjs is loaded by the path the main thread resolved.
const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const bcrypt = require(workerData.bcryptjs);
parentPort.on('message', (job) => {
  try {
    const result = job.op === 'hash' ? bcrypt.hashSync(job.password, job.cost) : bcrypt.compareSync(job.password, job.hash);
    parentPort.postMessage({ result });
  } catch (err) {
    parentPort.postMessage({ error: String((err && err.message) || err) });
  }
});
`;

/**
 * Runs bcrypt on worker threads: a check costs ~100 ms of CPU, which on the event loop would stall
 * every other request of the process for as long. At most `maxThreads` threads (the cores by
 * default); jobs beyond that wait in order. Threads start on demand and end after `idleMs`
 * without work, so a process that rarely checks a password (a registry worker) holds none, and an
 * idle one never keeps the process alive. A thread that dies fails its job; the next job starts another.
 */
export class BcryptPool {
  private readonly threads = new Set<Thread>();
  private readonly idle: Thread[] = [];
  private readonly queue: Queued[] = [];
  private readonly bcryptjs = require.resolve('bcryptjs');

  constructor(
    readonly maxThreads = availableParallelism(),
    private readonly idleMs = 30_000,
  ) {
    if (!Number.isInteger(maxThreads) || maxThreads < 1) throw new RangeError(`maxThreads must be a positive integer, not ${maxThreads}`);
  }

  run(job: BcryptJob): Promise<string | boolean> {
    return new Promise((resolve, reject) => {
      this.queue.push({ job, resolve, reject });
      this.dispatch();
    });
  }

  /** Threads running now (busy or idle). */
  get size(): number {
    return this.threads.size;
  }

  /** Ends every thread; queued and running jobs fail. */
  async close(): Promise<void> {
    const threads = [...this.threads];
    this.threads.clear();
    this.idle.length = 0;
    const closed = new Error('the bcrypt pool was closed');
    for (const queued of this.queue.splice(0)) queued.reject(closed);
    for (const thread of threads) {
      clearTimeout(thread.idleTimer);
      thread.current?.reject(closed);
      thread.current = undefined;
    }
    await Promise.all(threads.map((t) => t.worker.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const thread = this.idle.pop() ?? (this.threads.size < this.maxThreads ? this.start() : undefined);
      if (!thread) return;
      const queued = this.queue.shift() as Queued;
      clearTimeout(thread.idleTimer);
      thread.current = queued;
      // A thread with work keeps the process alive until its answer; an idle one never does.
      thread.worker.ref();
      thread.worker.postMessage(queued.job);
    }
  }

  private start(): Thread {
    const worker = new Worker(THREAD_SOURCE, { eval: true, workerData: { bcryptjs: this.bcryptjs } });
    const thread: Thread = { worker };
    this.threads.add(thread);
    worker.on('message', (reply: { result?: string | boolean; error?: string }) => {
      const queued = thread.current;
      thread.current = undefined;
      thread.worker.unref();
      if (queued) {
        if (reply.error !== undefined) queued.reject(new Error(reply.error));
        else queued.resolve(reply.result as string | boolean);
      }
      if (!this.threads.has(thread)) return;
      this.idle.push(thread);
      thread.idleTimer = setTimeout(() => this.retire(thread), this.idleMs);
      thread.idleTimer.unref();
      this.dispatch();
    });
    const lost = (err: Error) => {
      if (!this.threads.delete(thread)) return;
      clearTimeout(thread.idleTimer);
      const at = this.idle.indexOf(thread);
      if (at >= 0) this.idle.splice(at, 1);
      thread.current?.reject(err);
      thread.current = undefined;
      this.dispatch();
    };
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`a bcrypt thread exited (code ${code})`)));
    return thread;
  }

  private retire(thread: Thread): void {
    const at = this.idle.indexOf(thread);
    if (at < 0) return;
    this.idle.splice(at, 1);
    this.threads.delete(thread);
    void thread.worker.terminate();
  }
}
