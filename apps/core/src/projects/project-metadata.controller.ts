import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBasicAuth, ApiBody, ApiHeader, ApiTags } from '@nestjs/swagger';
import type { Access } from '@wharf/auth';
import { RequestAccess } from '../auth/request-access';
import { API_PREFIX } from '../http/api-prefix';
import { ApiNoBodyResponse, ApiSchemaResponse, mapOf, str } from '../openapi/schema';
import { IS_RESOURCE_NAME, isResourceName } from './project-key';
import { ProjectMetadataService } from './project-metadata.service';

const STRING_MAP = { type: 'object', additionalProperties: { type: 'string' } } as const;

@ApiTags('projectMetadata')
@ApiBasicAuth()
@ApiHeader({ name: 'X-Is-Resource-Name', required: false })
@Controller(`${API_PREFIX}/projects/:project_name_or_id/metadatas`)
export class ProjectMetadataController {
  constructor(private readonly metadata: ProjectMetadataService) {}

  @Get()
  @ApiSchemaResponse(mapOf(str))
  list(@RequestAccess() access: Access, @Param('project_name_or_id') nameOrId: string, @Headers(IS_RESOURCE_NAME) isName?: string): Promise<Record<string, string>> {
    return this.metadata.list(access, nameOrId, isResourceName(isName));
  }

  @Post()
  @ApiNoBodyResponse()
  @HttpCode(200)
  @ApiBody({ schema: STRING_MAP, required: false })
  add(@RequestAccess() access: Access, @Param('project_name_or_id') nameOrId: string, @Body() body: unknown, @Headers(IS_RESOURCE_NAME) isName?: string): Promise<void> {
    return this.metadata.add(access, nameOrId, isResourceName(isName), body);
  }

  @Get(':meta_name')
  @ApiSchemaResponse(mapOf(str))
  get(
    @RequestAccess() access: Access,
    @Param('project_name_or_id') nameOrId: string,
    @Param('meta_name') key: string,
    @Headers(IS_RESOURCE_NAME) isName?: string,
  ): Promise<Record<string, string>> {
    return this.metadata.get(access, nameOrId, isResourceName(isName), key);
  }

  @Put(':meta_name')
  @ApiNoBodyResponse()
  @HttpCode(200)
  @ApiBody({ schema: STRING_MAP, required: false })
  update(
    @RequestAccess() access: Access,
    @Param('project_name_or_id') nameOrId: string,
    @Param('meta_name') key: string,
    @Body() body: unknown,
    @Headers(IS_RESOURCE_NAME) isName?: string,
  ): Promise<void> {
    return this.metadata.update(access, nameOrId, isResourceName(isName), key, body);
  }

  @Delete(':meta_name')
  @ApiNoBodyResponse()
  @HttpCode(200)
  delete(
    @RequestAccess() access: Access,
    @Param('project_name_or_id') nameOrId: string,
    @Param('meta_name') key: string,
    @Headers(IS_RESOURCE_NAME) isName?: string,
  ): Promise<void> {
    return this.metadata.delete(access, nameOrId, isResourceName(isName), key);
  }
}
