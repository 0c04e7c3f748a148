import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

/** Harbor's UserCreationReq. Content rules (characters, e-mail form, password) are user-rules.ts. */
@ApiSchema({ name: 'UserCreationReq' })
export class UserCreationReqDto {
  @ApiProperty({ maxLength: 255 })
  @IsString()
  @MaxLength(255)
  username!: string;

  @ApiProperty({ maxLength: 255 })
  @IsOptional()
  @IsString()
  @MaxLength(255)
  email?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  realname?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  comment?: string;

  @ApiProperty()
  @IsString()
  password!: string;
}
