import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { DeviceKind, PowerEventKind } from '@app/domain';
import { PowerEventEntity, UpsEntity } from '@app/persistence';
import { RunAuditUseCase, type AuditResult } from '../audits/run-audit.use-case';
import { ApprovePlanUseCase } from '../plans/approve-plan.use-case';
import type { AppConfig } from '../platform/config';
import { APP_CONFIG } from '../platform/tokens';
import { SnapshotScenarioService } from '../snapshot/snapshot-scenario.service';
import { scenarioEventFor } from './scenario-event';

export type PowerEventOutcome =
  { status: 'planned'; audit: AuditResult; approved: boolean } | { status: 'ignored'; reason: string };

/**
 * A stored power event arrives: keep the UPS's live state, build the scenario from the stored snapshot, and run
 * an audit. With the `auto` approval policy, plans for power loss are approved at once (the battery does not wait
 * for a human); otherwise they wait for an operator.
 */
@Injectable()
export class HandlePowerEventUseCase {
  private readonly log = new Logger(HandlePowerEventUseCase.name);
  constructor(
    private readonly dataSource: DataSource,
    private readonly snapshot: SnapshotScenarioService,
    private readonly runAudit: RunAuditUseCase,
    private readonly approvePlan: ApprovePlanUseCase,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async execute(powerEventId: string): Promise<PowerEventOutcome> {
    const row = await this.dataSource.getRepository(PowerEventEntity).findOneBy({ id: powerEventId });
    if (!row) return { status: 'ignored', reason: `power event ${powerEventId} does not exist` };
    const event = scenarioEventFor({
      kind: row.kind as PowerEventKind,
      device: row.device,
      deviceKind: row.deviceKind as DeviceKind,
      ...(row.runtimeSeconds !== null ? { runtimeSeconds: row.runtimeSeconds } : {}),
    });
    if (!event)
      return { status: 'ignored', reason: `${row.kind} on ${row.deviceKind} ${row.device} starts no plan` };

    if (row.deviceKind === 'ups') {
      const onBattery = row.kind === 'on_battery' || row.kind === 'low_battery';
      await this.dataSource
        .getRepository(UpsEntity)
        .update(
          { id: row.device },
          { onBattery, ...(row.runtimeSeconds !== null ? { runtimeSeconds: row.runtimeSeconds } : {}) },
        );
    }
    const scenario = await this.snapshot.build(event);
    const audit = await this.runAudit.execute({
      scenario,
      trigger: 'power-event',
      powerEventId,
      requestedBy: `event:${row.source}`,
    });
    const urgent =
      event.type === 'ups_on_battery' || event.type === 'ups_low_battery' || event.type === 'pdu_overload';
    const approved = this.config.approvalPolicy === 'auto' && urgent && audit.plan.actions.length > 0;
    if (approved) await this.approvePlan.execute(audit.planId, 'policy:auto');
    this.log.log(
      `power event ${row.kind} ${row.device}: plan ${audit.planId} (${audit.plan.actions.length} actions, ${approved ? 'approved by policy' : 'waiting for approval'})`,
    );
    return { status: 'planned', audit, approved };
  }
}
