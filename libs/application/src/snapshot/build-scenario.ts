import type { Component, Forecast, Host, Scenario, ScenarioEvent, ShutdownPolicy } from '@app/domain';
import { DEFAULT_LIMITS, isLayer } from '@app/domain';
import type { ComponentEntity, HostEntity, HostFeedEntity, PduEntity, UpsEntity } from '@app/persistence';

export interface InventorySnapshot {
  hosts: HostEntity[];
  components: ComponentEntity[];
  ups: UpsEntity[];
  pdus: PduEntity[];
  feeds: HostFeedEntity[];
}

const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * Turns the stored inventory and topology into the planner's Scenario. Pure, and sorted by id, so the same rows
 * always give the same scenario (and therefore the same plan and the same scenario hash).
 */
export function buildScenario(
  snap: InventorySnapshot,
  event: ScenarioEvent,
  clock: Date,
  forecast?: Forecast,
): Scenario {
  const feedsByHost = new Map<string, string[]>();
  for (const f of snap.feeds) feedsByHost.set(f.hostId, [...(feedsByHost.get(f.hostId) ?? []), f.pduId]);
  const hostIds = new Set(snap.hosts.map((h) => h.id));

  const hosts: Host[] = [...snap.hosts].sort(byId).map((h) => ({
    id: h.id,
    cluster: h.clusterId ?? 'standalone',
    cpuMhz: h.cpuMhz,
    memMb: h.memMb,
    pdus: [...(feedsByHost.get(h.id) ?? [])].sort(),
    datastores: [...h.datastores].sort(),
    networks: [...h.networks].sort(),
    powerIdleW: h.powerIdleW,
    powerPeakW: h.powerPeakW,
    attested: h.attested,
    maintenance: h.maintenance,
    connected: h.connected,
  }));

  const components: Component[] = [...snap.components]
    .filter((c) => c.hostId !== null && hostIds.has(c.hostId))
    .sort(byId)
    .map((c) => ({
      id: c.id,
      name: c.name,
      kind: c.kind === 'container' || c.kind === 'process' ? c.kind : 'vm',
      layer: isLayer(c.layer) ? c.layer : 'medium',
      host: c.hostId!,
      cpuMhz: c.cpuMhz,
      memMb: c.memMb,
      ...(c.ioMBps !== null ? { ioMBps: c.ioMBps } : {}),
      ...(c.diskGb !== null ? { diskGb: c.diskGb } : {}),
      datastores: [...c.datastores].sort(),
      networks: [...c.networks].sort(),
      sensitive: c.sensitive,
      shutdown: (['guest', 'poweroff', 'never'].includes(c.shutdownPolicy)
        ? c.shutdownPolicy
        : 'guest') as ShutdownPolicy,
      dependsOn: [...c.dependsOn].sort(),
      ...(c.antiAffinity ? { antiAffinity: c.antiAffinity } : {}),
      poweredOn: c.poweredOn,
    }));

  return {
    version: 1,
    clock: clock.toISOString(),
    limits: { ...DEFAULT_LIMITS },
    power: {
      ups: [...snap.ups].sort(byId).map((u) => ({
        id: u.id,
        onBattery: u.onBattery,
        runtimeSeconds: u.runtimeSeconds,
        capacityW: u.capacityW,
      })),
      pdus: [...snap.pdus].sort(byId).map((p) => ({ id: p.id, ups: p.upsId, capacityW: p.capacityW })),
    },
    hosts,
    components,
    ...(forecast ? { forecast } : {}),
    event,
  };
}
