import type { VimClient } from './client';
import { InvalidStateFault, PreconditionFailed } from './errors';
import { retrieveOne } from './property-collector';
import { waitForTask, type TaskOutcome } from './tasks';
import { asArray, bool, child, isMoRef, moRef, refEl, textEl, type MoRef, str } from './xml';

export const vmRef = (id: string): MoRef => ({ type: 'VirtualMachine', value: id });
export const hostRef = (id: string): MoRef => ({ type: 'HostSystem', value: id });
export const datastoreRef = (id: string): MoRef => ({ type: 'Datastore', value: id });

export interface VmLiveState {
  id: string;
  name: string;
  host: string;
  powerState: string;
  datastores: string[];
  pool?: MoRef;
}

export interface HostLiveState {
  id: string;
  name: string;
  connectionState: string;
  maintenance: boolean;
  parent?: MoRef;
}

export async function vmLiveState(client: VimClient, vm: string): Promise<VmLiveState> {
  const p = await retrieveOne(client, vmRef(vm), [
    'name',
    'runtime.host',
    'runtime.powerState',
    'datastore',
    'resourcePool',
  ]);
  const host = p['runtime.host'];
  return {
    id: vm,
    name: str(p.name, vm),
    host: isMoRef(host) ? host.value : '',
    powerState: str(p['runtime.powerState'], 'unknown'),
    datastores: asArray(p.datastore as MoRef | MoRef[] | undefined).map((r) => r.value),
    pool: isMoRef(p.resourcePool) ? p.resourcePool : undefined,
  };
}

export async function hostLiveState(client: VimClient, host: string): Promise<HostLiveState> {
  const p = await retrieveOne(client, hostRef(host), [
    'name',
    'runtime.connectionState',
    'runtime.inMaintenanceMode',
    'parent',
  ]);
  return {
    id: host,
    name: str(p.name, host),
    connectionState: str(p['runtime.connectionState'], 'unknown'),
    maintenance: bool(p['runtime.inMaintenanceMode']) ?? false,
    parent: isMoRef(p.parent) ? p.parent : undefined,
  };
}

export interface ActionResult extends TaskOutcome {
  action: string;
  target: string;
}

export type MovePriority = 'defaultPriority' | 'highPriority' | 'lowPriority';

export interface RelocateRequest {
  vm: string;
  /** vMotion target; omit for a pure Storage vMotion. */
  host?: string;
  /** Storage vMotion target; omit for a pure vMotion. */
  datastore?: string;
  /** The host the plan believed the VM was on: refuse when it moved meanwhile. */
  expectedHost?: string;
  priority?: MovePriority;
  /** Refuse powered-off VMs (the default: a plan moves running workloads). */
  allowPoweredOff?: boolean;
  timeoutMs?: number;
  /** Use MigrateVM_Task (host + priority, no storage) instead of RelocateVM_Task. */
  useMigrate?: boolean;
  /** Called with the vCenter task id as soon as the task exists, before waiting for it (to persist it early). */
  onTask?: TaskStartedHook;
}

/** Lets callers record a task id the moment vCenter creates the task, not only when it ends. */
export type TaskStartedHook = (taskId: string) => void | Promise<void>;

async function targetPool(
  client: VimClient,
  vm: VmLiveState,
  target: HostLiveState,
): Promise<MoRef | undefined> {
  if (!target.parent) return undefined;
  const current = vm.host ? await hostLiveState(client, vm.host) : undefined;
  if (current?.parent && current.parent.value === target.parent.value) return undefined;
  const p = await retrieveOne(client, target.parent, ['resourcePool']);
  return isMoRef(p.resourcePool) ? p.resourcePool : undefined;
}

/**
 * vMotion (host), Storage vMotion (datastore) or both, after re-reading live state: refuses (PreconditionFailed,
 * nothing sent) when the VM is already where it should go, is off, moved away from expectedHost, or the target host
 * is in maintenance / not connected. A task that fails throws TaskFailed with the typed fault; the VM stays put.
 */
