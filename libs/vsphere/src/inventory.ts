import type { Component, Host, Layer } from '@app/domain';
import { DEFAULT_LAYER } from '@app/domain';
import type { VimClient } from './client';
import {
  cancelWaitForUpdates,
  createContainerView,
  createFilter,
  createPropertyCollector,
  destroyPropertyCollector,
  destroyView,
  retrieve,
  waitForUpdatesEx,
  type FilterSpec,
  type ObjectContent,
  type ObjectUpdate,
} from './property-collector';
import {
  NotAuthenticatedFault,
  ManagedObjectNotFoundFault,
  VimFault,
  VsphereConnectionError,
} from './errors';
import { asArray, bool, isMoRef, num, type MoRef, str } from './xml';

export type AttestationStatus = 'accepted' | 'notAccepted' | 'unknown';

export interface ClusterInfo {
  id: string;
  name: string;
}

export interface HostInfo {
  id: string;
  name: string;
  /** Cluster id, or '' for a standalone host. */
  cluster: string;
  cpuMhz: number;
  cpuCores: number;
  /** cpuMhz is the whole host: cores x per-core MHz. */
  coreMhz: number;
  memMb: number;
  connectionState: string;
  connected: boolean;
  maintenance: boolean;
  datastores: string[];
  networks: string[];
  /** From HostSystem.summary.tpmAttestation.status (HostListSummary) (vSphere 6.7+); 'unknown' when the host does not report it. */
  attestation: AttestationStatus;
  attested: boolean;
}

export interface VmInfo {
  id: string;
  name: string;
  host: string;
  datastores: string[];
  networks: string[];
  memMb: number;
  numCpu: number;
  powerState: string;
  poweredOn: boolean;
  template: boolean;
}

export interface DatastoreInfo {
  id: string;
  name: string;
  capacityBytes: number;
  freeBytes: number;
  accessible: boolean;
  type: string;
}

export interface NetworkInfo {
  id: string;
  name: string;
}

export interface InventorySnapshot {
  /** vCenter instanceUuid: ids are only unique within one vCenter. */
  vcenter: string;
  /** The WaitForUpdatesEx version this snapshot is consistent with. */
  version: string;
  takenAt: string;
  clusters: ClusterInfo[];
  hosts: HostInfo[];
  vms: VmInfo[];
  datastores: DatastoreInfo[];
  networks: NetworkInfo[];
}

export type InventoryKind = 'cluster' | 'host' | 'vm' | 'datastore' | 'network';

/** One object entering, changing or leaving, already mapped to its domain shape (full object after the change). */
export type InventoryChange =
  | { op: 'upsert'; kind: 'cluster'; item: ClusterInfo }
  | { op: 'upsert'; kind: 'host'; item: HostInfo }
  | { op: 'upsert'; kind: 'vm'; item: VmInfo }
  | { op: 'upsert'; kind: 'datastore'; item: DatastoreInfo }
  | { op: 'upsert'; kind: 'network'; item: NetworkInfo }
  | { op: 'remove'; kind: InventoryKind; id: string };

export interface InventoryDelta {
  vcenter: string;
  version: string;
  changes: InventoryChange[];
  /** true when the watcher had to reload everything (new session, lost filter): treat as a fresh snapshot. */
  reset: boolean;
  observedAt: string;
}

/** The property paths we read, by managed object type. Kept narrow so WaitForUpdatesEx only wakes us for these. */
export const INVENTORY_PROPERTIES: Record<string, string[]> = {
  ClusterComputeResource: ['name'],
  HostSystem: [
    'name',
    'parent',
    'summary.hardware.cpuMhz',
    'summary.hardware.numCpuCores',
    'summary.hardware.memorySize',
    'runtime.connectionState',
    'runtime.inMaintenanceMode',
    'summary.tpmAttestation',
    'datastore',
    'network',
  ],
  VirtualMachine: [
    'name',
    'runtime.host',
    'runtime.powerState',
    'config.hardware.memoryMB',
    'config.hardware.numCPU',
    'config.template',
    'datastore',
    'network',
  ],
  Datastore: ['name', 'summary.capacity', 'summary.freeSpace', 'summary.accessible', 'summary.type'],
  Network: ['name'],
  DistributedVirtualPortgroup: ['name'],
};

