import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, Max, MaxLength, Min, ValidateNested } from 'class-validator';

export const IMMUTABLE_ACTION = 'immutable';
export const IMMUTABLE_TEMPLATE = 'immutable_template';
/** Harbor's console sends one selector of each kind; a few more cost nothing, hundreds make no sense. */
export const MAX_SELECTORS = 10;
export const MAX_PATTERN_LENGTH = 1024;

/** Harbor's ImmutableSelector. What kinds, decorations and patterns mean is checked by the service. */
@ApiSchema({ name: 'ImmutableSelector' })
export class ImmutableSelectorDto {
  @ApiProperty({ example: 'doublestar' })
  @IsString()
  @MaxLength(32)
  kind!: string;

  @ApiProperty({ example: 'matches', description: 'matches or excludes for tags; repoMatches or repoExcludes for repositories' })
  @IsString()
  @MaxLength(32)
  decoration!: string;

  @ApiProperty({ example: 'v*' })
  @IsString()
  @MaxLength(MAX_PATTERN_LENGTH)
  pattern!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  extras?: string;
}

/** Harbor's scope_selectors: only repositories can be selected. */
@ApiSchema({ name: 'ImmutableScopeSelectors' })
export class ImmutableScopeSelectorsDto {
  @ApiProperty({ type: [ImmutableSelectorDto] })
  @IsArray({ message: 'scope_selectors.repository must be an array of selectors' })
  @ArrayMinSize(1, { message: 'scope_selectors.repository needs at least one selector' })
  @ArrayMaxSize(MAX_SELECTORS, { message: `scope_selectors.repository takes at most ${MAX_SELECTORS} selectors` })
  @IsObject({ each: true, message: 'each selector of scope_selectors.repository must be an object' })
  @ValidateNested({ each: true })
  @Type(() => ImmutableSelectorDto)
  repository!: ImmutableSelectorDto[];
}

/**
 * Harbor's ImmutableRule, for POST and PUT. Clients send back what GET returned (Harbor's console
 * also sends project_id), so every field is accepted; the service says which ones a request needs
 * and checks that the read-only ones agree with the path.
 */
@ApiSchema({ name: 'ImmutableRule' })
export class ImmutableRuleDto {
  @ApiPropertyOptional({ readOnly: true })
  @IsOptional()
  @IsInt()
  id?: number;

  @ApiPropertyOptional({ description: 'must be the project of the path when given' })
  @IsOptional()
  @IsInt()
  project_id?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  @Min(-2_147_483_648)
  @Max(2_147_483_647)
  priority?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  disabled?: boolean;

  @ApiPropertyOptional({ enum: [IMMUTABLE_ACTION] })
  @IsOptional()
  @IsIn([IMMUTABLE_ACTION], { message: `action must be "${IMMUTABLE_ACTION}"` })
  action?: string;

  @ApiPropertyOptional({ enum: [IMMUTABLE_TEMPLATE] })
  @IsOptional()
  @IsIn([IMMUTABLE_TEMPLATE], { message: `template must be "${IMMUTABLE_TEMPLATE}"` })
  template?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject({ message: 'params must be an object' })
  params?: Record<string, unknown>;

  @ApiPropertyOptional({ type: [ImmutableSelectorDto], description: 'required on create' })
  @IsOptional()
  @IsArray({ message: 'tag_selectors must be an array of selectors' })
  @ArrayMinSize(1, { message: 'tag_selectors needs at least one selector' })
  @ArrayMaxSize(MAX_SELECTORS, { message: `tag_selectors takes at most ${MAX_SELECTORS} selectors` })
  @IsObject({ each: true, message: 'each selector of tag_selectors must be an object' })
  @ValidateNested({ each: true })
  @Type(() => ImmutableSelectorDto)
  tag_selectors?: ImmutableSelectorDto[];

  @ApiPropertyOptional({ type: ImmutableScopeSelectorsDto, description: 'required on create' })
  @IsOptional()
  @IsObject({ message: 'scope_selectors must be an object: {"repository": [selectors]}' })
  @ValidateNested()
  @Type(() => ImmutableScopeSelectorsDto)
  scope_selectors?: ImmutableScopeSelectorsDto;
}
