import { DynamicModule, Logger, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { createPool, Sql } from '@wharf/db/plain';
import { asDatabaseOutage, DatabaseUnavailableError, OutageLogs } from '@wharf/outage';
import { createStorageDriver } from '@wharf/storage';
import type { Pool } from 'pg';
import { auditProviders } from './audit/audit.providers';
import type { RegistryAuditConfig } from './audit/audit-config';
import { authProviders } from './auth/auth.providers';
import { RegistryAccessGuard } from './auth/registry-access.guard';
import { BaseController } from './base/base.controller';
import { RegistryCache } from './cache/registry-cache';
import { BlobController } from './blobs/blob.controller';
import { BlobService } from './blobs/blob.service';
import { CatalogController } from './catalog/catalog.controller';
import type { RegistryConfig } from './config';
import { OciExceptionFilter } from './http/oci-exception.filter';
import { ReadOnlyGuard } from './http/read-only.guard';
import { StorageSpace } from './infra/storage-space';
import { CONFIG, DB_POOL, SQL, STORAGE } from './infra/tokens';
import { ManifestController } from './manifests/manifest.controller';
import { ImmutableTags } from './manifests/immutable-tags';
import { ProjectPolicies } from './projects/project-policies';
import { ProjectQuotas } from './quota/project-quotas';
import { RegistryEvents } from './events/registry-events';
import { ManifestService } from './manifests/manifest.service';
import { PullRecorder } from './manifests/pull-recorder';
import { ArtifactStore } from './metadata/artifact.store';
import { BlobStore } from './metadata/blob.store';
import { RepositoryStore } from './metadata/repository.store';
import { UploadStore } from './metadata/upload.store';
import { ReferrersController } from './referrers/referrers.controller';
import { TagsController } from './tags/tags.controller';
import { HasherCache } from './uploads/hasher-cache';
import { UploadIds } from './uploads/upload-ids';
import { UploadController } from './uploads/upload.controller';
import { UploadService } from './uploads/upload.service';

@Module({})
export class RegistryModule {
  /** `audit` defaults to the environment's `REGISTRY_AUDIT*` settings. */
  static forRoot(config: RegistryConfig, audit: RegistryAuditConfig = config.audit): DynamicModule {
    return {
      module: RegistryModule,
      controllers: [BaseController, BlobController, UploadController, ManifestController, TagsController, CatalogController, ReferrersController],
      providers: [
        { provide: CONFIG, useValue: config },
        {
          provide: OutageLogs,
          useFactory: () => new OutageLogs({ database: (line) => new Logger('database').error(line), redis: (line) => new Logger('redis').warn(line) }),
        },
        {
          provide: DB_POOL,
          useFactory: (outages: OutageLogs) =>
            createPool({
              url: config.databaseUrl,
              size: config.dbPoolSize,
              applicationName: 'wharf-registry',
              timeouts: config.databaseTimeouts,
              // Every idle connection fails at once when PostgreSQL goes away: one line for all.
              onIdleError: (err) => {
                const outage = asDatabaseOutage(err);
                if (outage instanceof DatabaseUnavailableError) outages.database.report(outage.summary, outage.reason);
                else new Logger('database').warn(`an idle database connection failed: ${err.message}`);
              },
            }),
          inject: [OutageLogs],
        },
        { provide: SQL, useFactory: (pool: Pool) => new Sql(pool), inject: [DB_POOL] },
        { provide: STORAGE, useFactory: () => createStorageDriver({ driver: 'filesystem', rootDirectory: config.dataDir }) },
        ...authProviders(config),
        ...auditProviders(audit),
        { provide: APP_FILTER, useClass: OciExceptionFilter },
        // Global, so before each controller's access guard (Harbor refuses before it authorizes).
        { provide: APP_GUARD, useClass: ReadOnlyGuard },
        RegistryAccessGuard,
        RegistryCache,
        RepositoryStore,
        BlobStore,
        ArtifactStore,
        UploadStore,
        HasherCache,
        UploadIds,
        PullRecorder,
        BlobService,
        UploadService,
        ManifestService,
        ImmutableTags,
        ProjectQuotas,
        ProjectPolicies,
        RegistryEvents,
        StorageSpace,
      ],
    };
  }
}
