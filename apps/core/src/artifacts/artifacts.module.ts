import { Module } from '@nestjs/common';
import { ImmutableModule } from '../immutable/immutable.module';
import { RepositoriesModule } from '../repositories/repositories.module';
import { ArtifactStore } from './artifact.store';
import { ArtifactsController } from './artifacts.controller';
import { ArtifactsService } from './artifacts.service';
import { ProjectArtifactsController } from './project-artifacts.controller';
import { TagsController } from './tags.controller';
import { TagsService } from './tags.service';

/** Harbor's artifact and tag APIs over the registry's tables. */
@Module({
  imports: [RepositoriesModule, ImmutableModule],
  controllers: [ArtifactsController, ProjectArtifactsController, TagsController],
  providers: [ArtifactStore, ArtifactsService, TagsService],
})
export class ArtifactsModule {}
