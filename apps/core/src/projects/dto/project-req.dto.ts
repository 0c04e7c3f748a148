import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsArray, IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, Length, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';

const BOOL_STRINGS = ['true', 'false'];
export const SEVERITIES = ['none', 'low', 'medium', 'high', 'critical'];

/** Harbor's ProjectMetadata: every value a string. Proxy-cache settings are not supported. */
@ApiSchema({ name: 'ProjectMetadata' })
export class ProjectMetadataDto {
  @ApiPropertyOptional({ enum: BOOL_STRINGS })
  @IsOptional()
  @IsIn(BOOL_STRINGS)
  public?: string;

  @ApiPropertyOptional({ enum: BOOL_STRINGS })
  @IsOptional()
  @IsIn(BOOL_STRINGS)
  enable_content_trust?: string;

  @ApiPropertyOptional({ enum: BOOL_STRINGS })
  @IsOptional()
  @IsIn(BOOL_STRINGS)
  enable_content_trust_cosign?: string;

  @ApiPropertyOptional({ enum: BOOL_STRINGS })
  @IsOptional()
  @IsIn(BOOL_STRINGS)
  prevent_vul?: string;

  @ApiPropertyOptional({ enum: SEVERITIES })
  @IsOptional()
  @IsIn(SEVERITIES)
  severity?: string;

  @ApiPropertyOptional({ enum: BOOL_STRINGS })
  @IsOptional()
  @IsIn(BOOL_STRINGS)
  auto_scan?: string;

  @ApiPropertyOptional({ enum: BOOL_STRINGS })
  @IsOptional()
  @IsIn(BOOL_STRINGS)
  auto_sbom_generation?: string;

  @ApiPropertyOptional({ enum: BOOL_STRINGS })
  @IsOptional()
  @IsIn(BOOL_STRINGS)
  reuse_sys_cve_allowlist?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @Matches(/^\d{1,18}$/, { message: 'retention_id must be a number in a string' })
  retention_id?: string;
}

@ApiSchema({ name: 'CVEAllowlistItem' })
export class CveAllowlistItemDto {
  @ApiProperty()
  @IsString()
  @Length(1, 128)
  cve_id!: string;
}

/** Harbor's CVEAllowlist; the ids and times it carries are the server's and ignored on input. */
@ApiSchema({ name: 'CVEAllowlist' })
export class CveAllowlistDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  id?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  project_id?: number;

  @ApiPropertyOptional({ nullable: true, description: 'seconds since the epoch' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  expires_at?: number | null;

  @ApiPropertyOptional({ type: [CveAllowlistItemDto] })
  @IsOptional()
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => CveAllowlistItemDto)
  items?: CveAllowlistItemDto[];

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  creation_time?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  update_time?: string;
}

/** The fields of Harbor's ProjectReq other than the name (which differs in being required). */
abstract class ProjectFieldsDto {
  @ApiPropertyOptional({ nullable: true, description: 'deprecated: use metadata.public' })
  @IsOptional()
  @IsBoolean()
  public?: boolean | null;

  @ApiPropertyOptional({ type: ProjectMetadataDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => ProjectMetadataDto)
  metadata?: ProjectMetadataDto;

  @ApiPropertyOptional({ type: CveAllowlistDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => CveAllowlistDto)
  cve_allowlist?: CveAllowlistDto;

  @ApiPropertyOptional({ nullable: true, description: 'bytes; -1 for unlimited (system administrators only)' })
  @IsOptional()
  @IsInt()
  @Max(Number.MAX_SAFE_INTEGER)
  storage_limit?: number | null;

  @ApiPropertyOptional({ nullable: true, description: 'proxy-cache projects are not supported' })
  @IsOptional()
  @IsInt()
  registry_id?: number | null;
}

/** POST /projects. */
@ApiSchema({ name: 'ProjectReq' })
export class CreateProjectReqDto extends ProjectFieldsDto {
  @ApiProperty({ maxLength: 255 })
  @IsString()
  @MaxLength(255)
  project_name!: string;
}

/** PUT /projects/{project_name_or_id}; the name, if given, must be the project's own. */
@ApiSchema({ name: 'ProjectUpdateReq' })
export class UpdateProjectReqDto extends ProjectFieldsDto {
  @ApiPropertyOptional({ maxLength: 255 })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  project_name?: string;
}
