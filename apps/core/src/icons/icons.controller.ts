import { Controller, Get, Param } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { API_PREFIX } from '../http/api-prefix';
import { ApiModelResponse } from '../openapi/schema';
import { IconsService, IconView } from './icons.service';

@ApiTags('icon')
@Controller(`${API_PREFIX}/icons`)
export class IconsController {
  constructor(private readonly icons: IconsService) {}

  @Get(':digest')
  @ApiModelResponse('Icon')
  get(@Param('digest') digest: string): Promise<IconView> {
    return this.icons.get(digest);
  }
}
