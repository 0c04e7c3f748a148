import { ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

/** Harbor's LdapConf: settings to test with POST /ldap/ping instead of the stored ones. */
@ApiSchema({ name: 'LdapConf' })
export class LdapConfDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  ldap_url?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  ldap_search_dn?: string;

  @ApiPropertyOptional({ description: 'empty: the stored password, when the URL and search DN are the stored ones' })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  ldap_search_password?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  ldap_base_dn?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  ldap_filter?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(255)
  ldap_uid?: string;

  @ApiPropertyOptional({ enum: [0, 1, 2] })
  @IsOptional()
  @IsIn([0, 1, 2], { message: 'ldap_scope must be 0, 1 or 2' })
  ldap_scope?: number;

  @ApiPropertyOptional({ description: 'seconds' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(300)
  ldap_connection_timeout?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  ldap_verify_cert?: boolean;
}
