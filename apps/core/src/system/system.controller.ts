import { Controller, Get, Header, Inject, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import type { Access } from '@wharf/auth';
import type { FastifyReply } from 'fastify';
import { NoAuth, RequestAccess } from '../auth/request-access';
import type { CoreConfig } from '../config';
import { SettingsService } from '../configurations/settings.service';
import { API_PREFIX } from '../http/api-prefix';
import { CORE_CONFIG } from '../infra/tokens';
import { ApiFileResponse, ApiModelResponse, ApiTextResponse } from '../openapi/schema';
import { HealthService, OverallHealth } from './health.service';
import { SystemInfoService, SystemVolumes } from './system-info.service';

/** The Harbor release whose API this implements, marked as Wharf's. */
export const HARBOR_VERSION = 'v2.13.0-wharf';

/**
 * Harbor's GeneralInfo; the second half only for authenticated callers, as in Harbor (the version,
 * too, tells an anonymous scanner which known flaws to try).
 */
export interface GeneralInfo {
  auth_mode: string;
  primary_auth_mode: boolean;
  self_registration: boolean;
  /** The console's announcement (the banner_message setting), '' for none: the sign-in page shows it too. */
  banner_message: string;
  /** The provider's name for the console's login button in auth_mode oidc_auth, '' otherwise; sent to every caller, as Harbor. */
  oidc_provider_name: string;
  harbor_version?: string;
  current_time?: string;
  registry_url?: string;
  external_url?: string;
  project_creation_restriction?: string;
  has_ca_root?: boolean;
  read_only?: boolean;
  notification_enable?: boolean;
  registry_storage_provider_name?: string;
}

@ApiTags('systeminfo')
@Controller(API_PREFIX)
export class SystemController {
  constructor(
    @Inject(CORE_CONFIG) private readonly config: CoreConfig,
    private readonly health: HealthService,
    private readonly settings: SettingsService,
    private readonly info: SystemInfoService,
  ) {}

  @Get('ping')
  @ApiTextResponse()
  @NoAuth()
  @Header('Content-Type', 'text/plain; charset=utf-8')
  ping(): string {
    return 'Pong';
  }

  @Get('health')
  @ApiModelResponse('OverallHealthStatus')
  @NoAuth()
  getHealth(): Promise<OverallHealth> {
    return this.health.health();
  }

  @Get('systeminfo')
  @ApiModelResponse('GeneralInfo')
  async systemInfo(@RequestAccess() access: Access): Promise<GeneralInfo> {
    // The stored settings, which the environment only gives defaults for.
    const settings = await this.settings.current();
    const info: GeneralInfo = {
      auth_mode: settings.auth_mode,
      primary_auth_mode: settings.primary_auth_mode,
      self_registration: false,
      banner_message: settings.banner_message,
      oidc_provider_name: '',
    };
    // Harbor's: the console's sign-in page shows the provider's button before anyone logs in.
    if (settings.auth_mode === 'oidc_auth') info.oidc_provider_name = settings.oidc_name;
    if (access.isAnonymous) return info;
    return {
      ...info,
      harbor_version: HARBOR_VERSION,
      current_time: new Date().toISOString(),
      // What `docker login` / `docker push` use: host[:port] of the external URL.
      registry_url: new URL(this.config.externalUrl).host,
      external_url: this.config.externalUrl,
      project_creation_restriction: settings.project_creation_restriction,
      has_ca_root: await this.info.hasCaRoot(),
      // The switch itself, as fresh as the refusals: the console's banner follows it.
      read_only: await this.settings.readOnly(),
      notification_enable: settings.notification_enable,
      registry_storage_provider_name: 'filesystem',
    };
  }

  @Get('systeminfo/volumes')
  @ApiModelResponse('SystemInfo')
  volumes(@RequestAccess() access: Access): Promise<SystemVolumes> {
    return this.info.volumes(access);
  }

  @Get('systeminfo/getcert')
  @ApiFileResponse()
  async certificate(@Res({ passthrough: true }) reply: FastifyReply): Promise<Buffer> {
    const cert = await this.info.rootCertificate();
    reply.header('Content-Type', 'application/octet-stream').header('Content-Disposition', 'attachment; filename=ca.crt');
    return cert;
  }
}
