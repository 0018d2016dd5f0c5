import { Inject, Injectable } from '@nestjs/common';
import { DataSource, In, type EntityManager } from 'typeorm';
import type { Plan, Scenario } from '@app/domain';
import { parseScenario } from '@app/domain';
import { ActionEntity, AuditEntity, AuditLogEntity, PlanEntity } from '@app/persistence';
import { PLANNER, type PlannerPort } from '../ports';

export interface RunAuditCommand {
  scenario: unknown;
  /** power-event | forecast | schedule | operator | alarm-action */
  trigger: string;
  powerEventId?: string;
  requestedBy: string;
}

export interface AuditResult {
  auditId: string;
  planId: string;
  plan: Plan;
  superseded: string[];
}

const OPEN_PLAN_STATES = ['proposed', 'approved'];
const OPEN_ACTION_STATES = ['proposed', 'approved', 'queued'];

/**
 * One audit: validate the scenario, plan, and persist audit, plan and actions in one transaction, superseding
 * older plans whose actions have not started (a newer snapshot knows better). Nothing reaches vCenter here.
 */
@Injectable()
export class RunAuditUseCase {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(PLANNER) private readonly planner: PlannerPort,
  ) {}

  async execute(cmd: RunAuditCommand): Promise<AuditResult> {
    const scenario: Scenario = parseScenario(cmd.scenario);
    const plan = this.planner.plan(scenario);
    return this.dataSource.transaction(async (tx) => {
      const superseded = await this.supersedeOpenPlans(tx, cmd.requestedBy);
      const audit = await tx.getRepository(AuditEntity).save(
        tx.getRepository(AuditEntity).create({
          trigger: cmd.trigger,
          powerEventId: cmd.powerEventId ?? null,
          scenarioHash: plan.scenario,
          scenario,
          requestedBy: cmd.requestedBy,
        }),
      );
      const planRow = await tx
        .getRepository(PlanEntity)
        .save(tx.getRepository(PlanEntity).create({ auditId: audit.id, document: plan, state: 'proposed' }));
      await tx.getRepository(ActionEntity).insert(
        plan.actions.map((a, seq) => ({
          planId: planRow.id,
          seq,
          wave: a.wave,
          kind: a.kind,
          componentId: a.component ?? null,
          hostId: a.host ?? null,
          fromHost: a.from ?? null,
          toHost: a.to ?? null,
          toDatastores: a.toDatastores ?? null,
          mode: a.mode ?? null,
          startSeconds: a.startSeconds,
          endSeconds: a.endSeconds,
          reason: a.reason,
          state: 'proposed',
          idempotencyKey: `${planRow.id}:${seq}`,
          lastError: null,
        })),
      );
      await tx.getRepository(AuditLogEntity).insert({
        actor: cmd.requestedBy,
        action: 'plan.proposed',
        subjectType: 'plan',
        subjectId: planRow.id,
        detail: {
          auditId: audit.id,
          trigger: cmd.trigger,
          event: scenario.event,
          summary: plan.summary,
          superseded,
        },
      });
      return { auditId: audit.id, planId: planRow.id, plan, superseded };
    });
  }

  private async supersedeOpenPlans(tx: EntityManager, actor: string): Promise<string[]> {
    const open = await tx
      .getRepository(PlanEntity)
      .find({ where: { state: In(OPEN_PLAN_STATES) }, select: ['id'] });
    if (open.length === 0) return [];
    const ids = open.map((p) => p.id);
    await tx.getRepository(PlanEntity).update({ id: In(ids) }, { state: 'superseded' });
    await tx
      .getRepository(ActionEntity)
      .update({ planId: In(ids), state: In(OPEN_ACTION_STATES) }, { state: 'superseded' });
    await tx.getRepository(AuditLogEntity).insert(
      ids.map((id) => ({
        actor,
        action: 'plan.superseded',
        subjectType: 'plan',
        subjectId: id,
        detail: {},
      })),
    );
    return ids;
  }
}
