import { Controller, Get } from '@nestjs/common';
import { ApiBasicAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Access } from '@wharf/auth';
import { RequestAccess } from '../auth/request-access';
import { API_PREFIX } from '../http/api-prefix';
import { badRequest } from '../http/harbor-error';
import { QueryParam } from '../http/query-param';
import { ApiModelResponse } from '../openapi/schema';
import { SearchService, SearchView } from './search.service';

@ApiTags('search')
@ApiBasicAuth()
@Controller(`${API_PREFIX}/search`)
export class SearchController {
  constructor(private readonly searchService: SearchService) {}

  @Get()
  @ApiModelResponse('Search')
  @ApiQuery({ name: 'q', required: true, type: String, description: 'part of a project or repository name' })
  search(@RequestAccess() access: Access, @QueryParam('q') q?: string): Promise<SearchView> {
    if (q === undefined) throw badRequest('the q parameter is required');
    if (q.length > 255) throw badRequest('q must be at most 255 characters');
    return this.searchService.search(access, q);
  }
}
