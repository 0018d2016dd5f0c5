import type { Component, EventType, Host, Layer, Scenario, ScenarioEvent } from '@app/domain';
import { DEFAULT_LIMITS, EVENT_TYPES } from '@app/domain';
import { dependencyInfo, fixedOn, hostWatts, initialState, liveness } from './model';

export interface GenOptions {
  seed: number;
  hosts: number;
  vms: number;
  /** Event type; random when omitted. */
  event?: EventType;
  /** Target fill of host CPU/memory (share of capacity) before the event; 0.3-0.85 typical. */
  fill?: number;
  /** PDU/UPS capacity over the pre-event load; below ~1.3 power gets tight after a failover. */
  powerSlack?: number;
  hostsPerCluster?: number;
}

/** mulberry32: small, fast, seedable. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A seeded datacenter plus one event, valid by parseScenario. Clusters of hosts share datastores; hosts have one
 * or two feeds on different UPSes; components are packed to `fill`; PDU/UPS capacities are the pre-event load
 * times `powerSlack`, but never below what cannot be shed (idle draw plus components that may not stop), so a
 * plan that keeps rule 9 always exists.
 */
export function generateScenario(o: GenOptions): Scenario {
  const r = rng(o.seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)];
  const fill = o.fill ?? 0.6;
  const slack = o.powerSlack ?? 1.4;
  const perCluster = o.hostsPerCluster ?? 16;
  const nUps = Math.max(2, Math.min(12, Math.ceil(o.hosts / 32)));
  const pdusPerUps = Math.max(1, Math.min(8, Math.ceil(o.hosts / (nUps * 4))));
  const ups = Array.from({ length: nUps }, (_, u) => ({
    id: `ups-${u}`,
    onBattery: false,
    runtimeSeconds: 1800,
    capacityW: 0,
  }));
  const pdus = ups.flatMap((u) =>
    Array.from({ length: pdusPerUps }, (_, k) => ({ id: `${u.id}-pdu-${k}`, ups: u.id, capacityW: 0 })),
  );
  const nets = ['vm-net', 'db-net', 'dmz-net'];
  const hosts: Host[] = [];
  for (let h = 0; h < o.hosts; h++) {
    const cl = Math.floor(h / perCluster);
    const u1 = Math.floor(r() * nUps);
    const feeds = [`ups-${u1}-pdu-${Math.floor(r() * pdusPerUps)}`];
    if (r() < 0.7)
      feeds.push(`ups-${(u1 + 1 + Math.floor(r() * (nUps - 1))) % nUps}-pdu-${Math.floor(r() * pdusPerUps)}`);
    hosts.push({
      id: `host-${h}`,
      cluster: `c${cl}`,
      cpuMhz: pick([76800, 115200, 153600]),
      memMb: pick([262144, 524288, 786432, 1048576]),
      pdus: feeds,
      datastores: [0, 1, 2].map((d) => `c${cl}-ds-${d}`),
      networks: r() < 0.9 ? nets.slice() : nets.slice(0, 2),
      powerIdleW: 180,
      powerPeakW: 650,
      attested: r() < 0.85,
      maintenance: r() < 0.02,
      connected: r() < 0.98,
    });
  }
  const usedCpu = new Float64Array(o.hosts);
  const usedMem = new Float64Array(o.hosts);
  const comps: Component[] = [];
  const layerOf = (x: number): Layer =>
    x < 0.1 ? 'critical' : x < 0.3 ? 'high' : x < 0.6 ? 'medium' : 'low';
  let aaGroup = 0;
  for (let i = 0; i < o.vms; i++) {
    const layer = layerOf(r());
    const memMb = pick([1024, 2048, 4096, 8192, 16384, 32768, 65536]);
    const cpuMhz = 200 + Math.floor(r() * 9800);
    let h = Math.floor(r() * o.hosts);
    for (let tries = 0; tries < 8; tries++) {
      const host = hosts[h];
      if (
        !host.maintenance &&
        usedCpu[h] + cpuMhz <= host.cpuMhz * fill &&
        usedMem[h] + memMb <= host.memMb * fill
      )
        break;
      h = Math.floor(r() * o.hosts);
    }
    const host = hosts[h];
    usedCpu[h] += cpuMhz;
    usedMem[h] += memMb;
    const c: Component = {
      id: `vm-${i}`,
      name: `vm-${i}`,
      kind: 'vm',
      layer,
      host: host.id,
      cpuMhz,
      memMb,
      ioMBps: Math.floor(r() * 200),
      datastores: [pick(host.datastores)],
      networks: r() < 0.5 ? ['vm-net'] : ['vm-net', 'db-net'],
      sensitive: host.attested && r() < 0.08,
      shutdown: layer === 'critical' && r() < 0.3 ? 'never' : r() < 0.1 ? 'poweroff' : 'guest',
    };
    if (i > 0 && r() < 0.12) c.dependsOn = [`vm-${Math.floor(r() * i)}`];
    if (layer === 'critical' && r() < 0.2) {
      const prev = comps.findLast((x) => x.layer === 'critical' && !x.antiAffinity);
      if (prev) {
        prev.antiAffinity = c.antiAffinity = `aa-${aaGroup++}`;
      }
    }
    if (r() < 0.1) c.diskGb = 20 + Math.floor(r() * 200);
    comps.push(c);
  }
  const type = o.event ?? pick(EVENT_TYPES);
  const event: ScenarioEvent = { type, target: '' };
  const clusters = [...new Set(hosts.map((h) => h.cluster))];
  const hostOf = new Map(hosts.map((h) => [h.id, h]));
  let forecast: Scenario['forecast'];
  switch (type) {
    case 'ups_on_battery':
    case 'ups_low_battery': {
      const u = pick(ups);
      u.onBattery = true;
      u.runtimeSeconds =
        type === 'ups_low_battery' ? 120 + Math.floor(r() * 300) : 300 + Math.floor(r() * 1200);
      event.target = u.id;
      event.runtimeSeconds = u.runtimeSeconds;
      break;
    }
    case 'pdu_overload':
      event.target = pick(pdus).id;
      break;
    case 'host_failure':
      event.target = pick(hosts).id;
      break;
    case 'forecast_shortage': {
      const cl = pick(clusters);
      event.target = cl;
      const demand: Record<string, { cpuMhz: number; memMb: number }> = {};
      for (const c of comps)
        if (hostOf.get(c.host)!.cluster === cl || r() < 0.05)
          demand[c.id] = {
            cpuMhz: Math.round(c.cpuMhz * (1 + r() * 0.8)),
            memMb: Math.round(c.memMb * (1 + r() * 0.3)),
          };
      forecast = { horizonSeconds: 3600, demand };
      break;
    }
    case 'maintenance':
      event.target = r() < 0.5 ? pick(hosts).id : pick(clusters);
      break;
    case 'power_restored': {
      const u = pick(ups);
      event.target = r() < 0.5 ? u.id : pick(pdus.filter((p) => p.ups === u.id)).id;
      for (const h of hosts)
        if (h.pdus.some((p) => p.startsWith(u.id + '-')) && r() < 0.3) h.maintenance = true;
      for (const c of comps) {
        const h = hostOf.get(c.host)!;
        if (h.maintenance || r() < 0.1) c.poweredOn = false;
      }
      break;
    }
  }
  const s: Scenario = {
    version: 1,
    clock: '2026-11-25T03:10:00Z',
    limits: { ...DEFAULT_LIMITS },
    power: { ups, pdus },
    hosts,
    components: comps,
    ...(forecast ? { forecast } : {}),
    event,
  };
  sizePower(s, slack, r, type === 'pdu_overload' ? event.target : undefined);
  return s;
}

