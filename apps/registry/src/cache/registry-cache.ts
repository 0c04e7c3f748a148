import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import type { SqlRunner } from '@wharf/db';
import { Client } from 'pg';
import type { RegistryConfig } from '../config';
import { CONFIG } from '../infra/tokens';
import type { BlobRow } from '../metadata/blob.store';
import type { ResolvedManifest } from '../metadata/artifact.store';
import { ResolutionCache } from './resolution-cache';

const CHANNEL = 'wharf_repository_changed';
const TTL_MS = 60_000;
const MAX_ENTRIES = 100_000;

/**
 * The hot-path caches (manifest references, blob links) and the change feed that keeps every
 * registry process's copy correct. Writers call `changed()` inside their transaction: PostgreSQL
 * delivers the notification to every listener when, and only if, that transaction commits.
 */
@Injectable()
export class RegistryCache implements OnModuleInit, OnModuleDestroy {
  readonly manifests = new ResolutionCache<ResolvedManifest>(TTL_MS, MAX_ENTRIES);
  readonly blobs = new ResolutionCache<BlobRow>(TTL_MS, MAX_ENTRIES);
  private readonly logger = new Logger('cache');
  private client: Client | undefined;
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(@Inject(CONFIG) private readonly config: RegistryConfig) {
    // Nothing is cached until the feed is listening.
    this.setEnabled(false);
  }

  async onModuleInit(): Promise<void> {
    await this.connect();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retry);
    await this.client?.end().catch(() => undefined);
  }

  /** Announces a change to `repository` to every process, as part of the caller's transaction. */
  async changed(repository: string, runner: SqlRunner): Promise<void> {
    await runner.query('SELECT pg_notify($1, $2)', [CHANNEL, repository], 'notify_changed');
  }

  /** Drops this process's entries at once (the notification follows for the others). */
  invalidate(repository: string): void {
    this.manifests.invalidate(repository);
    this.blobs.invalidate(repository);
  }

  private setEnabled(enabled: boolean): void {
    this.manifests.setEnabled(enabled);
    this.blobs.setEnabled(enabled);
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.config.databaseUrl, application_name: 'wharf-registry-feed' });
    client.on('notification', (msg) => {
      if (msg.payload) this.invalidate(msg.payload);
    });
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      this.client = client;
      this.setEnabled(true);
    } catch (err) {
      this.lost(client, err as Error);
    }
  }

  private lost(client: Client, err?: Error): void {
    if (this.client !== client && this.client !== undefined) return;
    this.client = undefined;
    this.setEnabled(false);
    client.removeAllListeners();
    client.end().catch(() => undefined);
    if (this.stopped) return;
    if (err) this.logger.warn(`failed to keep the cache invalidation feed: ${err.message}; caching is off until it reconnects`);
    this.retry = setTimeout(() => void this.connect(), 1000);
    this.retry.unref();
  }
}
