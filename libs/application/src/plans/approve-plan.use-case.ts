import { Inject, Injectable, NotFoundException, ConflictException } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ActionEntity, AuditLogEntity, PlanEntity } from '@app/persistence';
import { ACTION_QUEUE, type ActionQueuePort } from '../ports';

/**
 * Approval (by an operator or by policy): the plan and its actions become approved, then queued; the jobs are
 * enqueued only after the transaction commits, so a job never points at a row that does not exist yet.
 * Approving an approved plan again re-enqueues its queued actions, which BullMQ dedups by job id.
 */
@Injectable()
export class ApprovePlanUseCase {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(ACTION_QUEUE) private readonly queue: ActionQueuePort,
  ) {}

  async execute(planId: string, actor: string): Promise<{ queued: number }> {
    const actions = await this.dataSource.transaction(async (tx) => {
      const plan = await tx
        .getRepository(PlanEntity)
        .findOne({ where: { id: planId }, lock: { mode: 'pessimistic_write' } });
      if (!plan) throw new NotFoundException(`plan ${planId} does not exist`);
      if (plan.state !== 'proposed' && plan.state !== 'approved')
        throw new ConflictException(`plan ${planId} is ${plan.state}; only a proposed plan can be approved`);
      if (plan.state === 'proposed') {
        plan.state = 'approved';
        plan.approvedBy = actor;
        plan.approvedAt = new Date();
        await tx.getRepository(PlanEntity).save(plan);
        // Two steps, as the action state machine has them: proposed -> approved -> queued.
        await tx.getRepository(ActionEntity).update({ planId, state: 'proposed' }, { state: 'approved' });
        await tx.getRepository(ActionEntity).update({ planId, state: 'approved' }, { state: 'queued' });
        await tx.getRepository(AuditLogEntity).insert({
          actor,
          action: 'plan.approved',
          subjectType: 'plan',
          subjectId: planId,
          detail: {},
        });
      }
      return tx
        .getRepository(ActionEntity)
        .find({ where: { planId, state: 'queued' }, order: { seq: 'ASC' } });
    });
    for (const a of actions) await this.queue.enqueue(a.id, a.idempotencyKey, a.wave);
    return { queued: actions.length };
  }
}