const KIND_OF: Record<string, InventoryKind> = {
  ClusterComputeResource: 'cluster',
  HostSystem: 'host',
  VirtualMachine: 'vm',
  Datastore: 'datastore',
  Network: 'network',
  DistributedVirtualPortgroup: 'network',
};

function refs(v: unknown): string[] {
  return asArray(v as MoRef | MoRef[] | undefined)
    .filter(isMoRef)
    .map((r) => r.value);
}

function refValue(v: unknown): string {
  return isMoRef(v) ? v.value : '';
}

/** Maps one object's (accumulated) properties to its domain shape. */
export function mapObject(type: string, id: string, p: Record<string, unknown>): InventoryChange | undefined {
  switch (KIND_OF[type]) {
    case 'cluster':
      return { op: 'upsert', kind: 'cluster', item: { id, name: str(p.name, id) } };
    case 'host': {
      const parent = p.parent;
      const coreMhz = num(p['summary.hardware.cpuMhz']) ?? 0;
      const cores = num(p['summary.hardware.numCpuCores']) ?? 0;
      const conn = str(p['runtime.connectionState'], 'unknown');
      const tpm = p['summary.tpmAttestation'] as { status?: unknown } | undefined;
      const status = tpm?.status === 'accepted' || tpm?.status === 'notAccepted' ? tpm.status : 'unknown';
      return {
        op: 'upsert',
        kind: 'host',
        item: {
          id,
          name: str(p.name, id),
          cluster: isMoRef(parent) && parent.type === 'ClusterComputeResource' ? parent.value : '',
          coreMhz,
          cpuCores: cores,
          cpuMhz: coreMhz * cores,
          memMb: Math.floor((num(p['summary.hardware.memorySize']) ?? 0) / (1024 * 1024)),
          connectionState: conn,
          connected: conn === 'connected',
          maintenance: bool(p['runtime.inMaintenanceMode']) ?? false,
          datastores: refs(p.datastore),
          networks: refs(p.network),
          attestation: status,
          attested: status === 'accepted',
        },
      };
    }
    case 'vm': {
      const ps = str(p['runtime.powerState'], 'unknown');
      return {
        op: 'upsert',
        kind: 'vm',
        item: {
          id,
          name: str(p.name, id),
          host: refValue(p['runtime.host']),
          datastores: refs(p.datastore),
          networks: refs(p.network),
          memMb: num(p['config.hardware.memoryMB']) ?? 0,
          numCpu: num(p['config.hardware.numCPU']) ?? 0,
          powerState: ps,
          poweredOn: ps === 'poweredOn',
          template: bool(p['config.template']) ?? false,
        },
      };
    }
    case 'datastore':
      return {
        op: 'upsert',
        kind: 'datastore',
        item: {
          id,
          name: str(p.name, id),
          capacityBytes: num(p['summary.capacity']) ?? 0,
          freeBytes: num(p['summary.freeSpace']) ?? 0,
          accessible: bool(p['summary.accessible']) ?? false,
          type: str(p['summary.type'], ''),
        },
      };
    case 'network':
      return { op: 'upsert', kind: 'network', item: { id, name: str(p.name, id) } };
    case undefined:
      return undefined;
  }
}

function inventorySpec(view: MoRef): FilterSpec {
  return {
    propSet: Object.entries(INVENTORY_PROPERTIES).map(([type, pathSet]) => ({ type, pathSet })),
    objectSet: [{ obj: view, viaContainerView: true }],
  };
}

