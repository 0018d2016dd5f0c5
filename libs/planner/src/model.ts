import { createHash } from 'node:crypto';
import type { Component, Host, Layer, Limits, Scenario } from '@app/domain';
import { layerRank } from '@app/domain';

/**
 * The planner's documented model: the definitions the planner plans by and the rule checker checks by.
 * Every constant here is described in docs/planner.md; change both together.
 */

/** Safety margin taken off a UPS runtime: 60 s plus 10 % of the runtime (rounded up). */
export function safetyMarginSeconds(runtimeSeconds: number): number {
  return Math.ceil(60 + 0.1 * runtimeSeconds);
}
/** Planning horizon for events that report no runtime (and no UPS is on battery). */
export const HORIZON_SECONDS = 1800;

/** vMotion: memory over the per-host NIC bandwidth plus this fixed overhead (pre-copy setup, switch-over). */
export const VMOTION_OVERHEAD_S = 10;
/** Storage vMotion: disk size over the per-stream copy rate plus this fixed overhead. */
export const SVMOTION_OVERHEAD_S = 10;
/** Disk footprint assumed when a component gives no `diskGb`. */
export const DEFAULT_DISK_GB = 50;
export const GUEST_SHUTDOWN_S = 60;
export const POWEROFF_S = 5;
export const POWERON_S = 30;
export const MAINTENANCE_S = 30;
export const EXIT_MAINTENANCE_S = 60;

export const MOVE_KINDS = new Set(['vmotion', 'svmotion', 'xvmotion']);

export function vmotionSeconds(memMb: number, limits: Limits): number {
  return Math.ceil((memMb * 8) / (limits.vmotionGbps * 1000) + VMOTION_OVERHEAD_S);
}
export function svmotionSeconds(diskGb: number, limits: Limits): number {
  return Math.ceil((diskGb * 1024) / limits.svmotionMBps + SVMOTION_OVERHEAD_S);
}
/** xvmotion copies the disks, then the memory; one fixed overhead. */
export function xvmotionSeconds(memMb: number, diskGb: number, limits: Limits): number {
  return Math.ceil(
    (memMb * 8) / (limits.vmotionGbps * 1000) + (diskGb * 1024) / limits.svmotionMBps + VMOTION_OVERHEAD_S,
  );
}

/** Duration of an action of the given kind on component `c` (undefined component for host actions). */
export function actionSeconds(kind: string, c: Component | undefined, limits: Limits, mode?: string): number {
  switch (kind) {
    case 'vmotion':
      return vmotionSeconds(c!.memMb, limits);
    case 'svmotion':
      return svmotionSeconds(c!.diskGb ?? DEFAULT_DISK_GB, limits);
    case 'xvmotion':
      return xvmotionSeconds(c!.memMb, c!.diskGb ?? DEFAULT_DISK_GB, limits);
    case 'shutdown':
      return mode === 'poweroff' ? POWEROFF_S : GUEST_SHUTDOWN_S;
    case 'poweron':
      return POWERON_S;
    case 'maintenance':
      return MAINTENANCE_S;
    case 'exit-maintenance':
      return EXIT_MAINTENANCE_S;
    default:
      return 0;
  }
}

/** JSON with object keys sorted at every level; arrays keep their order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value))
    return '[' + value.map((v) => canonicalJson(v === undefined ? null : v)).join(',') + ']';
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return '{' + keys.map((k) => JSON.stringify(k) + ':' + canonicalJson(obj[k])).join(',') + '}';
}

/** Same bytes as canonicalJson, built by the native serializer (a key-sorting replacer). */
export function canonicalJsonFast(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const o = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(o).sort()) out[k] = o[k];
    return out;
  });
}

/**
 * sha256 of canonicalJson(s), computed in one pass: the canonical bytes are streamed into the hash in 64 KiB
 * chunks (no intermediate key-sorted copies of the objects). Sorted key orders, with their quoted prefixes,
 * are cached per object shape (40k components share a handful of shapes).
 */
