import type { PlanAction } from '@app/domain';
import type { PrecheckResult, TaskOutcome, VcenterActionsPort } from '@app/application';

/**
 * Used when VCENTER_URL is not set: every action is refused with that reason, so a plan approved on a worker
 * without vCenter fails visibly instead of pretending to move anything.
 */
export class UnconfiguredVcenter implements VcenterActionsPort {
  async precheck(action: PlanAction): Promise<PrecheckResult> {
    return {
      ok: false,
      reason: `no vCenter configured (set VCENTER_URL) to run ${action.kind}`,
      observed: {},
    };
  }
  async execute(): Promise<TaskOutcome> {
    return { ok: false, error: 'no vCenter configured' };
  }
}
