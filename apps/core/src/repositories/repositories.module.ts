import { Module } from '@nestjs/common';
import { AuditService } from '../audit/audit.service';
import { DeletionEvents } from './deletion-events';
import { ImmutableModule } from '../immutable/immutable.module';
import { ProjectAccess } from './project-access';
import { RegistryCacheNotifier } from './registry-cache-notifier';
import { RepositoriesController } from './repositories.controller';
import { RepositoriesService } from './repositories.service';
import { RepositoryStore } from './repository.store';

/**
 * Harbor's repository API, and what the artifact and search APIs share with it: project access
 * checks, repository rows and the registry cache contract.
 */
@Module({
  imports: [ImmutableModule],
  controllers: [RepositoriesController],
  // AuditService holds no state: this module's copy writes the same audit_log rows.
  providers: [ProjectAccess, RepositoryStore, RegistryCacheNotifier, RepositoriesService, AuditService, DeletionEvents],
  exports: [ProjectAccess, RepositoryStore, RegistryCacheNotifier, AuditService, DeletionEvents],
})
export class RepositoriesModule {}