/** Capacities: pre-event load x slack (x 0.6 for an overloaded PDU), never below the load nothing can remove. */
function sizePower(s: Scenario, slack: number, r: () => number, overloaded?: string): void {
  const pre = new Map<string, number>();
  const floor = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, w: number): void => void m.set(k, (m.get(k) ?? 0) + w);
  const upsOf = new Map(s.power.pdus.map((p) => [p.id, p.ups]));
  const live = liveness(s);
  const state = s.components.map((c) => initialState(s, c));
  const dep = dependencyInfo(
    s,
    (i) => state[i] === 'running',
    (i) => fixedOn(s, live, i),
    (i) => state[i] !== 'ignored',
  );
  const cpuBy = new Map<string, number>();
  const stuckBy = new Map<string, number>();
  s.components.forEach((c, i) => {
    const d = s.event.type === 'forecast_shortage' ? (s.forecast?.demand[c.id] ?? c) : c;
    if (c.poweredOn !== false) add(cpuBy, c.host, c.cpuMhz);
    // what cannot leave a live host: components that may not stop, and anything on a host we cannot act on
    if (state[i] === 'running' && (!dep.sheddable[i] || fixedOn(s, live, i) || live.leaving.has(c.host)))
      add(stuckBy, c.host, d.cpuMhz);
  });
  for (const h of s.hosts) {
    const w = hostWatts(h.powerIdleW, h.powerPeakW, cpuBy.get(h.id) ?? 0, h.cpuMhz);
    for (const p of h.pdus) add(pre, p, w / h.pdus.length);
    const feeds = live.liveFeeds.get(h.id)!;
    const draws = !live.failed.has(h.id) && (!h.maintenance || live.exiting.has(h.id));
    if (!draws || feeds.length === 0) continue;
    const fw = hostWatts(h.powerIdleW, h.powerPeakW, stuckBy.get(h.id) ?? 0, h.cpuMhz);
    for (const p of feeds) add(floor, p, fw / feeds.length);
  }
  for (const p of s.power.pdus) {
    const want = (pre.get(p.id) ?? 0) * (p.id === overloaded ? 0.6 : slack * (0.85 + 0.3 * r()));
    p.capacityW = Math.ceil(Math.max(want, (floor.get(p.id) ?? 0) * 1.02 + 50));
  }
  for (const u of s.power.ups) {
    let pdSum = 0;
    let fl = 0;
    for (const p of s.power.pdus)
      if (upsOf.get(p.id) === u.id) {
        pdSum += pre.get(p.id) ?? 0;
        fl += floor.get(p.id) ?? 0;
      }
    u.capacityW = Math.ceil(Math.max(pdSum * slack * (0.85 + 0.3 * r()), fl * 1.02 + 100));
  }
}
