import { Module } from '@nestjs/common';
import { ImmutableModule } from '../immutable/immutable.module';
import { LabelsModule } from '../labels/labels.module';
import { RepositoriesModule } from '../repositories/repositories.module';
import { AdditionsService } from './additions.service';
import { ArtifactContent } from './artifact-content';
import { ArtifactCopyService } from './artifact-copy.service';
import { ArtifactCopyStore } from './artifact-copy.store';
import { ArtifactLabelsController } from './artifact-labels.controller';
import { ArtifactStore } from './artifact.store';
import { ArtifactsController } from './artifacts.controller';
import { ArtifactsService } from './artifacts.service';
import { ProjectArtifactsController } from './project-artifacts.controller';
import { TagsController } from './tags.controller';
import { TagsService } from './tags.service';

/** Harbor's artifact, tag and artifact-label APIs over the registry's tables. */
@Module({
  imports: [RepositoriesModule, ImmutableModule, LabelsModule],
  controllers: [ArtifactsController, ProjectArtifactsController, TagsController, ArtifactLabelsController],
  providers: [ArtifactStore, ArtifactsService, TagsService, ArtifactCopyStore, ArtifactCopyService, ArtifactContent, AdditionsService],
  exports: [ArtifactStore, ArtifactContent],
})
export class ArtifactsModule {}
