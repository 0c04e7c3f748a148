import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsObject, IsOptional, IsString, MaxLength, ValidateNested } from 'class-validator';
import { MAX_ACCESS_ENTRIES } from '../robot-permissions';

/** Harbor's Access: one resource/action pair (the robot service checks them against the matrix). */
@ApiSchema({ name: 'Access' })
export class AccessDto {
  @ApiProperty({ example: 'repository' })
  @IsString()
  @MaxLength(64)
  resource!: string;

  @ApiProperty({ example: 'pull' })
  @IsString()
  @MaxLength(64)
  action!: string;

  @ApiPropertyOptional({ enum: ['allow', 'deny'] })
  @IsOptional()
  @IsString()
  @MaxLength(16)
  effect?: string;
}

/** Harbor's RobotPermission: what a robot may do in one namespace (a project, `*` or `/`). */
@ApiSchema({ name: 'RobotPermission' })
export class RobotPermissionDto {
  @ApiProperty({ enum: ['project', 'system'] })
  @IsString()
  @MaxLength(16)
  kind!: string;

  @ApiProperty({ description: 'a project name, "*" for every project, "/" for system permissions' })
  @IsString()
  @MaxLength(255)
  namespace!: string;

  @ApiProperty({ type: [AccessDto] })
  @IsArray()
  @ArrayMaxSize(MAX_ACCESS_ENTRIES)
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => AccessDto)
  access!: AccessDto[];
}
