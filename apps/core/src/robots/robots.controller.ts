import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Req, Res } from '@nestjs/common';
import { ApiBasicAuth, ApiTags } from '@nestjs/swagger';
import type { Access } from '@wharf/auth';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RequestAccess } from '../auth/request-access';
import { API_PREFIX } from '../http/api-prefix';
import { ParseIdPipe } from '../http/id-param';
import { type Listing, ListParams } from '../http/query-param';
import { ApiModelResponse, ApiNoBodyResponse } from '../openapi/schema';
import { RobotCreateDto } from './dto/robot-create.dto';
import { RobotSecDto } from './dto/robot-sec.dto';
import { RobotDto } from './dto/robot.dto';
import type { RobotCreated, RobotView } from './robot-view';
import { RobotsService } from './robots.service';

@ApiTags('robot')
@ApiBasicAuth()
@Controller(`${API_PREFIX}/robots`)
export class RobotsController {
  constructor(private readonly robots: RobotsService) {}
  @Get()
  @ApiModelResponse('Robot', { list: true })
  async list(
    @RequestAccess() access: Access,
    @ListParams() list: Listing,
  ): Promise<RobotView[]> {
    return list.answer(await this.robots.list(access, list.query, list.sort, list.paging));
  }

  @Post()
  @ApiModelResponse('RobotCreated', { status: 201 })
  async create(
    @RequestAccess() access: Access,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Body() body: RobotCreateDto,
  ): Promise<RobotCreated> {
    const created = await this.robots.create(access, req.ip, body);
    reply.header('Location', `/${API_PREFIX}/robots/${created.id}`);
    return created;
  }

  @Get(':robot_id')
  @ApiModelResponse('Robot')
  get(@RequestAccess() access: Access, @Param('robot_id', ParseIdPipe) id: number): Promise<RobotView> {
    return this.robots.get(access, id);
  }

  @Put(':robot_id')
  @ApiNoBodyResponse()
  @HttpCode(200)
  update(@RequestAccess() access: Access, @Req() req: FastifyRequest, @Param('robot_id', ParseIdPipe) id: number, @Body() body: RobotDto): Promise<void> {
    return this.robots.update(access, req.ip, id, body);
  }

  @Patch(':robot_id')
  @ApiModelResponse('RobotSec')
  @HttpCode(200)
  refreshSecret(
    @RequestAccess() access: Access,
    @Req() req: FastifyRequest,
    @Param('robot_id', ParseIdPipe) id: number,
    @Body() body: RobotSecDto,
  ): Promise<{ secret?: string }> {
    return this.robots.refreshSecret(access, req.ip, id, body);
  }

  @Delete(':robot_id/login-failures')
  @ApiNoBodyResponse()
  @HttpCode(200)
  clearLoginFailures(@RequestAccess() access: Access, @Req() req: FastifyRequest, @Param('robot_id', ParseIdPipe) id: number): Promise<void> {
    return this.robots.clearLoginFailures(access, req.ip, id);
  }

  @Delete(':robot_id')
  @ApiNoBodyResponse()
  @HttpCode(200)
  delete(@RequestAccess() access: Access, @Req() req: FastifyRequest, @Param('robot_id', ParseIdPipe) id: number): Promise<void> {
    return this.robots.delete(access, req.ip, id);
  }
}
