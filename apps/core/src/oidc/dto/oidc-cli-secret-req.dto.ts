import { ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';

/** Harbor's OIDCCliSecretReq; empty or absent: a random secret. */
@ApiSchema({ name: 'OIDCCliSecretReq' })
export class OidcCliSecretReqDto {
  @ApiPropertyOptional({ description: 'The new secret' })
  @IsOptional()
  @IsString()
  secret?: string;
}