export async function relocateVm(client: VimClient, req: RelocateRequest): Promise<ActionResult> {
  if (!req.host && !req.datastore)
    throw new PreconditionFailed(client.vcenter, `relocate ${req.vm}: neither host nor datastore given`);
  const vm = await vmLiveState(client, req.vm);
  const label = `VM ${vm.name} (${vm.id})`;
  if (!req.allowPoweredOff && vm.powerState !== 'poweredOn') {
    throw new PreconditionFailed(client.vcenter, `${label} is ${vm.powerState}, not poweredOn`);
  }
  if (req.expectedHost && vm.host !== req.expectedHost) {
    throw new PreconditionFailed(
      client.vcenter,
      `${label} is on ${vm.host}, not on ${req.expectedHost} as planned`,
    );
  }
  const hostDone = !req.host || vm.host === req.host;
  const dsDone = !req.datastore || (vm.datastores.length === 1 && vm.datastores[0] === req.datastore);
  if (hostDone && dsDone) {
    throw new PreconditionFailed(
      client.vcenter,
      `${label} is already on ${[req.host && `host ${req.host}`, req.datastore && `datastore ${req.datastore}`].filter(Boolean).join(' and ')}`,
    );
  }
  let target: HostLiveState | undefined;
  if (req.host && !hostDone) {
    target = await hostLiveState(client, req.host);
    if (target.maintenance)
      throw new PreconditionFailed(
        client.vcenter,
        `target host ${target.name} (${target.id}) is in maintenance mode`,
      );
    if (target.connectionState !== 'connected') {
      throw new PreconditionFailed(
        client.vcenter,
        `target host ${target.name} (${target.id}) is ${target.connectionState}`,
      );
    }
  }
  if (req.datastore && !dsDone) {
    const where = target?.id ?? vm.host;
    const mounts = asArray(
      (await retrieveOne(client, datastoreRef(req.datastore), ['host'])).host as
        { key?: MoRef }[] | undefined,
    );
    if (!mounts.some((m) => isMoRef(m.key) && m.key.value === where)) {
      throw new PreconditionFailed(
        client.vcenter,
        `datastore ${req.datastore} is not mounted on host ${where}`,
      );
    }
  }
  const pool = target ? await targetPool(client, vm, target) : undefined;
  let task: MoRef;
  let method: string;
  if (req.useMigrate) {
    if (req.datastore)
      throw new PreconditionFailed(client.vcenter, 'MigrateVM_Task cannot move storage; use RelocateVM_Task');
    method = 'MigrateVM_Task';
    const res = await client.call(
      method,
      vmRef(req.vm),
      (pool ? refEl('pool', pool) : '') +
        (target ? refEl('host', hostRef(target.id)) : '') +
        textEl('priority', req.priority ?? 'highPriority'),
    );
    task = moRef(child(res, 'returnval')!);
  } else {
    method = 'RelocateVM_Task';
    // vim25 RelocateSpec is an xsd:sequence: datastore, pool, host in this order.
    const spec =
      (req.datastore && !dsDone ? refEl('datastore', datastoreRef(req.datastore)) : '') +
      (pool ? refEl('pool', pool) : '') +
      (target ? refEl('host', hostRef(target.id)) : '');
    const res = await client.call(
      method,
      vmRef(req.vm),
      `<spec>${spec}</spec>` + textEl('priority', req.priority ?? 'defaultPriority'),
    );
    task = moRef(child(res, 'returnval')!);
  }
  await req.onTask?.(task.value);
  client.log.info(
    {
      vcenter: client.vcenter,
      vm: req.vm,
      host: req.host,
      datastore: req.datastore,
      task: task.value,
      method,
    },
    'relocation started',
  );
  const out = await waitForTask(client, task, { timeoutMs: req.timeoutMs, method });
  return { ...out, action: method, target: req.vm };
}

/** MigrateVM_Task: vMotion with an explicit priority (highPriority reserves resources first). */
export function migrateVm(
  client: VimClient,
  req: Omit<RelocateRequest, 'datastore' | 'useMigrate'> & { host: string },
): Promise<ActionResult> {
  return relocateVm(client, { ...req, useMigrate: true });
}

export interface ShutdownResult {
  vm: string;
  /** 'guest' when the guest OS shut down in time; 'poweroff' when we had to pull the plug. */
  method: 'guest' | 'poweroff';
  taskId?: string;
  reason?: string;
  durationMs: number;
}

/**
 * ShutdownGuest, then wait up to guestTimeoutMs for poweredOff; if the guest cannot (no tools: a fault) or does not
 * shut down in time, PowerOffVM_Task. mode 'poweroff' skips the guest attempt. Refuses a VM that is already off.
 */
