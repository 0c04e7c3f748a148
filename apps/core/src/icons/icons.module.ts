import { Module } from '@nestjs/common';
import { ArtifactsModule } from '../artifacts/artifacts.module';
import { IconsController } from './icons.controller';
import { IconsService } from './icons.service';

/** Harbor's icon API: pictures of artifact types and artifacts' own icons. */
@Module({
  imports: [ArtifactsModule],
  controllers: [IconsController],
  providers: [IconsService],
})
export class IconsModule {}
