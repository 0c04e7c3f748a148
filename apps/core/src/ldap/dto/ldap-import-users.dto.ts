import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsString, MaxLength } from 'class-validator';

/** Harbor's LdapImportUsers. */
@ApiSchema({ name: 'LdapImportUsers' })
export class LdapImportUsersDto {
  @ApiProperty({ type: [String], maxItems: 500 })
  @IsArray()
  @ArrayMaxSize(500)
  @IsString({ each: true })
  @MaxLength(255, { each: true })
  ldap_uid_list!: string[];
}