export function emptySnapshot(vcenter: string): InventorySnapshot {
  return {
    vcenter,
    version: '',
    takenAt: new Date().toISOString(),
    clusters: [],
    hosts: [],
    vms: [],
    datastores: [],
    networks: [],
  };
}

/** Applies changes to a snapshot in place (keyed by id). */
export function applyChanges(snap: InventorySnapshot, changes: InventoryChange[]): void {
  const lists: Record<InventoryKind, { id: string }[]> = {
    cluster: snap.clusters,
    host: snap.hosts,
    vm: snap.vms,
    datastore: snap.datastores,
    network: snap.networks,
  };
  const index = new Map<string, Map<string, number>>();
  const idx = (k: InventoryKind) => {
    let m = index.get(k);
    if (!m) {
      m = new Map(lists[k].map((x, i) => [x.id, i]));
      index.set(k, m);
    }
    return m;
  };
  for (const c of changes) {
    const list = lists[c.kind];
    const m = idx(c.kind);
    if (c.op === 'upsert') {
      const i = m.get(c.item.id);
      if (i === undefined) {
        m.set(c.item.id, list.length);
        list.push(c.item);
      } else list[i] = c.item;
    } else {
      const i = m.get(c.id);
      if (i !== undefined) {
        list.splice(i, 1);
        index.delete(c.kind);
      }
    }
  }
}

function snapshotFrom(vcenter: string, version: string, objects: ObjectContent[]): InventorySnapshot {
  const snap = emptySnapshot(vcenter);
  snap.version = version;
  const changes: InventoryChange[] = [];
  for (const o of objects) {
    const c = mapObject(o.obj.type, o.obj.value, o.props);
    if (c) changes.push(c);
  }
  applyChanges(snap, changes);
  return snap;
}

/**
 * One full read: a ContainerView over the root folder, then two RetrievePropertiesEx at once (VMs, and everything
 * else), each paged with the token. Without `maxObjects` the server picks the page size (vcsim: everything at once;
 * vCenter: its own cap); a small page multiplies round trips, and vcsim re-walks the whole view for every page.
 * Running the two reads concurrently overlaps parsing one answer with waiting for the other.
 */
export async function readInventory(
  client: VimClient,
  opts: { maxObjects?: number } = {},
): Promise<InventorySnapshot> {
  const view = await createContainerView(client, Object.keys(INVENTORY_PROPERTIES));
  try {
    const spec = inventorySpec(view);
    const vmSpec = { ...spec, propSet: spec.propSet.filter((p) => p.type === 'VirtualMachine') };
    const restSpec = { ...spec, propSet: spec.propSet.filter((p) => p.type !== 'VirtualMachine') };
    const [vms, rest] = await Promise.all([
      retrieve(client, vmSpec, { maxObjects: opts.maxObjects }),
      retrieve(client, restSpec, { maxObjects: opts.maxObjects }),
    ]);
    return snapshotFrom(client.serviceContent.about.instanceUuid, '', [...rest, ...vms]);
  } finally {
    await destroyView(client, view).catch(() => undefined);
  }
}

/** Layer per VM id, as read from tags (see tags.ts); VMs not in the map are Medium and untagged. */
export type LayerMap = ReadonlyMap<string, Layer>;

