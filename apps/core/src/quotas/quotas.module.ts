import { Module } from '@nestjs/common';
import { QuotaStore } from './quota.store';
import { QuotasController } from './quotas.controller';
import { QuotasService } from './quotas.service';

/** Harbor's /quotas API over the projects' storage limits and usage. */
@Module({
  controllers: [QuotasController],
  providers: [QuotaStore, QuotasService],
})
export class QuotasModule {}
