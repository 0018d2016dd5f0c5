import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, In, LessThan } from 'typeorm';
import type { ActionKind, ActionState, PlanAction } from '@app/domain';
import { isTerminal, transition } from '@app/domain';
import { ActionAttemptEntity, ActionEntity, AuditLogEntity, PlanEntity } from '@app/persistence';
import { VCENTER_ACTIONS, type VcenterActionsPort } from '../ports';

export type ExecuteOutcome =
  | { status: 'succeeded'; taskId?: string; note?: string }
  | { status: 'failed'; reason: string }
  | { status: 'deferred'; reason: string }
  | { status: 'skipped'; reason: string };

function toPlanAction(a: ActionEntity): PlanAction {
  return {
    wave: a.wave,
    kind: a.kind as ActionKind,
    ...(a.componentId ? { component: a.componentId } : {}),
    ...(a.hostId ? { host: a.hostId } : {}),
    ...(a.fromHost ? { from: a.fromHost } : {}),
    ...(a.toHost ? { to: a.toHost } : {}),
    ...(a.toDatastores ? { toDatastores: a.toDatastores } : {}),
    ...(a.mode ? { mode: a.mode as 'guest' | 'poweroff' } : {}),
    startSeconds: a.startSeconds,
    endSeconds: a.endSeconds,
    reason: a.reason,
  };
}

/**
 * Runs one queued action against vCenter, safely:
 * 1. claims it atomically (queued -> running) so two workers never both send it;
 * 2. waits for earlier waves of its plan to finish (a move may need the room a shutdown makes);
 * 3. records the attempt before anything is sent;
 * 4. re-checks live state and refuses with the reason when the world changed;
 * 5. runs the task, stores its id as soon as vCenter gives it, and records how it ended.
 * A retry after a crash finds either a terminal action (nothing to do) or live state that already matches.
 */
@Injectable()
export class ExecuteActionUseCase {
  private readonly log = new Logger(ExecuteActionUseCase.name);
  constructor(
    private readonly dataSource: DataSource,
    @Inject(VCENTER_ACTIONS) private readonly vcenter: VcenterActionsPort,
  ) {}

  async execute(actionId: string, actor = 'worker'): Promise<ExecuteOutcome> {
    const actions = this.dataSource.getRepository(ActionEntity);
    const action = await actions.findOneBy({ id: actionId });
    if (!action) return { status: 'skipped', reason: `action ${actionId} does not exist` };
    if (isTerminal(action.state as ActionState))
      return { status: 'skipped', reason: `action is already ${action.state}` };
    const plan = await this.dataSource.getRepository(PlanEntity).findOneBy({ id: action.planId });
    if (!plan || (plan.state !== 'approved' && plan.state !== 'executing'))
      return { status: 'skipped', reason: `plan is ${plan?.state ?? 'missing'}` };

    const pendingEarlier = await actions.count({
      where: {
        planId: action.planId,
        wave: LessThan(action.wave),
        state: In(['proposed', 'approved', 'queued', 'running']),
      },
    });
    if (pendingEarlier > 0)
      return { status: 'deferred', reason: `${pendingEarlier} action(s) of earlier waves have not finished` };

    if (action.state === 'running')
      return { status: 'skipped', reason: 'another worker is running this action' };
    transition(action.state as ActionState, 'running');
    const claimed = await actions
      .createQueryBuilder()
      .update()
      .set({ state: 'running' })
      .where('id = :id AND state = :state', { id: action.id, state: 'queued' })
      .execute();
    if (claimed.affected !== 1) return { status: 'skipped', reason: 'another worker claimed this action' };
    if (plan.state === 'approved')
      // Conditional: a sibling action may already have finished the plan; never move it back.
      await this.dataSource
        .getRepository(PlanEntity)
        .update({ id: plan.id, state: 'approved' }, { state: 'executing' });

    const attempts = this.dataSource.getRepository(ActionAttemptEntity);
    const attemptNo = (await attempts.count({ where: { actionId: action.id } })) + 1;
    const attempt = await attempts.save(
      attempts.create({
        actionId: action.id,
        attempt: attemptNo,
        startedAt: new Date(),
        outcome: 'running',
        vcenterTaskId: null,
        error: null,
      }),
    );

    const planAction = toPlanAction(action);
    let outcome: ExecuteOutcome;
    try {
      const check = await this.vcenter.precheck(planAction);
      attempt.precheck = check;
      if (!check.ok) {
        outcome = { status: 'failed', reason: `refused before sending: ${check.reason}` };
        attempt.outcome = 'refused';
      } else if (check.alreadyDone) {
        outcome = { status: 'succeeded', note: 'live state already matched the goal; nothing sent' };
        attempt.outcome = 'succeeded';
      } else {
        const result = await this.vcenter.execute(planAction, async (taskId) => {
          await attempts.update({ id: attempt.id }, { vcenterTaskId: taskId });
          attempt.vcenterTaskId = taskId;
        });
        outcome = result.ok
          ? { status: 'succeeded', ...(result.taskId ? { taskId: result.taskId } : {}) }
          : { status: 'failed', reason: result.error ?? 'vCenter task failed without a message' };
        attempt.outcome = result.ok ? 'succeeded' : 'failed';
      }
    } catch (e) {
      // The port threw (vCenter unreachable, session lost twice): the VM was not moved by us, say why.
      outcome = { status: 'failed', reason: e instanceof Error ? e.message : String(e) };
      attempt.outcome = 'failed';
    }
    attempt.endedAt = new Date();
    attempt.error = outcome.status === 'failed' ? outcome.reason : null;
    await attempts.save(attempt);

    const finalState: ActionState = outcome.status === 'succeeded' ? 'succeeded' : 'failed';
    await actions.update(
      { id: action.id },
      {
        state: transition('running', finalState),
        lastError: outcome.status === 'failed' ? outcome.reason : null,
      },
    );
    await this.dataSource.getRepository(AuditLogEntity).insert({
      actor,
      action: `action.${finalState}`,
      subjectType: 'action',
      subjectId: action.id,
      detail: {
        planId: action.planId,
        kind: action.kind,
        component: action.componentId,
        host: action.hostId,
        to: action.toHost,
        attempt: attemptNo,
        taskId: attempt.vcenterTaskId,
        outcome,
      },
    });
    await this.finishPlanIfDone(action.planId);
    if (outcome.status === 'failed')
      this.log.warn(
        `action ${action.id} (${action.kind} ${action.componentId ?? action.hostId ?? ''}) failed: ${outcome.reason}`,
      );
    return outcome;
  }

  private async finishPlanIfDone(planId: string): Promise<void> {
    const open = await this.dataSource
      .getRepository(ActionEntity)
      .count({ where: { planId, state: In(['proposed', 'approved', 'queued', 'running']) } });
    if (open > 0) return;
    const failed = await this.dataSource
      .getRepository(ActionEntity)
      .count({ where: { planId, state: 'failed' } });
    await this.dataSource
      .getRepository(PlanEntity)
      .update({ id: planId, state: 'executing' }, { state: failed > 0 ? 'failed' : 'succeeded' });
  }
}
