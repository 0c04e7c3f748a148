import { Inject, Injectable, Logger } from '@nestjs/common';
import { createStorageDriver, StorageDriver, StorageError } from '@wharf/storage';
import type { CoreConfig } from '../config';
import { CORE_CONFIG } from '../infra/tokens';
import { abstractMetadata, CorruptContentError, MissingContentError, processorOf } from './artifact-processor';
import { ArtifactRecord, ArtifactStore } from './artifact.store';

/** How many artifacts one list works out at once the first time they are read. */
const CONCURRENCY = 4;

/**
 * The registry's stored bytes as core reads them (manifests and blobs by digest), and the
 * metadata Harbor abstracts from them at push time. Core works an artifact's metadata out the
 * first time the artifact is read and records it, so artifacts pushed before core knew how get
 * theirs too. Without the registry's storage directory (REGISTRY_STORAGE_DIR) nothing is read:
 * artifacts then show empty extra_attrs and have no additions.
 */
@Injectable()
export class ArtifactContent {
  private readonly logger = new Logger(ArtifactContent.name);
  private readonly storage: StorageDriver | null;

  constructor(
    @Inject(CORE_CONFIG) config: CoreConfig,
    private readonly artifacts: ArtifactStore,
  ) {
    this.storage = config.storageDir ? createStorageDriver({ driver: 'filesystem', rootDirectory: config.storageDir }) : null;
  }

  /** A stored blob (or manifest), or undefined when storage does not hold it. */
  async read(digest: string): Promise<Buffer | undefined> {
    if (!this.storage) return undefined;
    try {
      return await this.storage.readAll(digest);
    } catch (err) {
      if (err instanceof StorageError && err.code === 'NOT_FOUND') return undefined;
      throw err;
    }
  }

  /** Fills extra_attrs and icon of the rows that have none recorded yet, and records them. */
  async ensureMetadata(rows: ArtifactRecord[]): Promise<void> {
    const pending = rows.filter((r) => r.extra_attrs === null);
    if (pending.length === 0 || !this.storage) return;
    let next = 0;
    const worker = async () => {
      while (next < pending.length) await this.fill(pending[next++]);
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, pending.length) }, worker));
  }

  private async fill(row: ArtifactRecord): Promise<void> {
    const read = (digest: string) => this.read(digest);
    let metadata: { extraAttrs: Record<string, unknown>; icon: string | null };
    try {
      const manifest = await read(row.digest);
      if (manifest === undefined) throw new MissingContentError(`manifest ${row.digest} is not in storage`);
      metadata = await abstractMetadata(processorOf(row), manifest, row.media_type, read);
    } catch (err) {
      if (err instanceof MissingContentError) {
        // Not (or no longer) in storage: shown without metadata, and tried again on the next read.
        this.logger.debug({ artifact: `${row.repository_name}@${row.digest}`, reason: err.message }, 'artifact content not in storage');
        return;
      }
      if (!(err instanceof SyntaxError) && !(err instanceof CorruptContentError)) throw err;
      // Content that cannot be parsed will not parse later either: recorded as empty, as Harbor
      // keeps an artifact whose metadata it could not abstract.
      this.logger.warn({ artifact: `${row.repository_name}@${row.digest}`, reason: (err as Error).message }, 'failed to abstract artifact metadata');
      metadata = { extraAttrs: {}, icon: null };
    }
    row.extra_attrs = metadata.extraAttrs;
    row.icon = metadata.icon;
    await this.artifacts.saveMetadata(row.id, metadata.extraAttrs, metadata.icon);
  }
}
