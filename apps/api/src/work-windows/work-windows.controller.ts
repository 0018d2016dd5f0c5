import { Controller, Get, Put, Req, Body } from '@nestjs/common';
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
