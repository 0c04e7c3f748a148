import { Body, Controller, Delete, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBasicAuth, ApiTags } from '@nestjs/swagger';
import type { Access } from '@wharf/auth';
import { RequestAccess } from '../auth/request-access';
import { API_PREFIX } from '../http/api-prefix';
import { ParseIdPipe } from '../http/id-param';
import { LabelRefDto } from '../labels/dto/label.dto';
import { ApiNoBodyResponse } from '../openapi/schema';
import { ArtifactsService } from './artifacts.service';

@ApiTags('artifact')
@ApiBasicAuth()
@Controller(`${API_PREFIX}/projects/:project_name/repositories/:repository_name/artifacts/:reference/labels`)
export class ArtifactLabelsController {
  constructor(private readonly artifacts: ArtifactsService) {}

  @Post()
  @ApiNoBodyResponse()
  @HttpCode(200)
  add(
    @RequestAccess() access: Access,
    @Param('project_name') projectName: string,
    @Param('repository_name') repositoryName: string,
    @Param('reference') reference: string,
    @Body() body: LabelRefDto,
  ): Promise<void> {
    return this.artifacts.addLabel(access, projectName, repositoryName, reference, body.id);
  }

  @Delete(':label_id')
  @ApiNoBodyResponse()
  @HttpCode(200)
  remove(
    @RequestAccess() access: Access,
    @Param('project_name') projectName: string,
    @Param('repository_name') repositoryName: string,
    @Param('reference') reference: string,
    @Param('label_id', ParseIdPipe) labelId: number,
  ): Promise<void> {
    return this.artifacts.removeLabel(access, projectName, repositoryName, reference, labelId);
  }
}
