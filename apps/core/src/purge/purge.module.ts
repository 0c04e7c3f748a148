import { Module } from '@nestjs/common';
import { PurgeController } from './purge.controller';
import { PurgeService } from './purge.service';

/** Harbor's /system/purgeaudit API. The job records and queues come from the global InfraModule. */
@Module({
  controllers: [PurgeController],
  providers: [PurgeService],
})
export class PurgeModule {}
