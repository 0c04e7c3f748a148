import { Module } from '@nestjs/common';
import { ProjectRepository } from '../projects/project.repository';
import { RepositoriesModule } from '../repositories/repositories.module';
import { SearchController } from './search.controller';
import { SearchService } from './search.service';

/** Harbor's /search. */
@Module({
  imports: [RepositoriesModule],
  controllers: [SearchController],
  // ProjectRepository is plain SQL over the global pool: this module's copy is the same reader.
  providers: [ProjectRepository, SearchService],
})
export class SearchModule {}
