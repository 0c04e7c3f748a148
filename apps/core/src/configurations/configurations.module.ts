import { Module } from '@nestjs/common';
import { ConfigurationsController, InternalConfigController } from './configurations.controller';
import { AuditService } from '../audit/audit.service';
import { ConfigurationsService } from './configurations.service';

/** Harbor's /configurations API. The settings themselves (SettingsService) are InfraModule's, for everyone. */
@Module({
  controllers: [ConfigurationsController, InternalConfigController],
  providers: [ConfigurationsService, AuditService],
})
export class ConfigurationsModule {}
