import { Controller, Get } from '@nestjs/common';
import { ApiBasicAuth, ApiTags } from '@nestjs/swagger';
import type { Access } from '@wharf/auth';
import { RequestAccess } from '../auth/request-access';
import { API_PREFIX } from '../http/api-prefix';
import { ApiModelResponse } from '../openapi/schema';
import { Permissions, PermissionsService } from './permissions.service';

@ApiTags('permissions')
@ApiBasicAuth()
@Controller(`${API_PREFIX}/permissions`)
export class PermissionsController {
  constructor(private readonly permissions: PermissionsService) {}

  @Get()
  @ApiModelResponse('Permissions')
  get(@RequestAccess() access: Access): Permissions {
    return this.permissions.catalog(access);
  }
}