export function scenarioHash(s: Scenario): string {
  const hash = createHash('sha256');
  interface Shape {
    own: string[];
    keys: string[];
    prefix: string[];
  }
  const shapes = new Map<string, Shape>();
  let last: Shape | undefined;
  let buf = '';
  const flush = (): void => {
    hash.update(buf);
    buf = '';
  };
  const write = (v: unknown): void => {
    if (v === null || typeof v !== 'object') {
      buf += typeof v === 'string' ? JSON.stringify(v) : (JSON.stringify(v) ?? 'null');
      return;
    }
    if (Array.isArray(v)) {
      buf += '[';
      for (let k = 0; k < v.length; k++) {
        if (k > 0) buf += ',';
        const x: unknown = v[k];
        write(x === undefined ? null : x);
      }
      buf += ']';
      if (buf.length > 65536) flush();
      return;
    }
    const o = v as Record<string, unknown>;
    const own = Object.keys(o);
    const same = (sh: Shape | undefined): sh is Shape => {
      if (!sh || sh.own.length !== own.length) return false;
      for (let q = 0; q < own.length; q++) if (sh.own[q] !== own[q]) return false;
      return true;
    };
    // consecutive objects usually share a shape: try the last one before the keyed lookup
    let shape = same(last) ? last : undefined;
    if (!shape) {
      const sig = own.join('\u0000');
      shape = shapes.get(sig);
      if (!same(shape)) {
        const keys = own.slice().sort();
        const fresh = { own, keys, prefix: keys.map((k) => JSON.stringify(k) + ':') };
        if (!shape) shapes.set(sig, fresh);
        shape = fresh;
      }
      last = shape;
    }
    // flat object (values are primitives or arrays of primitives): the native serializer with the sorted key
    // list as its allowlist gives the same bytes in one call
    let flat = true;
    for (let k = 0; k < own.length && flat; k++) {
      const x = o[own[k]];
      if (x === null || typeof x !== 'object') continue;
      if (!Array.isArray(x)) flat = false;
      else for (let q = 0; q < x.length; q++) if (x[q] !== null && typeof x[q] === 'object') flat = false;
    }
    if (flat) {
      buf += JSON.stringify(o, shape.keys);
      if (buf.length > 65536) flush();
      return;
    }
    buf += '{';
    let first = true;
    for (let k = 0; k < shape.keys.length; k++) {
      const x = o[shape.keys[k]];
      if (x === undefined) continue;
      if (!first) buf += ',';
      first = false;
      buf += shape.prefix[k];
      write(x);
    }
    buf += '}';
  };
  write(s);
  flush();
  return hash.digest('hex');
}

/** Demand the planner plans with: the forecast for forecast_shortage events, current demand otherwise. */
export function demandOf(s: Scenario, c: Component): { cpuMhz: number; memMb: number } {
  if (s.event.type === 'forecast_shortage' && s.forecast) {
    const f = s.forecast.demand[c.id];
    if (f) return f;
  }
  return { cpuMhz: c.cpuMhz, memMb: c.memMb };
}

/**
 * Which power is alive at the deadline, which hosts can take load, and the deadline itself.
 * - A UPS is dead at the deadline when it is on battery, or is the target of a ups_on_battery/ups_low_battery
 *   event; the target of power_restored (a UPS, or a PDU's UPS) is alive whatever its flag says.
 * - A PDU is live when its UPS is. A host has a live feed when one of its PDUs is live.
 * - The host of a host_failure is failed; the hosts named by a maintenance event (a host or a whole cluster)
 *   are leaving: both count as having no live feed at the deadline, and so does a host that is in maintenance
 *   and stays there (components found on it must leave).
 * - Deadline: the smallest (runtime - margin) over dead UPSes, using the event's runtimeSeconds for the
 *   event's target; HORIZON_SECONDS when no UPS is dead.
 */
export interface Liveness {
  upsLive: Map<string, boolean>;
  pduLive: Map<string, boolean>;
  /** host id -> live PDU ids (sorted as in the host's list). */
  liveFeeds: Map<string, string[]>;
  failed: Set<string>;
  leaving: Set<string>;
  /** Hosts in maintenance that the plan takes out of maintenance (power_restored). */
  exiting: Set<string>;
  deadlineSeconds: number;
  /** host id -> alive at the deadline: a live feed, not failed, not leaving. */
  alive: Map<string, boolean>;
  /** host id -> may receive components: alive, connected, and not in maintenance (or exiting it). */
  usable: Map<string, boolean>;
  hostById: Map<string, Host>;
}

