import { Body, Controller, Get, HttpCode, Put } from '@nestjs/common';
import { ApiBasicAuth, ApiBody, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Access } from '@wharf/auth';
import { RequestAccess } from '../auth/request-access';
import { API_PREFIX } from '../http/api-prefix';
import { ConfigurationsResponse, ConfigurationsService } from './configurations.service';
import { SETTING_KEYS, SETTING_SPECS } from './system-settings';

const OPENAPI_TYPES = { string: 'string', int: 'integer', bool: 'boolean' } as const;

/** Harbor's Configurations model, from the one table of items. */
const CONFIGURATIONS_SCHEMA = {
  type: 'object' as const,
  additionalProperties: false,
  properties: Object.fromEntries(
    SETTING_KEYS.filter((key) => SETTING_SPECS[key].editable).map((key) => [key, { type: OPENAPI_TYPES[SETTING_SPECS[key].type] }]),
  ),
};

const CONFIGURATIONS_RESPONSE_SCHEMA = {
  type: 'object' as const,
  properties: Object.fromEntries(
    SETTING_KEYS.filter((key) => !SETTING_SPECS[key].secret).map((key) => [
      key,
      { type: 'object', properties: { value: { type: OPENAPI_TYPES[SETTING_SPECS[key].type] }, editable: { type: 'boolean' } } },
    ]),
  ),
};

@ApiTags('configure')
@ApiBasicAuth()
@Controller(`${API_PREFIX}/configurations`)
export class ConfigurationsController {
  constructor(private readonly configurations: ConfigurationsService) {}

  @Get()
  @ApiOkResponse({ schema: CONFIGURATIONS_RESPONSE_SCHEMA })
  get(@RequestAccess() access: Access): Promise<ConfigurationsResponse> {
    return this.configurations.get(access);
  }

  /** A subset of the items; types are checked here rather than by a DTO so that every item is named in errors. */
  @Put()
  @HttpCode(200)
  @ApiBody({ schema: CONFIGURATIONS_SCHEMA })
  update(@RequestAccess() access: Access, @Body() body: unknown): Promise<void> {
    return this.configurations.update(access, body);
  }
}
