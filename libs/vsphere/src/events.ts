import type { PowerEvent } from '@app/domain';
import type { VimClient } from './client';
import { ManagedObjectNotFoundFault, VsphereError } from './errors';
import {
  child,
  decodeValue,
  el,
  isMoRef,
  num,
  refEl,
  textEl,
  type DataObject,
  type MoRef,
  type XNode,
  str,
} from './xml';

/** The vCenter event types we subscribe to (EventFilterSpec.eventTypeId). */
export const WATCHED_EVENT_TYPES = [
  'HostConnectionLostEvent',
  'HostDisconnectedEvent',
  'HostNotRespondingEvent',
  'HostConnectedEvent',
  'HostReconnectionFailedEvent',
  'DasHostFailedEvent',
  'DasHostIsolatedEvent',
  'VmFailoverFailed',
  'VmRestartedOnAlternateHostEvent',
  'VmMigratedEvent',
  'VmRelocatedEvent',
  'DrsVmMigratedEvent',
  'VmPoweredOffEvent',
  'VmPoweredOnEvent',
  'AlarmStatusChangedEvent',
  'EnteredMaintenanceModeEvent',
  'ExitMaintenanceModeEvent',
] as const;

export type VcenterEventKind =
  | 'host_disconnected'
  | 'host_not_responding'
  | 'host_connected'
  | 'ha_failover'
  | 'vm_migrated'
  | 'vm_powered_off'
  | 'vm_powered_on'
  | 'alarm_status'
  | 'maintenance_entered'
  | 'maintenance_exited'
  | 'other';

const KIND: Record<string, VcenterEventKind> = {
  HostConnectionLostEvent: 'host_disconnected',
  HostDisconnectedEvent: 'host_disconnected',
  HostReconnectionFailedEvent: 'host_disconnected',
  HostNotRespondingEvent: 'host_not_responding',
  HostConnectedEvent: 'host_connected',
  DasHostFailedEvent: 'ha_failover',
  DasHostIsolatedEvent: 'ha_failover',
  VmFailoverFailed: 'ha_failover',
  VmRestartedOnAlternateHostEvent: 'ha_failover',
  VmMigratedEvent: 'vm_migrated',
  VmRelocatedEvent: 'vm_migrated',
  DrsVmMigratedEvent: 'vm_migrated',
  VmPoweredOffEvent: 'vm_powered_off',
  VmPoweredOnEvent: 'vm_powered_on',
  AlarmStatusChangedEvent: 'alarm_status',
  EnteredMaintenanceModeEvent: 'maintenance_entered',
  ExitMaintenanceModeEvent: 'maintenance_exited',
};

/** A vCenter event in domain shape. `dedupeKey` (vCenter instance + event key) is what storage makes unique. */
export interface VcenterEvent {
  vcenter: string;
  key: number;
  dedupeKey: string;
  type: string;
  kind: VcenterEventKind;
  createdTime: string;
  message: string;
  userName?: string;
  host?: string;
  hostName?: string;
  vm?: string;
  vmName?: string;
  /** VmMigratedEvent / VmRelocatedEvent: where it came from. */
  sourceHost?: string;
  alarm?: { name?: string; from?: string; to?: string };
  raw: DataObject;
}

function entityArg(v: unknown, field: string): { id?: string; name?: string } {
  const a = v as DataObject | undefined;
  if (!a) return {};
  const ref = a[field];
  return {
    id: isMoRef(ref) ? ref.value : undefined,
    name: a.name !== undefined ? str(a.name) : undefined,
  };
}

export function mapEvent(vcenter: string, e: DataObject): VcenterEvent {
  const type = e._type ?? 'Event';
  const key = num(e.key) ?? -1;
  const host = entityArg(e.host, 'host');
  const vm = entityArg(e.vm, 'vm');
  const out: VcenterEvent = {
    vcenter,
    key,
    dedupeKey: `${vcenter}:${key}`,
    type,
    kind: KIND[type] ?? 'other',
    createdTime: str(e.createdTime, ''),
    message: str(e.fullFormattedMessage, ''),
    userName: e.userName !== undefined ? str(e.userName) : undefined,
    host: host.id,
    hostName: host.name,
    vm: vm.id,
    vmName: vm.name,
    raw: e,
  };
  const src = entityArg(e.sourceHost, 'host');
  if (src.id) out.sourceHost = src.id;
  if (type === 'AlarmStatusChangedEvent') {
    out.alarm = {
      name: entityArg(e.alarm, 'alarm').name,
      from: e.from as string | undefined,
      to: e.to as string | undefined,
    };
  }
  return out;
}