export function liveness(s: Scenario): Liveness {
  const ev = s.event;
  const upsOfPdu = new Map(s.power.pdus.map((p) => [p.id, p.ups]));
  const restoredUps =
    ev.type === 'power_restored'
      ? s.power.ups.some((u) => u.id === ev.target)
        ? ev.target
        : upsOfPdu.get(ev.target)
      : undefined;
  const upsLive = new Map<string, boolean>();
  let deadline = Infinity;
  for (const u of s.power.ups) {
    const isTarget = (ev.type === 'ups_on_battery' || ev.type === 'ups_low_battery') && ev.target === u.id;
    const dead = u.id !== restoredUps && (u.onBattery || isTarget);
    upsLive.set(u.id, !dead);
    if (dead) {
      const runtime = isTarget && ev.runtimeSeconds !== undefined ? ev.runtimeSeconds : u.runtimeSeconds;
      deadline = Math.min(deadline, Math.max(0, runtime - safetyMarginSeconds(runtime)));
    }
  }
  if (deadline === Infinity) deadline = HORIZON_SECONDS;
  const pduLive = new Map(s.power.pdus.map((p) => [p.id, upsLive.get(p.ups) === true]));
  const failed = new Set<string>(ev.type === 'host_failure' ? [ev.target] : []);
  const leaving = new Set<string>();
  if (ev.type === 'maintenance')
    for (const h of s.hosts) if (h.id === ev.target || h.cluster === ev.target) leaving.add(h.id);
  const liveFeeds = new Map<string, string[]>();
  const alive = new Map<string, boolean>();
  const usable = new Map<string, boolean>();
  const exiting = new Set<string>();
  for (const h of s.hosts) {
    const feeds = h.pdus.filter((p) => pduLive.get(p) === true);
    liveFeeds.set(h.id, feeds);
    const fed = feeds.length > 0 && !failed.has(h.id) && !leaving.has(h.id);
    // power_restored: hosts in maintenance with a live feed come back (exit-maintenance).
    if (ev.type === 'power_restored' && h.maintenance && h.connected && fed) exiting.add(h.id);
    // a host staying in maintenance is no place to run either
    const a = fed && (!h.maintenance || exiting.has(h.id));
    alive.set(h.id, a);
    usable.set(h.id, a && h.connected);
  }
  const hostById = new Map(s.hosts.map((h) => [h.id, h]));
  return {
    upsLive,
    pduLive,
    liveFeeds,
    failed,
    leaving,
    exiting,
    deadlineSeconds: deadline,
    alive,
    usable,
    hostById,
  };
}

/**
 * Components the event puts in scope as "down" at the start: the failed host's running components
 * (host_failure) or every component with poweredOn:false (power_restored). Components with poweredOn:false
 * in other events are out of scope: never acted on and not counted.
 */
export function initialState(s: Scenario, c: Component): 'running' | 'down' | 'ignored' {
  if (s.event.type === 'power_restored') return c.poweredOn === false ? 'down' : 'running';
  if (c.poweredOn === false) return 'ignored';
  if (s.event.type === 'host_failure' && c.host === s.event.target) return 'down';
  return 'running';
}

/** Shutdown policy, default guest. */
export function policyOf(c: Component): 'guest' | 'poweroff' | 'never' {
  return c.shutdown ?? 'guest';
}

/**
 * Dependency analysis shared by the planner and the checker.
 * - `order`: component indices, dependencies before dependents (Kahn); members of a cycle (and what depends
 *   on them) come last and are flagged `blocked`: no order exists for their shutdown or power-on.
 * - `effRank`: the most valuable layer rank among the component and everything in scope (running, or down
 *   and due a power-on) that (transitively) depends on it: a dependency is served at the layer of its most
 *   valuable dependent.
 * - `sheddable`: policy is not `never`, not blocked, and every running dependent is sheddable (dependents
 *   stop first).
 * - `level`: 0 without dependencies, else 1 + the largest level of its dependencies.
 */
