import { Module } from '@nestjs/common';
import { LabelStore } from './label.store';
import { LabelsController } from './labels.controller';
import { LabelsService } from './labels.service';

/** Harbor's label API; the artifact module attaches labels and shows them through the exports. */
@Module({
  controllers: [LabelsController],
  providers: [LabelStore, LabelsService],
  exports: [LabelStore, LabelsService],
})
export class LabelsModule {}
