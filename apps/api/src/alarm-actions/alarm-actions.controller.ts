import { BadRequestException, Body, Controller, HttpCode, Inject, Post, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { ValidationError } from '@app/domain';
import { type PowerIngest, parseAlarmAction } from '@app/snmp';
import { ALARM_INGEST } from './tokens';

export interface AlarmActionResponse {
  outcome: string;
  decision: string | null;
  powerEventId: string | null;
  event: { kind: string; device: string; deviceKind: string; occurredAt: string; detail: string };
}

/**
 * vCenter alarm actions: an alarm's "run script" action runs `layershift alarm`, which posts the alarm's
 * VMWARE_ALARM_* environment here (or any client posts the camelCase form). Authenticated like every route
 * (the global ApiTokenGuard). The event and its raw body are stored before anything acts on them.
 */
@ApiTags('alarm-actions')
@ApiBearerAuth()
@Controller('api/v1/alarm-actions')
export class AlarmActionsController {
  constructor(@Inject(ALARM_INGEST) private readonly ingest: PowerIngest) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({ summary: 'Record a vCenter alarm action as a power or capacity event' })
  @ApiBody({
    description:
      'either the alarm script environment { VMWARE_ALARM_NAME, VMWARE_ALARM_TARGET_NAME, VMWARE_ALARM_NEWSTATUS, VMWARE_ALARM_OLDSTATUS?, VMWARE_ALARM_ID?, VMWARE_ALARM_TARGET_ID?, VMWARE_ALARM_EVENTDESCRIPTION?, ... } or { alarmName, targetName, newStatus, oldStatus?, alarmId?, targetId?, eventDescription?, occurredAt? }',
  })
  async receive(@Body() body: unknown, @Req() req: Request): Promise<AlarmActionResponse> {
    let action;
    try {
      action = parseAlarmAction(body);
    } catch (e) {
      if (e instanceof ValidationError) {
        this.ingest.reject('alarm-action', 'invalid_body', { address: req.ip ?? '' });
        throw new BadRequestException({
          statusCode: 400,
          error: 'Bad Request',
          message: e.message,
          issues: e.issues,
        });
      }
      throw e;
    }
    const r = await this.ingest.ingestEvent(action.event, {
      source: 'alarm-action',
      remoteAddress: req.ip ?? null,
      payload: body,
    });
    const e = r.event ?? action.event;
    return {
      outcome: r.outcome,
      decision: r.decision ?? null,
      powerEventId: r.powerEventId ?? null,
      event: {
        kind: e.kind,
        device: e.device,
        deviceKind: e.deviceKind,
        occurredAt: e.occurredAt,
        detail: e.detail,
      },
    };
  }
}
