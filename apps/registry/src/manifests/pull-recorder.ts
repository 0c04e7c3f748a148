import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { ArtifactStore } from '../metadata/artifact.store';

const FLUSH_MS = 2_000;

/**
 * Pull times, written in batches: a pull must not cost a database write. Losing the last couple of
 * seconds of pull times in a crash is acceptable; they only feed "recently pulled" retention.
 */
@Injectable()
export class PullRecorder implements OnModuleDestroy {
  private artifacts = new Set<string>();
  private tags = new Set<string>();
  private readonly timer = setInterval(() => void this.flush(), FLUSH_MS).unref();

  constructor(private readonly store: ArtifactStore) {}

  record(artifactId: string, tagId?: string): void {
    this.artifacts.add(artifactId);
    if (tagId) this.tags.add(tagId);
  }

  async flush(): Promise<void> {
    if (this.artifacts.size === 0 && this.tags.size === 0) return;
    const artifacts = [...this.artifacts];
    const tags = [...this.tags];
    this.artifacts = new Set();
    this.tags = new Set();
    await this.store.recordPulls(artifacts, tags).catch(() => undefined);
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }
}
