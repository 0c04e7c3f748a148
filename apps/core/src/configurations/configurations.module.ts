import { Module } from '@nestjs/common';
import { ConfigurationsController, InternalConfigController } from './configurations.controller';
import { ConfigurationsService } from './configurations.service';

/** Harbor's /configurations API. The settings themselves (SettingsService) are InfraModule's, for everyone. */
@Module({
  controllers: [ConfigurationsController, InternalConfigController],
  providers: [ConfigurationsService],
})
export class ConfigurationsModule {}
