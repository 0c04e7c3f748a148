import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { ROBOT_LEVELS } from '../robot-permissions';
import { RobotPermissionDto } from './robot-permission.dto';

/**
 * Harbor's Robot as PUT /robots/{id} takes it. Clients send back what GET returned, so the
 * read-only fields are accepted (and ignored); name and level must stay what they are.
 */
@ApiSchema({ name: 'Robot' })
export class RobotDto {
  @ApiPropertyOptional({ readOnly: true })
  @IsOptional()
  @IsInt()
  id?: number;

  @ApiPropertyOptional({ description: 'the full name (robot$...); cannot change' })
  @IsOptional()
  @IsString()
  @MaxLength(512)
  name?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  description?: string;

  @ApiPropertyOptional({ description: 'not changed here: use PATCH /robots/{robot_id}' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  secret?: string;

  @ApiProperty({ enum: ROBOT_LEVELS })
  @IsIn(ROBOT_LEVELS, { message: 'level must be system or project' })
  level!: string;

  @ApiPropertyOptional({ description: 'days; -1 never expires, 0 the system default' })
  @IsOptional()
  @IsInt()
  duration?: number | null;

  @ApiPropertyOptional({ readOnly: true })
  @IsOptional()
  @IsBoolean()
  editable?: boolean;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  disable?: boolean;

  @ApiPropertyOptional({ readOnly: true })
  @IsOptional()
  @IsInt()
  expires_at?: number;

  @ApiProperty({ type: [RobotPermissionDto] })
  @IsArray()
  @ArrayMaxSize(100)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => RobotPermissionDto)
  permissions!: RobotPermissionDto[];

  @ApiPropertyOptional({ readOnly: true })
  @IsOptional()
  @IsString()
  @MaxLength(16)
  creator_type?: string;

  @ApiPropertyOptional({ readOnly: true })
  @IsOptional()
  @IsInt()
  creator_ref?: number;

  @ApiPropertyOptional({ readOnly: true })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  creation_time?: string;

  @ApiPropertyOptional({ readOnly: true })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  update_time?: string;
}
