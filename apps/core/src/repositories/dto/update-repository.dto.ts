import { ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString } from 'class-validator';

/**
 * Harbor's Repository as PUT takes it: only `description` is applied (absent clears it, as in
 * Harbor); the other fields are the server's and ignored, though still type-checked.
 */
@ApiSchema({ name: 'RepositoryUpdate' })
export class UpdateRepositoryDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  description?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  id?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  project_id?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  name?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  artifact_count?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsInt()
  pull_count?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  creation_time?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  update_time?: string;
}