export async function shutdownVm(
  client: VimClient,
  vm: string,
  opts: {
    mode?: 'guest' | 'poweroff';
    guestTimeoutMs?: number;
    pollMs?: number;
    onTask?: TaskStartedHook;
  } = {},
): Promise<ShutdownResult> {
  const started = Date.now();
  const live = await vmLiveState(client, vm);
  if (live.powerState === 'poweredOff')
    throw new PreconditionFailed(client.vcenter, `VM ${live.name} (${vm}) is already poweredOff`);
  let reason: string | undefined;
  if ((opts.mode ?? 'guest') === 'guest') {
    try {
      await client.call('ShutdownGuest', vmRef(vm));
      const deadline = Date.now() + (opts.guestTimeoutMs ?? 120_000);
      for (;;) {
        const ps = (await vmLiveState(client, vm)).powerState;
        if (ps === 'poweredOff') return { vm, method: 'guest', durationMs: Date.now() - started };
        if (Date.now() >= deadline) {
          reason = `guest did not power off within ${opts.guestTimeoutMs ?? 120_000} ms`;
          break;
        }
        await new Promise((r) => setTimeout(r, opts.pollMs ?? 1000));
      }
    } catch (e) {
      if (e instanceof InvalidStateFault && e.faultType === 'InvalidPowerState') {
        const ps = (await vmLiveState(client, vm)).powerState;
        if (ps === 'poweredOff') return { vm, method: 'guest', durationMs: Date.now() - started };
      }
      if (!(e instanceof Error) || !('faultType' in e)) throw e;
      reason = `ShutdownGuest refused: ${(e as { faultType: string }).faultType}`;
    }
    client.log.warn({ vcenter: client.vcenter, vm, reason }, 'guest shutdown fell back to power off');
  }
  const res = await client.call('PowerOffVM_Task', vmRef(vm));
  const task = moRef(child(res, 'returnval')!);
  await opts.onTask?.(task.value);
  await waitForTask(client, task, { method: 'PowerOffVM_Task' });
  return { vm, method: 'poweroff', taskId: task.value, reason, durationMs: Date.now() - started };
}

export async function powerOnVm(
  client: VimClient,
  vm: string,
  opts: { host?: string; timeoutMs?: number; onTask?: TaskStartedHook } = {},
): Promise<ActionResult> {
  const live = await vmLiveState(client, vm);
  if (live.powerState === 'poweredOn')
    throw new PreconditionFailed(client.vcenter, `VM ${live.name} (${vm}) is already poweredOn`);
  if (opts.host) {
    const h = await hostLiveState(client, opts.host);
    if (h.maintenance)
      throw new PreconditionFailed(client.vcenter, `host ${h.name} (${h.id}) is in maintenance mode`);
  }
  const res = await client.call(
    'PowerOnVM_Task',
    vmRef(vm),
    opts.host ? refEl('host', hostRef(opts.host)) : '',
  );
  const task = moRef(child(res, 'returnval')!);
  await opts.onTask?.(task.value);
  const out = await waitForTask(client, task, { timeoutMs: opts.timeoutMs, method: 'PowerOnVM_Task' });
  return { ...out, action: 'PowerOnVM_Task', target: vm };
}

export async function enterMaintenance(
  client: VimClient,
  host: string,
  opts: {
    timeoutSeconds?: number;
    evacuatePoweredOffVms?: boolean;
    taskTimeoutMs?: number;
    onTask?: TaskStartedHook;
  } = {},
): Promise<ActionResult> {
  const h = await hostLiveState(client, host);
  if (h.maintenance)
    throw new PreconditionFailed(client.vcenter, `host ${h.name} (${host}) is already in maintenance mode`);
  if (h.connectionState !== 'connected')
    throw new PreconditionFailed(client.vcenter, `host ${h.name} (${host}) is ${h.connectionState}`);
  const res = await client.call(
    'EnterMaintenanceMode_Task',
    hostRef(host),
    textEl('timeout', opts.timeoutSeconds ?? 0) +
      textEl('evacuatePoweredOffVms', opts.evacuatePoweredOffVms ?? false),
  );
  const task = moRef(child(res, 'returnval')!);
  await opts.onTask?.(task.value);
  const out = await waitForTask(client, task, {
    timeoutMs: opts.taskTimeoutMs,
    method: 'EnterMaintenanceMode_Task',
  });
  return { ...out, action: 'EnterMaintenanceMode_Task', target: host };
}

export async function exitMaintenance(
  client: VimClient,
  host: string,
  opts: { timeoutSeconds?: number; taskTimeoutMs?: number; onTask?: TaskStartedHook } = {},
): Promise<ActionResult> {
  const h = await hostLiveState(client, host);
  if (!h.maintenance)
    throw new PreconditionFailed(client.vcenter, `host ${h.name} (${host}) is not in maintenance mode`);
  const res = await client.call(
    'ExitMaintenanceMode_Task',
    hostRef(host),
    textEl('timeout', opts.timeoutSeconds ?? 0),
  );
  const task = moRef(child(res, 'returnval')!);
  await opts.onTask?.(task.value);
  const out = await waitForTask(client, task, {
    timeoutMs: opts.taskTimeoutMs,
    method: 'ExitMaintenanceMode_Task',
  });
  return { ...out, action: 'ExitMaintenanceMode_Task', target: host };
}
