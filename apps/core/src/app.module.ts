import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuditController } from './audit/audit.controller';
import { AuditService } from './audit/audit.service';
import { ApiAuthGuard } from './auth/api-auth.guard';
import { AuthModule } from './auth/passport/auth.module';
import { LoginFailures } from './auth/login-failures';
import { BootstrapService } from './bootstrap/bootstrap.service';
import type { CoreConfig } from './config';
import { ConfigurationsModule } from './configurations/configurations.module';
import { ReadOnlyGuard } from './configurations/read-only.guard';
import { GcModule } from './gc/gc.module';
import { PurgeModule } from './purge/purge.module';
import { IconsModule } from './icons/icons.module';
import { ImmutableModule } from './immutable/immutable.module';
import { InfraModule, InfraOptions } from './infra/infra.module';
import { JobServiceModule } from './jobservice/jobservice.module';
import { LabelsModule } from './labels/labels.module';
import { LdapController } from './ldap/ldap.controller';
import { LdapService } from './ldap/ldap.service';
import { MemberRepository } from './members/member.repository';
import { MembersController } from './members/members.controller';
import { MembersService } from './members/members.service';
import { ProjectMetadataController } from './projects/project-metadata.controller';
import { ProjectMetadataService } from './projects/project-metadata.service';
import { ProjectRepository } from './projects/project.repository';
import { ProjectsController } from './projects/projects.controller';
import { ProjectsService } from './projects/projects.service';
import { QuotasModule } from './quotas/quotas.module';
import { HealthService } from './system/health.service';
import { SystemController } from './system/system.controller';
import { SystemInfoService } from './system/system-info.service';
import { TokenModule } from './token/token.module';
import { ArtifactsModule } from './artifacts/artifacts.module';
import { RepositoriesModule } from './repositories/repositories.module';
import { RetentionModule } from './retention/retention.module';
import { RobotsModule } from './robots/robots.module';
import { SchedulesModule } from './schedules/schedules.module';
import { SearchModule } from './search/search.module';
import { OidcModule } from './oidc/oidc.module';
import { SessionModule } from './session/session.module';
import { StatisticsModule } from './statistics/statistics.module';
import { UserGroupStore } from './usergroups/user-group.store';
import { UserGroupsController } from './usergroups/usergroups.controller';
import { UserGroupsService } from './usergroups/usergroups.service';
import { UserRepository } from './users/user.repository';
import { UsersController } from './users/users.controller';
import { UsersService } from './users/users.service';
import { WebhooksModule } from './webhooks/webhooks.module';
import { SystemCveAllowlistController } from './cve-allowlist/system-cve-allowlist.controller';
import { SystemCveAllowlistService } from './cve-allowlist/system-cve-allowlist.service';

/** Core: Harbor's /api/v2.0 (users, projects, members, audit, system, gc) and the token service. */
@Module({})
export class CoreModule {
  static forRoot(config: CoreConfig, options: InfraOptions = {}): DynamicModule {
    return {
      module: CoreModule,
      imports: [InfraModule.forRoot(config, options), OidcModule, AuthModule, SessionModule, TokenModule, RobotsModule, RepositoriesModule, ArtifactsModule, ImmutableModule, SearchModule, QuotasModule, ConfigurationsModule, GcModule, PurgeModule, SchedulesModule, WebhooksModule, RetentionModule, StatisticsModule, LabelsModule, IconsModule, JobServiceModule],
      controllers: [SystemController, UsersController, ProjectsController, ProjectMetadataController, MembersController, AuditController, LdapController, SystemCveAllowlistController, UserGroupsController],
      providers: [
        SystemCveAllowlistService,
        { provide: APP_GUARD, useClass: ApiAuthGuard },
        // After authentication (and its CSRF check), as Harbor's read-only middleware.
        { provide: APP_GUARD, useClass: ReadOnlyGuard },
        BootstrapService,
        HealthService,
        SystemInfoService,
        AuditService,
        UserRepository,
        UsersService,
        LoginFailures,
        ProjectRepository,
        ProjectsService,
        ProjectMetadataService,
        MemberRepository,
        MembersService,
        LdapService,
        UserGroupStore,
        UserGroupsService,
      ],
      exports: [AuthModule, AuditService],
    };
  }
}