/** The planner's view of the inventory: domain Hosts and Components (VMs; templates left out). */
export function toDomain(
  snap: InventorySnapshot,
  layers: LayerMap = new Map(),
  power: { pdus?: (host: HostInfo) => string[]; idleW?: number; peakW?: number } = {},
): { hosts: Host[]; components: Component[]; untagged: string[] } {
  const netName = new Map(snap.networks.map((n) => [n.id, n.name]));
  const hostById = new Map(snap.hosts.map((h) => [h.id, h]));
  const hosts: Host[] = snap.hosts.map((h) => ({
    id: h.id,
    cluster: h.cluster,
    cpuMhz: h.cpuMhz,
    memMb: h.memMb,
    pdus: power.pdus?.(h) ?? [],
    datastores: h.datastores,
    networks: h.networks.map((n) => netName.get(n) ?? n),
    powerIdleW: power.idleW ?? 0,
    powerPeakW: power.peakW ?? 0,
    attested: h.attested,
    maintenance: h.maintenance,
    connected: h.connected,
  }));
  const untagged: string[] = [];
  const components: Component[] = [];
  for (const vm of snap.vms) {
    if (vm.template) continue;
    const layer = layers.get(vm.id);
    if (!layer) untagged.push(vm.id);
    const coreMhz = hostById.get(vm.host)?.coreMhz ?? 0;
    components.push({
      id: vm.id,
      name: vm.name,
      kind: 'vm',
      layer: layer ?? DEFAULT_LAYER,
      host: vm.host,
      cpuMhz: vm.numCpu * coreMhz,
      memMb: vm.memMb,
      datastores: vm.datastores,
      networks: vm.networks.map((n) => netName.get(n) ?? n),
      poweredOn: vm.poweredOn,
    });
  }
  return { hosts, components, untagged };
}

export interface InventoryWatcherOptions {
  /** Seconds one WaitForUpdatesEx may block (a loop turn). */
  maxWaitSeconds?: number;
  /** Back-off after a transient failure (ms), doubled up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
}

/**
 * Incremental inventory: a private PropertyCollector with one filter over a ContainerView. The first
 * WaitForUpdatesEx (version '') delivers the whole inventory (a reset delta); later rounds deliver only changed
 * properties, which are merged into the per-object property cache and emitted as full domain objects.
 *
 * Resume: the version is kept across transient failures (HTTP 503, connection reset, timeouts), so the loop resumes
 * where it stopped without a reload. Filters are session objects: when the session had to be renewed, or vCenter says
 * the collector/filter is gone, the watcher rebuilds them and emits a reset delta (a full reload).
 */
export class InventoryWatcher {
  private collector: MoRef | undefined;
  private view: MoRef | undefined;
  private generation = -1;
  private version = '';
  private readonly props = new Map<string, { type: string; p: Record<string, unknown> }>();
  private stopped = false;
  private running: Promise<void> | undefined;
  readonly snapshot: InventorySnapshot;
  /** Reloads done (1 = only the initial load). */
  reloads = 0;

  constructor(
    private readonly client: VimClient,
    private readonly opts: InventoryWatcherOptions = {},
  ) {
    this.snapshot = emptySnapshot(client.serviceContent.about.instanceUuid);
  }

  get currentVersion(): string {
    return this.version;
  }

  /** Runs one round: sets up if needed, waits for changes (or maxWaitSeconds), returns the delta or undefined. */
  async next(): Promise<InventoryDelta | undefined> {
    let reset = false;
    if (!this.collector || this.generation !== this.client.generation) {
      await this.setup();
      reset = true;
    }
    const wait = reset ? 0 : (this.opts.maxWaitSeconds ?? 30);
    let set;
    try {
      set = await waitForUpdatesEx(this.client, this.collector!, this.version, { maxWaitSeconds: wait });
    } catch (e) {
      if (
        e instanceof ManagedObjectNotFoundFault ||
        (e instanceof VimFault &&
          (e.faultType === 'InvalidCollectorVersion' || e.faultType === 'RequestCanceled'))
      ) {
        this.collector = undefined; // rebuild next round
      }
      throw e;
    }
    // The session was renewed during the call (re-login): our collector belonged to the old session.
    if (this.generation !== this.client.generation) {
      this.collector = undefined;
      return this.next();
    }
    if (!set) {
      return reset ? this.emit([], true) : undefined;
    }
    this.version = set.version;
    const changes: InventoryChange[] = [];
    for (const fs of set.filterSet) for (const u of fs.objectSet) this.merge(u, changes);
    if (!reset && changes.length === 0) return undefined;
    return this.emit(changes, reset);
  }

