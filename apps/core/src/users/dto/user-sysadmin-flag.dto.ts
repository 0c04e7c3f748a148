import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { IsBoolean } from 'class-validator';

/** Harbor's UserSysAdminFlag. */
@ApiSchema({ name: 'UserSysAdminFlag' })
export class UserSysAdminFlagDto {
  @ApiProperty()
  @IsBoolean()
  sysadmin_flag!: boolean;
}
