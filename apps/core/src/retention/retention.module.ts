import { Module } from '@nestjs/common';
import { RetentionController } from './retention.controller';
import { RetentionService } from './retention.service';
import { RetentionStore } from './retention.store';

/** Harbor's /retentions API. The job records and queues come from the global InfraModule. */
@Module({
  controllers: [RetentionController],
  providers: [RetentionStore, RetentionService],
})
export class RetentionModule {}
