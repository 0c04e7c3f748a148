import { ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';

/** Harbor's ActionRequest; which actions an operation takes is its service's to say (case-insensitive, as Harbor). */
@ApiSchema({ name: 'ActionRequest' })
export class ActionRequestDto {
  @ApiPropertyOptional({ enum: ['stop', 'pause', 'resume'], description: 'stop, pause or resume' })
  @IsOptional()
  @IsString()
  action?: string;
}
