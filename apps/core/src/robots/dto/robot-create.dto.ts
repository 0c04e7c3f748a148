import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { ROBOT_LEVELS } from '../robot-permissions';
import { RobotPermissionDto } from './robot-permission.dto';

/** Harbor's RobotCreate. */
@ApiSchema({ name: 'RobotCreate' })
export class RobotCreateDto {
  @ApiProperty()
  @IsString()
  @MaxLength(255)
  name!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  description?: string;

  @ApiPropertyOptional({ description: 'set the secret instead of having one generated (Harbor’s password rule applies)' })
  @IsOptional()
  @IsString()
  @MaxLength(128)
  secret?: string;

  @ApiProperty({ enum: ROBOT_LEVELS })
  @IsIn(ROBOT_LEVELS, { message: 'level must be system or project' })
  level!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsBoolean()
  disable?: boolean;

  @ApiPropertyOptional({ description: 'days; -1 never expires, 0 the system default' })
  @IsOptional()
  @IsInt()
  duration?: number;

  @ApiProperty({ type: [RobotPermissionDto] })
  @IsArray()
  @ArrayMaxSize(100)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => RobotPermissionDto)
  permissions!: RobotPermissionDto[];
}
