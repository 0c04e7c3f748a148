import { Injectable, OnModuleDestroy } from '@nestjs/common';
import type { Digester } from '@wharf/oci';

const IDLE_MS = 30 * 60 * 1000;

/**
 * Running digests of uploads this process has appended to. Only an accelerator: node cannot
 * serialise hash state, so a process that lacks the hasher (another replica took the previous
 * chunk, or a restart) catches up by hashing the stored bytes it has not seen.
 */
@Injectable()
export class HasherCache implements OnModuleDestroy {
  private readonly entries = new Map<string, { digester: Digester; touched: number }>();
  private readonly sweeper = setInterval(() => this.sweep(), 60_000).unref();

  /** Removes and returns the hasher, so that a failed request cannot leave a wrong one behind. */
  take(id: string): Digester | undefined {
    const entry = this.entries.get(id);
    this.entries.delete(id);
    return entry?.digester;
  }

  put(id: string, digester: Digester): void {
    this.entries.set(id, { digester, touched: Date.now() });
  }

  drop(id: string): void {
    this.entries.delete(id);
  }

  private sweep(): void {
    const cutoff = Date.now() - IDLE_MS;
    for (const [id, entry] of this.entries) if (entry.touched < cutoff) this.entries.delete(id);
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }
}
