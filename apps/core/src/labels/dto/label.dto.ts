import { ApiProperty, ApiPropertyOptional, ApiSchema, OmitType } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

/** Ids are PostgreSQL integers. */
const MAX_ID = 2_147_483_647;

/**
 * Harbor's Label as a request body. The server decides id and times (sent back as read, they are
 * ignored); scope and project_id only count on creation. Whether name, scope and project fit
 * together is the service's to say, with Harbor's messages.
 */
@ApiSchema({ name: 'Label' })
export class LabelDto {
  @ApiPropertyOptional({ description: 'ignored' })
  @IsOptional()
  @IsInt()
  id?: number;

  @ApiPropertyOptional({ maxLength: 128 })
  @IsOptional()
  @IsString()
  name?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  description?: string;

  @ApiPropertyOptional({ example: '#61717D', maxLength: 16 })
  @IsOptional()
  @IsString()
  @MaxLength(16)
  color?: string;

  @ApiPropertyOptional({ enum: ['g', 'p'], description: 'g: global label, p: project label' })
  @IsOptional()
  @IsString()
  scope?: string;

  @ApiPropertyOptional({ description: 'the project of a project label (scope p)' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_ID)
  project_id?: number;

  @ApiPropertyOptional({ description: 'ignored' })
  @IsOptional()
  @IsString()
  creation_time?: string;

  @ApiPropertyOptional({ description: 'ignored' })
  @IsOptional()
  @IsString()
  update_time?: string;
}

/** The label to attach to an artifact: Harbor's Label of which only the id counts. */
@ApiSchema({ name: 'LabelRef' })
export class LabelRefDto extends OmitType(LabelDto, ['id'] as const) {
  @ApiProperty()
  @IsInt()
  @Min(1)
  @Max(MAX_ID)
  id!: number;
}
