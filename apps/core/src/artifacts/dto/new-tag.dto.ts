import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';

/** Harbor's NewTag. The name is checked against the tag grammar by the service. */
@ApiSchema({ name: 'NewTag' })
export class NewTagDto {
  @ApiProperty()
  @IsString()
  @MaxLength(255)
  name!: string;
}
