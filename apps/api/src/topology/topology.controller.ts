import { Body, Controller, Get, Put, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { actorOf, TopologyService, type TopologyDocument } from '@app/application';

@ApiTags('topology')
@ApiBearerAuth()
@Controller('api/v1/topology')
export class TopologyController {
  constructor(private readonly topology: TopologyService) {}

  @Get()
  @ApiOperation({ summary: 'The power topology: UPSes, PDUs and which host hangs on which PDUs' })
  get(): Promise<TopologyDocument> {
    return this.topology.get();
  }

  @Put()
  @ApiOperation({ summary: 'Replace the power topology (validated; 400 names the path of each problem)' })
  put(@Body() body: unknown, @Req() req: Request): Promise<TopologyDocument> {
    return this.topology.replace(body, actorOf(req));
  }
}
