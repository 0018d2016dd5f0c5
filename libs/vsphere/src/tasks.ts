import type { VimClient } from './client';
import { makeFault, TaskFailed, VsphereError } from './errors';
import { retrieveOne } from './property-collector';
import { isMoRef, type DataObject, type MoRef, str } from './xml';

export type TaskState = 'queued' | 'running' | 'success' | 'error';

export interface TaskInfo {
  id: string;
  state: TaskState;
  descriptionId?: string;
  entity?: MoRef;
  progress?: number;
  result?: unknown;
  error?: { type: string; message: string; fault: unknown };
  queueTime?: string;
  startTime?: string;
  completeTime?: string;
}

export interface TaskOutcome {
  taskId: string;
  state: 'success';
  result?: unknown;
  startedAt: string;
  completedAt: string;
  durationMs: number;
}

export function parseTaskInfo(id: string, v: unknown): TaskInfo {
  const o = (v ?? {}) as DataObject;
  const err = o.error as DataObject | undefined;
  const fault = err?.fault as DataObject | undefined;
  return {
    id,
    state: (o.state as TaskState) ?? 'queued',
    descriptionId: o.descriptionId as string | undefined,
    entity: isMoRef(o.entity) ? o.entity : undefined,
    progress: o.progress !== undefined ? Number(o.progress) : undefined,
    result: o.result,
    error: err
      ? {
          type: fault?._type ?? 'VimFault',
          message: str(err.localizedMessage, str(fault?.faultMessage)),
          fault,
        }
      : undefined,
    queueTime: o.queueTime as string | undefined,
    startTime: o.startTime as string | undefined,
    completeTime: o.completeTime as string | undefined,
  };
}

export async function taskInfo(client: VimClient, task: MoRef): Promise<TaskInfo> {
  const p = await retrieveOne(client, task, ['info']);
  return parseTaskInfo(task.value, p.info);
}

/**
 * Polls Task.info with back-off (100 ms doubling to 2 s) until success or error. On error throws TaskFailed whose
 * `fault` is the typed vim25 fault (MigrationFault, InvalidState, ...). `onProgress` sees every state read.
 */
export async function waitForTask(
  client: VimClient,
  task: MoRef,
  opts: { timeoutMs?: number; method?: string; onProgress?: (i: TaskInfo) => void } = {},
): Promise<TaskOutcome> {
  const started = Date.now();
  const deadline = opts.timeoutMs ? started + opts.timeoutMs : Infinity;
  let delay = 100;
  for (;;) {
    const info = await taskInfo(client, task);
    opts.onProgress?.(info);
    if (info.state === 'success') {
      const completedAt = new Date();
      return {
        taskId: task.value,
        state: 'success',
        result: info.result,
        startedAt: info.startTime ?? new Date(started).toISOString(),
        completedAt: info.completeTime ?? completedAt.toISOString(),
        durationMs: completedAt.getTime() - started,
      };
    }
    if (info.state === 'error') {
      const f = info.error!;
      throw new TaskFailed(
        client.vcenter,
        task.value,
        makeFault(client.vcenter, f.type, f.message, f.fault, opts.method),
      );
    }
    if (Date.now() + delay > deadline) {
      throw new VsphereError(
        client.vcenter,
        `task ${task.value} still ${info.state} after ${opts.timeoutMs} ms`,
      );
    }
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 2000);
  }
}
