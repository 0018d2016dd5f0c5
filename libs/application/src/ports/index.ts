import type { Plan, PlanAction, Scenario } from '@app/domain';

/** The planner, as the use cases see it: pure, synchronous, scenario in, plan out. */
export interface PlannerPort {
  plan(scenario: Scenario): Plan;
}
export const PLANNER = Symbol('PLANNER');

/** Puts one action on the BullMQ queue; the job id is the action's idempotency key, so re-queuing is a no-op. */
export interface ActionQueuePort {
  enqueue(actionId: string, idempotencyKey: string, priority: number): Promise<void>;
}
export const ACTION_QUEUE = Symbol('ACTION_QUEUE');

/** `alreadyDone`: live state already matches the action's goal (a retried job after a crash): nothing to send. */
export type PrecheckResult =
  | { ok: true; alreadyDone?: boolean; observed: Record<string, unknown> }
  | { ok: false; reason: string; observed: Record<string, unknown> };

export interface TaskOutcome {
  ok: boolean;
  taskId?: string;
  error?: string;
}

/**
 * What the executor needs from vCenter. `precheck` re-reads live state (is the VM still where the plan thought,
 * powered on, is the destination still connected and out of maintenance); `execute` runs and tracks the task.
 */
export interface VcenterActionsPort {
  precheck(action: PlanAction): Promise<PrecheckResult>;
  execute(action: PlanAction, onTaskStarted: (taskId: string) => Promise<void>): Promise<TaskOutcome>;
}
export const VCENTER_ACTIONS = Symbol('VCENTER_ACTIONS');
