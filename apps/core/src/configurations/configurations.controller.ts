import { Body, Controller, Get, HttpCode, Put, Req } from '@nestjs/common';
import { ApiBasicAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import type { Access } from '@wharf/auth';
import { SETTING_KEYS, SETTING_SPECS } from '@wharf/identity';
import type { FastifyRequest } from 'fastify';
import { requireAuthenticated } from '../auth/authorize';
import { RequestAccess } from '../auth/request-access';
import { forbidden } from '../http/harbor-error';
import { API_PREFIX } from '../http/api-prefix';
import { ApiModelResponse, ApiNoBodyResponse } from '../openapi/schema';
import { ConfigurationsResponse, ConfigurationsService } from './configurations.service';
import { OPENAPI_TYPES } from './configuration-models';

/** Harbor's Configurations model, from the one table of items. */
const CONFIGURATIONS_SCHEMA = {
  type: 'object' as const,
  additionalProperties: false,
  properties: Object.fromEntries(
    SETTING_KEYS.filter((key) => SETTING_SPECS[key].editable).map((key) => [key, { type: OPENAPI_TYPES[SETTING_SPECS[key].type] }]),
  ),
};

@ApiTags('configure')
@ApiBasicAuth()
@Controller(`${API_PREFIX}/configurations`)
export class ConfigurationsController {
  constructor(private readonly configurations: ConfigurationsService) {}

  @Get()
  @ApiModelResponse('ConfigurationsResponse')
  get(@RequestAccess() access: Access): Promise<ConfigurationsResponse> {
    return this.configurations.get(access);
  }

  /** A subset of the items; types are checked here rather than by a DTO so that every item is named in errors. */
  @Put()
  @HttpCode(200)
  @ApiNoBodyResponse()
  @ApiBody({ schema: CONFIGURATIONS_SCHEMA })
  update(@RequestAccess() access: Access, @Body() body: unknown, @Req() req: FastifyRequest): Promise<void> {
    return this.configurations.update(access, req.ip, body);
  }
}

/**
 * Harbor's /internalconfig serves its own components (the "solution users" holding the core's
 * secret), with every item including the secret ones. No Wharf service reads its configuration
 * this way, so, as Harbor answers any other caller: 401 without credentials, 403 with them.
 */
@ApiTags('configure')
@ApiBasicAuth()
@Controller(`${API_PREFIX}/internalconfig`)
export class InternalConfigController {
  @Get()
  @ApiModelResponse('InternalConfigurationsResponse')
  get(@RequestAccess() access: Access): never {
    requireAuthenticated(access);
    throw forbidden('the internal configuration is for Wharf’s own services only');
  }
}
