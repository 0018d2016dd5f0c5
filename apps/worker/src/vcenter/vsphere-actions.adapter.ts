import type { PrecheckResult, TaskOutcome, VcenterActionsPort } from '@app/application';
import type { PlanAction } from '@app/domain';
import {
  enterMaintenance,
  exitMaintenance,
  hostLiveState,
  hostRef,
  powerOnVm,
  relocateVm,
  retrieveOne,
  shutdownVm,
  TaskFailed,
  VsphereError,
  vmLiveState,
  type MoRef,
  type TaskStartedHook,
  type VimClient,
} from '@app/vsphere';
import { ensureConnected } from './vim-client.provider';

/** How long a guest gets to shut down before the power is pulled (vCenter's own default is similar). */
const GUEST_SHUTDOWN_TIMEOUT_MS = 120_000;

function describeError(e: unknown): string {
  if (e instanceof TaskFailed) return `${e.message} (the VM stays where it was)`;
  if (e instanceof VsphereError) return e.message;
  return e instanceof Error ? e.message : String(e);
}

/**
 * Plan actions onto vCenter. `precheck` compares live state with what the plan assumed and tells "already done"
 * (a retry after a crash) from "the world changed" (refuse); `execute` runs the task and reports how it ended.
 */
export class VsphereActionsAdapter implements VcenterActionsPort {
  constructor(private readonly client: VimClient) {}

  private ready(): Promise<VimClient> {
    return ensureConnected(this.client);
  }

  async precheck(a: PlanAction): Promise<PrecheckResult> {
    await this.ready();
    switch (a.kind) {
      case 'vmotion':
      case 'svmotion':
      case 'xvmotion': {
        const vm = await vmLiveState(this.client, a.component!);
        const observed = { host: vm.host, powerState: vm.powerState, datastores: vm.datastores };
        const hostDone = a.kind === 'svmotion' || vm.host === a.to;
        const dsDone = !a.toDatastores?.length || a.toDatastores.every((d) => vm.datastores.includes(d));
        if (hostDone && dsDone) return { ok: true, alreadyDone: true, observed };
        if (vm.powerState !== 'poweredOn')
          return { ok: false, reason: `VM ${vm.name} is ${vm.powerState}`, observed };
        if (a.from && vm.host !== a.from && vm.host !== a.to)
          return {
            ok: false,
            reason: `VM ${vm.name} is on ${vm.host}, not on ${a.from} as planned`,
            observed,
          };
        if (a.to && a.kind !== 'svmotion') {
          const h = await hostLiveState(this.client, a.to);
          if (h.maintenance)
            return { ok: false, reason: `destination ${h.name} is in maintenance mode`, observed };
          if (h.connectionState !== 'connected')
            return { ok: false, reason: `destination ${h.name} is ${h.connectionState}`, observed };
        }
        return { ok: true, observed };
      }
      case 'shutdown': {
        const vm = await vmLiveState(this.client, a.component!);
        const observed = { host: vm.host, powerState: vm.powerState };
        if (vm.powerState === 'poweredOff') return { ok: true, alreadyDone: true, observed };
        return { ok: true, observed };
      }
      case 'poweron': {
        const vm = await vmLiveState(this.client, a.component!);
        const observed = { host: vm.host, powerState: vm.powerState };
        if (vm.powerState === 'poweredOn') return { ok: true, alreadyDone: true, observed };
        if (a.to) {
          const h = await hostLiveState(this.client, a.to);
          if (h.maintenance || h.connectionState !== 'connected')
            return {
              ok: false,
              reason: `host ${h.name} is ${h.maintenance ? 'in maintenance mode' : h.connectionState}`,
              observed,
            };
        }
        return { ok: true, observed };
      }
      case 'maintenance':
      case 'exit-maintenance': {
        const h = await hostLiveState(this.client, a.host!);
        const observed = { maintenance: h.maintenance, connectionState: h.connectionState };
        if (h.maintenance === (a.kind === 'maintenance')) return { ok: true, alreadyDone: true, observed };
        if (h.connectionState !== 'connected')
          return { ok: false, reason: `host ${h.name} is ${h.connectionState}`, observed };
        if (a.kind === 'maintenance') {
          // Without DRS a host only enters maintenance once empty; if an earlier move failed, say so now
          // instead of letting the task wait out its timeout.
          const running = await this.poweredOnVms(a.host!);
          if (running.length > 0)
            return {
              ok: false,
              reason: `host ${h.name} still runs ${running.length} powered-on VM(s) (${running.slice(0, 5).join(', ')}): an earlier move or shutdown did not happen`,
              observed: { ...observed, poweredOnVms: running },
            };
        }
        return { ok: true, observed };
      }
    }
  }

  async execute(a: PlanAction, onTaskStarted: (taskId: string) => Promise<void>): Promise<TaskOutcome> {
    // The task id is stored the moment vCenter creates the task, so a worker that dies mid-task leaves a trace.
    let recorded: string | undefined;
    const onTask = async (taskId: string) => {
      recorded = taskId;
      await onTaskStarted(taskId);
    };
    try {
      await this.ready();
      const taskId = await this.run(a, onTask);
      return { ok: true, ...(taskId ? { taskId } : {}) };
    } catch (e) {
      if (e instanceof TaskFailed && recorded !== e.taskId) await onTaskStarted(e.taskId);
      return { ok: false, error: describeError(e), ...(e instanceof TaskFailed ? { taskId: e.taskId } : {}) };
    }
  }

  private async poweredOnVms(host: string): Promise<string[]> {
    const props = await retrieveOne(this.client, hostRef(host), ['vm']);
    const refs = ([] as unknown[])
      .concat(props.vm ?? [])
      .filter((r): r is MoRef => typeof r === 'object' && r !== null && 'value' in r);
    const states = await Promise.all(refs.map((r) => vmLiveState(this.client, r.value)));
    return states.filter((v) => v.powerState === 'poweredOn').map((v) => v.id);
  }

  private async run(a: PlanAction, onTask: TaskStartedHook): Promise<string | undefined> {
    switch (a.kind) {
      case 'vmotion':
      case 'svmotion':
      case 'xvmotion': {
        const out = await relocateVm(this.client, {
          vm: a.component!,
          ...(a.kind !== 'svmotion' && a.to ? { host: a.to } : {}),
          ...(a.kind !== 'vmotion' && a.toDatastores?.[0] ? { datastore: a.toDatastores[0] } : {}),
          ...(a.from ? { expectedHost: a.from } : {}),
          priority: 'highPriority',
          onTask,
        });
        return out.taskId;
      }
      case 'shutdown': {
        const out = await shutdownVm(this.client, a.component!, {
          mode: a.mode ?? 'guest',
          guestTimeoutMs: GUEST_SHUTDOWN_TIMEOUT_MS,
          onTask,
        });
        return out.taskId;
      }
      case 'poweron':
        return (await powerOnVm(this.client, a.component!, { ...(a.to ? { host: a.to } : {}), onTask }))
          .taskId;
      case 'maintenance':
        return (await enterMaintenance(this.client, a.host!, { timeoutSeconds: 600, onTask })).taskId;
      case 'exit-maintenance':
        return (await exitMaintenance(this.client, a.host!, { onTask })).taskId;
    }
  }
}
