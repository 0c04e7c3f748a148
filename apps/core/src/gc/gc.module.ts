import { Module } from '@nestjs/common';
import { GcController } from './gc.controller';
import { GcService } from './gc.service';

/** Harbor's /system/gc API. The job records and queues come from the global InfraModule. */
@Module({
  controllers: [GcController],
  providers: [GcService],
})
export class GcModule {}
