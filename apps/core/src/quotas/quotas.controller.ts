import { Body, Controller, Get, HttpCode, Param, Put } from '@nestjs/common';
import { ApiBasicAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import type { Access } from '@wharf/auth';
import { RequestAccess } from '../auth/request-access';
import { API_PREFIX } from '../http/api-prefix';
import { ParseIdPipe } from '../http/id-param';
import { ApiQueryStrings, type Listing, ListParams, QueryParam } from '../http/query-param';
import { ApiModelResponse, ApiNoBodyResponse } from '../openapi/schema';
import type { QuotaView } from './quota-view';
import { QuotasService } from './quotas.service';
import { MAX_STORAGE_LIMIT } from './storage-limit';

/** Harbor's QuotaUpdateReq, limited to the one resource there is. */
const QUOTA_UPDATE_SCHEMA = {
  type: 'object' as const,
  required: ['hard'],
  additionalProperties: false,
  properties: {
    hard: {
      type: 'object',
      required: ['storage'],
      additionalProperties: false,
      properties: { storage: { type: 'integer', format: 'int64', minimum: -1, maximum: MAX_STORAGE_LIMIT, description: 'bytes; -1 for unlimited; 0 is refused' } },
    },
  },
};

@ApiTags('quota')
@ApiBasicAuth()
@Controller(`${API_PREFIX}/quotas`)
export class QuotasController {
  constructor(private readonly quotas: QuotasService) {}

  @ApiQueryStrings('reference', 'reference_id')
  @Get()
  @ApiModelResponse('Quota', { list: true })
  async list(
    @RequestAccess() access: Access,
    @ListParams({ query: false }) list: Listing,
    @QueryParam('reference') reference?: string,
    @QueryParam('reference_id') referenceId?: string,
  ): Promise<QuotaView[]> {
    return list.answer(await this.quotas.list(access, { reference, referenceId, sort: list.sort, paging: list.paging }));
  }

  @Get(':id')
  @ApiModelResponse('Quota')
  get(@RequestAccess() access: Access, @Param('id', ParseIdPipe) id: number): Promise<QuotaView> {
    return this.quotas.get(access, id);
  }

  /** The body is read by parseQuotaUpdate, which refuses anything but `{"hard": {"storage": N}}`. */
  @Put(':id')
  @ApiNoBodyResponse()
  @HttpCode(200)
  @ApiBody({ schema: QUOTA_UPDATE_SCHEMA })
  update(@RequestAccess() access: Access, @Param('id', ParseIdPipe) id: number, @Body() body: unknown): Promise<void> {
    return this.quotas.update(access, id, body);
  }
}
