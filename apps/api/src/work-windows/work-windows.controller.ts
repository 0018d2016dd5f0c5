import { BadRequestException, Body, Controller, Get, Put, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { actorOf, WorkWindowsService } from '@app/application';
import type { WorkWindowsDocument } from '@app/domain';

@ApiTags('work-windows')
@ApiBearerAuth()
@Controller('api/v1/work-windows')
export class WorkWindowsController {
  constructor(private readonly windows: WorkWindowsService) {}

  @Get()
  @ApiOperation({
    summary: 'Windows of anticipated work (batch runs, maintenance jobs) the forecast expects',
  })
  get(): Promise<WorkWindowsDocument> {
    return this.windows.get();
  }

  @Get('upcoming')
  @ApiOperation({
    summary:
      "The windows' occurrences from now to `hours` ahead (default 168, at most 744), soonest first; a host maintenance says when its evacuation is planned",
  })
  upcoming(@Query('hours') hours = '168') {
    const h = Number(hours);
    if (!Number.isInteger(h) || h < 1 || h > 744)
      throw new BadRequestException(
        `hours must be a whole number from 1 to 744 (31 days), not ${JSON.stringify(hours)}`,
      );
    return this.windows.upcoming(new Date(), h);
  }

  @Put()
  @ApiOperation({
    summary: 'Replace the windows of anticipated work (validated; 400 names the path of each problem)',
  })
  @ApiBody({
    description:
      '{"windows": [{"id": "nightly-backup", "kind": "batch", "days": ["mon", ...], "start": "01:00", "durationMinutes": 120, "components"?: [...], "hosts"?: [...], "layers"?: [...]}, {"id": "patch-h1", "kind": "maintenance", "at": "2026-12-01T22:00:00Z", "durationMinutes": 90, "hosts": ["host-1"]}]}',
  })
  put(@Body() body: unknown, @Req() req: Request): Promise<WorkWindowsDocument> {
    return this.windows.replace(body, actorOf(req));
  }
}
