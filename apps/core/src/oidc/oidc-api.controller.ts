import { Body, Controller, HttpCode, Logger, Param, Post, Put, Req } from '@nestjs/common';
import { ApiBasicAuth, ApiTags } from '@nestjs/swagger';
import type { Access } from '@wharf/auth';
import type { FastifyRequest } from 'fastify';
import { requireSysadmin } from '../auth/authorize';
import { RequestAccess } from '../auth/request-access';
import { API_PREFIX } from '../http/api-prefix';
import { badRequest } from '../http/harbor-error';
import { ParseIdPipe } from '../http/id-param';
import { ApiNoBodyResponse } from '../openapi/schema';
import { OidcCliSecretReqDto } from './dto/oidc-cli-secret-req.dto';
import { OidcPingDto } from './dto/oidc-ping.dto';
import { OidcProviderClient } from './oidc-provider-client';
import { OidcUsers } from './oidc-users.service';

@ApiTags('oidc')
@ApiBasicAuth()
@Controller(`${API_PREFIX}/system/oidc`)
export class OidcPingController {
  private readonly logger = new Logger('oidc');

  constructor(private readonly provider: OidcProviderClient) {}

  /** Harbor's ping: the endpoint serves a valid discovery document (system administrators only); 400 when not. */
  @Post('ping')
  @HttpCode(200)
  @ApiNoBodyResponse()
  async ping(@RequestAccess() access: Access, @Body() body: OidcPingDto): Promise<void> {
    requireSysadmin(access);
    try {
      await this.provider.ping(body.url ?? '', body.verify_cert ?? true);
    } catch (err) {
      this.logger.warn(`failed to verify an OIDC endpoint: url=${JSON.stringify(body.url ?? '')} error=${JSON.stringify((err as Error).message)}`);
      throw badRequest('failed to verify connection');
    }
  }
}

@ApiTags('user')
@ApiBasicAuth()
@Controller(`${API_PREFIX}/users`)
export class CliSecretController {
  constructor(private readonly users: OidcUsers) {}

  @Put(':user_id/cli_secret')
  @HttpCode(200)
  @ApiNoBodyResponse()
  setCliSecret(@RequestAccess() access: Access, @Req() req: FastifyRequest, @Param('user_id', ParseIdPipe) id: number, @Body() body: OidcCliSecretReqDto): Promise<void> {
    return this.users.setCliSecret(access, req.ip, id, body.secret ?? '');
  }
}