export interface DependencyInfo {
  deps: number[][];
  dependents: number[][];
  order: number[];
  blocked: Uint8Array;
  effRank: Uint8Array;
  sheddable: Uint8Array;
  level: Uint32Array;
}

/** A running component the plan cannot act on: its host is disconnected from vCenter. */
export function fixedOn(s: Scenario, live: Liveness, i: number): boolean {
  const c = s.components[i];
  const host = live.hostById.get(c.host);
  if (!host) return false;
  return !host.connected;
}

export function dependencyInfo(
  s: Scenario,
  running: (i: number) => boolean,
  fixed: (i: number) => boolean = () => false,
  inScope: (i: number) => boolean = running,
): DependencyInfo {
  const n = s.components.length;
  // Most components have no dependencies: they share one frozen empty list (read-only for every caller).
  const NONE = Object.freeze([]) as unknown as number[];
  // index only the ids that something depends on (a few thousand of 40k); a duplicate id maps to its last
  // occurrence, as a full id map would
  const index = new Map<string, number>();
  for (let i = 0; i < n; i++) for (const d of s.components[i].dependsOn ?? []) index.set(d, -1);
  if (index.size)
    for (let k = 0; k < n; k++) {
      const id = s.components[k].id;
      if (index.has(id)) index.set(id, k);
    }
  const deps: number[][] = new Array<number[]>(n).fill(NONE);
  const dependents: number[][] = new Array<number[]>(n).fill(NONE);
  const indeg = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const on = s.components[i].dependsOn;
    if (!on || on.length === 0) continue;
    const list: number[] = [];
    for (const d of on) {
      const j = index.get(d)!;
      if (j < 0 || j === i || list.includes(j)) continue;
      list.push(j);
      if (dependents[j] === NONE) dependents[j] = [i];
      else dependents[j].push(i);
    }
    if (list.length) deps[i] = list;
    indeg[i] = list.length;
  }
  const order: number[] = [];
  for (let i = 0; i < n; i++) if (indeg[i] === 0) order.push(i);
  for (let k = 0; k < order.length; k++) {
    for (const t of dependents[order[k]]) if (--indeg[t] === 0) order.push(t);
  }
  const blocked = new Uint8Array(n);
  if (order.length < n)
    for (let i = 0; i < n; i++)
      if (indeg[i] > 0) {
        blocked[i] = 1;
        order.push(i);
      }
  const level = new Uint32Array(n);
  for (const i of order) {
    if (blocked[i]) continue;
    let l = 0;
    for (const j of deps[i]) l = Math.max(l, level[j] + 1);
    level[i] = l;
  }
  const effRank = new Uint8Array(n);
  const sheddable = new Uint8Array(n);
  for (let k = n - 1; k >= 0; k--) {
    const i = order[k];
    const c = s.components[i];
    let r = layerRank(c.layer);
    let shed = policyOf(c) !== 'never' && !blocked[i] && !(running(i) && fixed(i));
    for (const t of dependents[i]) {
      if (inScope(t) && !blocked[t]) r = Math.min(r, effRank[t]);
      if (running(t) && !sheddable[t]) shed = false;
    }
    // Blocked members get their own rank (their cycle has no order to inherit through).
    effRank[i] = r;
    sheddable[i] = shed ? 1 : 0;
  }
  return { deps, dependents, order, blocked, effRank, sheddable, level };
}

export function layerOfRank(r: number): Layer {
  return (['critical', 'high', 'medium', 'low'] as const)[r];
}

/** Watts a host draws at the given CPU demand (rule 9), before the split over its live feeds. */
export function hostWatts(powerIdleW: number, powerPeakW: number, cpuDemand: number, cpuMhz: number): number {
  return powerIdleW + ((powerPeakW - powerIdleW) * cpuDemand) / cpuMhz;
}

/** Whether a move kind may be used for a layer rank: storage migrations (xvmotion) only for critical and high. */
export const XVMOTION_MAX_RANK = 1;
