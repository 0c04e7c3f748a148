import { ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';

/** The body of POST /system/oidc/ping: the endpoint to test. */
@ApiSchema({ name: 'OidcPingReq' })
export class OidcPingDto {
  @ApiPropertyOptional({ description: 'The URL of OIDC endpoint to be tested.' })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  url?: string;

  @ApiPropertyOptional({ description: 'Whether the certificate should be verified' })
  @IsOptional()
  @IsBoolean()
  verify_cert?: boolean;
}
