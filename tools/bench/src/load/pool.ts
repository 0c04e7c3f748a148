import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { LoadResult, LoadTask } from './tasks';

type Reply = { id: number; ok: true; result: LoadResult } | { id: number; ok: false; error: string };

/**
 * Load-generating worker threads, started once. The main thread only orchestrates and samples the
 * servers, so its timers stay punctual and the client's HTTP work spreads over the cores.
 */
export class LoadPool {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve(r: LoadResult): void; reject(e: Error): void }>();

  private constructor(private readonly workers: Worker[]) {
    for (const w of workers) {
      w.on('message', (reply: Reply) => {
        const p = this.pending.get(reply.id);
        if (!p) return;
        this.pending.delete(reply.id);
        if (reply.ok) p.resolve(reply.result);
        else p.reject(new Error(reply.error));
      });
      w.on('error', (err) => {
        for (const p of this.pending.values()) p.reject(err);
        this.pending.clear();
      });
    }
  }

  static async start(threads: number): Promise<LoadPool> {
    const workers = Array.from({ length: threads }, () => new Worker(join(__dirname, 'worker.js')));
    await Promise.all(workers.map((w) => new Promise((resolve, reject) => w.once('online', resolve).once('error', reject))));
    return new LoadPool(workers);
  }

  get size(): number {
    return this.workers.length;
  }

  run(task: LoadTask, thread = 0): Promise<LoadResult> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.workers[thread % this.workers.length].postMessage({ id, task });
    });
  }

  /** One task per thread, started together. */
  runEach(tasks: LoadTask[]): Promise<LoadResult[]> {
    return Promise.all(tasks.map((t, i) => this.run(t, i)));
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
