import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiBasicAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import type { Access } from '@wharf/auth';
import { RequestAccess } from '../auth/request-access';
import { API_PREFIX } from '../http/api-prefix';
import { ApiNoBodyResponse, ApiSchemaResponse, mapOf, str } from '../openapi/schema';
import { type ProjectAddress, ProjectRef } from './project-param';
import { ProjectMetadataService } from './project-metadata.service';

const STRING_MAP = { type: 'object', additionalProperties: { type: 'string' } } as const;

@ApiTags('projectMetadata')
@ApiBasicAuth()
@Controller(`${API_PREFIX}/projects/:project_name_or_id/metadatas`)
export class ProjectMetadataController {
  constructor(private readonly metadata: ProjectMetadataService) {}

  @Get()
  @ApiSchemaResponse(mapOf(str))
  list(@RequestAccess() access: Access, @ProjectRef() project: ProjectAddress): Promise<Record<string, string>> {
    return this.metadata.list(access, project.nameOrId, project.isName);
  }

  @Post()
  @ApiNoBodyResponse()
  @HttpCode(200)
  @ApiBody({ schema: STRING_MAP, required: false })
  add(@RequestAccess() access: Access, @ProjectRef() project: ProjectAddress, @Body() body: unknown): Promise<void> {
    return this.metadata.add(access, project.nameOrId, project.isName, body);
  }

  @Get(':meta_name')
  @ApiSchemaResponse(mapOf(str))
  get(
    @RequestAccess() access: Access,
    @ProjectRef() project: ProjectAddress,
    @Param('meta_name') key: string,
  ): Promise<Record<string, string>> {
    return this.metadata.get(access, project.nameOrId, project.isName, key);
  }

  @Put(':meta_name')
  @ApiNoBodyResponse()
  @HttpCode(200)
  @ApiBody({ schema: STRING_MAP, required: false })
  update(
    @RequestAccess() access: Access,
    @ProjectRef() project: ProjectAddress,
    @Param('meta_name') key: string,
    @Body() body: unknown,
  ): Promise<void> {
    return this.metadata.update(access, project.nameOrId, project.isName, key, body);
  }

  @Delete(':meta_name')
  @ApiNoBodyResponse()
  @HttpCode(200)
  delete(
    @RequestAccess() access: Access,
    @ProjectRef() project: ProjectAddress,
    @Param('meta_name') key: string,
  ): Promise<void> {
    return this.metadata.delete(access, project.nameOrId, project.isName, key);
  }
}
