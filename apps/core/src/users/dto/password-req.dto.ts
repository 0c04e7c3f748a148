import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsOptional, IsString } from 'class-validator';

/** Harbor's PasswordReq; `old_password` is needed when users change their own. */
@ApiSchema({ name: 'PasswordReq' })
export class PasswordReqDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  old_password?: string;

  @ApiProperty()
  @IsString()
  new_password!: string;
}