/** The power-relevant vCenter events as PowerEvents (host failures, HA, alarms); undefined for the rest. */
export function toPowerEvent(e: VcenterEvent): PowerEvent | undefined {
  const base = {
    source: 'vcenter-event' as const,
    occurredAt: e.createdTime || new Date().toISOString(),
    detail: `${e.type}: ${e.message}`.trim(),
    raw: { dedupeKey: e.dedupeKey, ...e.raw },
  };
  switch (e.kind) {
    case 'host_disconnected':
    case 'host_not_responding':
      return { ...base, kind: 'host_failure', device: e.host ?? e.hostName ?? 'unknown', deviceKind: 'host' };
    case 'ha_failover':
      return { ...base, kind: 'host_failure', device: e.host ?? e.hostName ?? 'unknown', deviceKind: 'host' };
    case 'host_connected':
      return {
        ...base,
        kind: 'comm_restored',
        device: e.host ?? e.hostName ?? 'unknown',
        deviceKind: 'host',
      };
    case 'alarm_status': {
      const kind = e.alarm?.to === 'green' || e.alarm?.to === 'gray' ? 'alarm_removed' : 'alarm_added';
      return { ...base, kind, device: e.host ?? e.vm ?? 'vcenter', deviceKind: e.host ? 'host' : 'vcenter' };
    }
    case 'maintenance_entered':
      return { ...base, kind: 'maintenance', device: e.host ?? 'unknown', deviceKind: 'host' };
    case 'vm_migrated':
    case 'vm_powered_off':
    case 'vm_powered_on':
    case 'maintenance_exited':
    case 'other':
      return undefined;
  }
}

/**
 * An EventHistoryCollector read incrementally: each poll() returns only events not returned before (ReadNextEvents
 * advances the collector's cursor). The highest key seen is kept, so after a re-created collector (new session) the
 * events already delivered are skipped.
 */
export class EventReader {
  private collector: MoRef | undefined;
  private generation = -1;
  lastKey = -1;
  private readonly since: Date;

  constructor(
    private readonly client: VimClient,
    private readonly opts: {
      types?: readonly string[];
      since?: Date;
      pageSize?: number;
      lastKey?: number;
    } = {},
  ) {
    this.since = opts.since ?? new Date();
    if (opts.lastKey !== undefined) this.lastKey = opts.lastKey;
  }

  private get pageSize(): number {
    return this.opts.pageSize ?? 1000;
  }

  private async create(): Promise<MoRef> {
    const em = this.client.serviceContent.eventManager;
    if (!em) throw new VsphereError(this.client.vcenter, 'this endpoint has no EventManager');
    const types = this.opts.types ?? WATCHED_EVENT_TYPES;
    // EventFilterSpec is an xsd:sequence: time before eventTypeId.
    // maxCount sizes the collector's latestPage (at most 1000).
    const filter =
      el('time', textEl('beginTime', this.since.toISOString())) +
      types.map((t) => textEl('eventTypeId', t)).join('') +
      textEl('maxCount', this.pageSize);
    const res = await this.client.call('CreateCollectorForEvents', em, el('filter', filter));
    const ref = child(res, 'returnval')!;
    this.generation = this.client.generation;
    return { type: ref.attrs.type ?? 'EventHistoryCollector', value: ref.text };
  }

  async poll(): Promise<VcenterEvent[]> {
    if (!this.collector || this.generation !== this.client.generation) this.collector = await this.create();
    const vcenter = this.client.serviceContent.about.instanceUuid || this.client.vcenter;
    const byKey = new Map<number, VcenterEvent>();
    const take = (nodes: XNode[]) => {
      for (const n of nodes) {
        const ev = mapEvent(vcenter, decodeValue(n) as DataObject);
        if (ev.key > this.lastKey) byKey.set(ev.key, ev);
      }
    };
    try {
      // ReadNextEvents moves the collector's cursor forward: on vCenter this sees every new event.
      for (;;) {
        const res = await this.client.call(
          'ReadNextEvents',
          this.collector,
          textEl('maxCount', this.pageSize),
        );
        const batch = res.children.filter((c) => c.name === 'returnval');
        take(batch);
        if (batch.length < this.pageSize) break;
      }
      // latestPage too: vcsim 0.24's cursor stops at the end of its first page, and on vCenter it costs one call.
      const page = await this.client.call(
        'RetrievePropertiesEx',
        this.client.serviceContent.propertyCollector,
        el(
          'specSet',
          el('propSet', textEl('type', 'EventHistoryCollector') + textEl('pathSet', 'latestPage')) +
            el('objectSet', refEl('obj', this.collector)),
        ) + el('options', ''),
      );
      const val = child(child(child(child(page, 'returnval'), 'objects'), 'propSet'), 'val');
      if (val) take(val.children);
    } catch (e) {
      if (e instanceof ManagedObjectNotFoundFault) this.collector = undefined;
      throw e;
    }
    if (this.generation !== this.client.generation) this.collector = undefined; // re-logged in: rebuild next time
    const out = [...byKey.values()].sort((a, b) => a.key - b.key);
    for (const e of out) this.lastKey = Math.max(this.lastKey, e.key);
    return out;
  }

  async close(): Promise<void> {
    if (this.collector && this.generation === this.client.generation) {
      await this.client.call('DestroyCollector', this.collector).catch(() => undefined);
    }
    this.collector = undefined;
  }
}
