import { ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

/** Harbor's RobotSec: a new secret to set, or none to have one generated. */
@ApiSchema({ name: 'RobotSec' })
export class RobotSecDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(128)
  secret?: string;
}
