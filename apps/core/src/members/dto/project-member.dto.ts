import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsObject, IsOptional, IsString, Max, MaxLength, Min, ValidateNested } from 'class-validator';

const ROLE_IDS = [1, 2, 3, 4, 5];
/** Ids are PostgreSQL integers. */
const MAX_ID = 2_147_483_647;
const ROLE_MESSAGE = 'role_id must be 1 (projectAdmin), 2 (developer), 3 (guest), 4 (maintainer) or 5 (limitedGuest)';

/** Harbor's UserEntity: a user by id or by name. */
@ApiSchema({ name: 'UserEntity' })
export class UserEntityDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  user_id?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(255)
  username?: string;
}

/** Harbor's UserGroup: as a member, an existing group by id, or by LDAP DN / name; the body of /usergroups. */
@ApiSchema({ name: 'UserGroup' })
export class UserGroupDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  id?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(255)
  group_name?: string;

  @ApiPropertyOptional({ description: '1 LDAP, 2 HTTP, 3 OIDC' })
  @IsOptional()
  @IsIn([1, 2, 3])
  group_type?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  ldap_group_dn?: string;
}

/** Harbor's ProjectMember: a role for one user or one group. */
@ApiSchema({ name: 'ProjectMember' })
export class ProjectMemberDto {
  @ApiProperty({ enum: ROLE_IDS })
  @IsInt({ message: ROLE_MESSAGE })
  @Min(1, { message: ROLE_MESSAGE })
  @Max(5, { message: ROLE_MESSAGE })
  role_id!: number;

  @ApiPropertyOptional({ type: UserEntityDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => UserEntityDto)
  member_user?: UserEntityDto;

  @ApiPropertyOptional({ type: UserGroupDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => UserGroupDto)
  member_group?: UserGroupDto;
}

/** Harbor's RoleRequest. */
@ApiSchema({ name: 'RoleRequest' })
export class RoleRequestDto {
  @ApiProperty({ enum: ROLE_IDS })
  @IsInt({ message: ROLE_MESSAGE })
  @Min(1, { message: ROLE_MESSAGE })
  @Max(5, { message: ROLE_MESSAGE })
  role_id!: number;
}
