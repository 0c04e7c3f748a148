import { Injectable, Logger } from '@nestjs/common';
import type { Access } from '@wharf/auth';
import { type ArtifactEvent, EventType, JobQueues } from '@wharf/jobs';
import { actorName } from '../auth/authorize';

/** An artifact an API request deleted, with the tags it had. */
export interface DeletedArtifactRef {
  digest: string;
  tags: string[];
}

/**
 * Announces the API's artifact deletions (and copies, as pushes) (an artifact, with what went along with it, or a whole
 * repository) as DELETE_ARTIFACT events on the installation's event stream, as the registry does
 * for deletes through /v2/: webhooks then see them whichever door they came through. Sent after
 * the commit; an event Redis cannot take is logged and lost, never a reason to fail a delete
 * that happened.
 */
@Injectable()
export class DeletionEvents {
  private readonly logger = new Logger('events');

  constructor(private readonly queues: JobQueues) {}

  async published(access: Access, repository: string, deleted: readonly DeletedArtifactRef[]): Promise<void> {
    await this.announce(access, EventType.DeleteArtifact, repository, deleted);
  }

  /**
   * Artifacts an API request created (a copy) as PUSH_ARTIFACT events, each with the tag Harbor's
   * push event names (the first), as the registry announces a push.
   */
  async pushed(access: Access, repository: string, created: readonly DeletedArtifactRef[]): Promise<void> {
    await this.announce(access, EventType.PushArtifact, repository, created.map((a) => ({ digest: a.digest, tags: a.tags.slice(0, 1) })));
  }

  private async announce(access: Access, type: EventType, repository: string, artifacts: readonly DeletedArtifactRef[]): Promise<void> {
    if (artifacts.length === 0) return;
    const occurAt = Date.now();
    const operator = actorName(access);
    const events: ArtifactEvent[] = artifacts.map((a) => ({
      type,
      occurAt,
      operator,
      repository,
      digest: a.digest,
      ...(a.tags.length > 0 ? { tag: a.tags[0], tags: [...a.tags] } : {}),
    }));
    try {
      await this.queues.publishEvents(events);
    } catch (err) {
      this.logger.warn(`failed to publish ${events.length} artifact events: type=${type} repository=${repository} error=${JSON.stringify((err as Error).message)}`);
    }
  }
}