  private emit(changes: InventoryChange[], reset: boolean): InventoryDelta {
    if (reset) {
      const keep = changes;
      for (const k of ['clusters', 'hosts', 'vms', 'datastores', 'networks'] as const)
        this.snapshot[k].length = 0;
      applyChanges(this.snapshot, keep);
    } else applyChanges(this.snapshot, changes);
    this.snapshot.version = this.version;
    this.snapshot.takenAt = new Date().toISOString();
    return {
      vcenter: this.snapshot.vcenter,
      version: this.version,
      changes,
      reset,
      observedAt: this.snapshot.takenAt,
    };
  }

  private merge(u: ObjectUpdate, out: InventoryChange[]): void {
    const key = `${u.obj.type}:${u.obj.value}`;
    if (u.kind === 'leave') {
      this.props.delete(key);
      const kind = KIND_OF[u.obj.type];
      if (kind) out.push({ op: 'remove', kind, id: u.obj.value });
      return;
    }
    let entry = this.props.get(key);
    if (!entry || u.kind === 'enter') {
      entry = { type: u.obj.type, p: {} };
      this.props.set(key, entry);
    }
    for (const c of u.changeSet) {
      if (c.op === 'remove' || c.op === 'indirectRemove') delete entry.p[c.name];
      else entry.p[c.name] = c.val;
      // A change to a parent path (e.g. 'runtime') replaces its sub-paths we track.
      if (c.val && typeof c.val === 'object' && !Array.isArray(c.val) && !isMoRef(c.val)) {
        for (const [k, v] of Object.entries(c.val as Record<string, unknown>)) entry.p[`${c.name}.${k}`] = v;
      }
    }
    const mapped = mapObject(u.obj.type, u.obj.value, entry.p);
    if (mapped) out.push(mapped);
  }

  private async setup(): Promise<void> {
    const old = this.collector;
    this.collector = undefined;
    if (old && this.generation === this.client.generation) {
      await destroyPropertyCollector(this.client, old).catch(() => undefined);
    }
    this.generation = this.client.generation;
    this.props.clear();
    this.version = '';
    this.view = await createContainerView(this.client, Object.keys(INVENTORY_PROPERTIES));
    const pc = await createPropertyCollector(this.client);
    await createFilter(this.client, pc, inventorySpec(this.view));
    this.collector = pc;
    this.reloads++;
    this.client.log.info(
      { vcenter: this.client.vcenter, reloads: this.reloads },
      'inventory watch (re)created',
    );
  }

  /** Loops next() until stop(), calling onDelta for every delta; transient errors back off and resume. */
  start(onDelta: (d: InventoryDelta) => Promise<void> | void, onError?: (e: unknown) => void): void {
    if (this.running) return;
    this.stopped = false;
    this.running = (async () => {
      let backoff = this.opts.backoffMs ?? 250;
      while (!this.stopped) {
        try {
          const d = await this.next();
          backoff = this.opts.backoffMs ?? 250;
          if (d && !this.stopped) await onDelta(d);
        } catch (e) {
          if (this.stopped) break;
          onError?.(e);
          this.client.log.warn(
            { vcenter: this.client.vcenter, err: (e as Error).message, backoffMs: backoff },
            'inventory watch error; resuming',
          );
          if (e instanceof NotAuthenticatedFault) this.collector = undefined;
          else if (!(e instanceof VsphereConnectionError) && !(e instanceof VimFault))
            this.collector = undefined;
          await new Promise((r) => setTimeout(r, backoff));
          backoff = Math.min(backoff * 2, this.opts.maxBackoffMs ?? 10_000);
        }
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.collector && this.generation === this.client.generation) {
      await cancelWaitForUpdates(this.client, this.collector).catch(() => undefined);
    }
    await this.running;
    this.running = undefined;
    if (this.collector && this.generation === this.client.generation) {
      await destroyPropertyCollector(this.client, this.collector).catch(() => undefined);
      if (this.view) await destroyView(this.client, this.view).catch(() => undefined);
    }
    this.collector = undefined;
  }
}
