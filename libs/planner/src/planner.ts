import type { Component, Layer, Plan, PlanAction, Scenario, Unplaced } from '@app/domain';
import { LAYERS, layerRank } from '@app/domain';
import {
  actionSeconds,
  dependencyInfo,
  fixedOn,
  initialState,
  layerOfRank,
  liveness,
  policyOf,
  scenarioHash,
  XVMOTION_MAX_RANK,
} from './model';
import { schedule, type SchedAction } from './schedule';

export interface PlanOptions {
  /** Clock for `plannerMs` only (never used for any decision); default performance.now. */
  now?: () => number;
}

const EPS = 1e-6;

/** Where a component stands while the planner works. */
/** Where a component stands while the planner works (see docs/planner.md, "Roles"). */
const Role = { Ignored: 0, Fixed: 1, Pinned: 2, Tentative: 3, Evacuee: 4, Down: 5 } as const;

interface Choice {
  host: number;
  xv: boolean;
  capVictims: number[];
  powerVictims: number[];
  waitOn: number[];
  free: boolean;
}

/**
 * Plans relocations, shutdowns and power-ons for one scenario (SCENARIO.md). Pure apart from `plannerMs`.
 * How it works (docs/planner.md): components are taken in order of their effective layer (critical first),
 * dependencies before dependents; each either keeps its place, takes a free place elsewhere, takes a place
 * by displacing strictly lower layers (which then move or are shed), or is shed/left unplaced. Then the
 * actions are scheduled under the concurrency limits.
 */
export function plan(s: Scenario, opts: PlanOptions = {}): Plan {
  const now = opts.now ?? (() => performance.now());
  const t0 = now();
  const live = liveness(s);
  const limits = s.limits;
  const util = limits.maxHostUtilization;
  const H = s.hosts.length;
  const N = s.components.length;
  const hostIdx = new Map<string, number>();
  s.hosts.forEach((h, i) => hostIdx.set(h.id, i));
  const pduIdx = new Map<string, number>();
  s.power.pdus.forEach((p, i) => pduIdx.set(p.id, i));
  const upsIdx = new Map<string, number>();
  s.power.ups.forEach((u, i) => upsIdx.set(u.id, i));
  const P = s.power.pdus.length;
  const U = s.power.ups.length;

  // ---- hosts
  const capCpu = new Float64Array(H);
  const capMem = new Float64Array(H);
  const usable = new Uint8Array(H);
  const alive = new Uint8Array(H);
  const draws = new Uint8Array(H);
  const wPerMhz = new Float64Array(H);
  const feedsOf: number[][] = [];
  const upsShareOf: number[][] = []; // per host: [ups index, share of its draw, ...]
  for (let h = 0; h < H; h++) {
    const host = s.hosts[h];
    capCpu[h] = host.cpuMhz * util;
    capMem[h] = host.memMb * util;
    usable[h] = live.usable.get(host.id) ? 1 : 0;
    alive[h] = live.alive.get(host.id) ? 1 : 0;
    const feeds = live.liveFeeds.get(host.id)!.map((p) => pduIdx.get(p)!);
    feedsOf.push(feeds);
    const ups = new Map<number, number>();
    for (const p of feeds) {
      const u = upsIdx.get(s.power.pdus[p].ups)!;
      ups.set(u, (ups.get(u) ?? 0) + 1 / feeds.length);
    }
    upsShareOf.push([...ups.entries()].sort((a, b) => a[0] - b[0]).flat());
    // failed, no live feed, or in maintenance (and staying): draws nothing. A host leaving for maintenance draws
    // until it is empty: its idle counts, its components count until they leave.
    draws[h] =
      feeds.length > 0 && !live.failed.has(host.id) && (!host.maintenance || live.exiting.has(host.id))
        ? 1
        : 0;
    wPerMhz[h] = (host.powerPeakW - host.powerIdleW) / host.cpuMhz;
  }
  const pduCap = Float64Array.from(s.power.pdus, (p) => p.capacityW);
  const upsCap = Float64Array.from(s.power.ups, (u) => u.capacityW);
  const pduComm = new Float64Array(P);
  const upsComm = new Float64Array(U);
  const pduTent = new Float64Array(P * 4);
  const upsTent = new Float64Array(U * 4);
  const addWatts = (h: number, w: number, rank: number): void => {
    if (!draws[h] || w === 0) return;
    const feeds = feedsOf[h];
    const share = w / feeds.length;
    if (rank < 0) for (const p of feeds) pduComm[p] += share;
    else for (const p of feeds) pduTent[p * 4 + rank] += share;
    for (let q = 0, L = upsShareOf[h]; q < L.length; q += 2) {
      const u = L[q];
      const f = L[q + 1];
      if (rank < 0) upsComm[u] += w * f;
      else upsTent[u * 4 + rank] += w * f;
    }
  };
  for (let h = 0; h < H; h++) if (draws[h]) addWatts(h, s.hosts[h].powerIdleW, -1);

  // ---- components
  const cpu = new Float64Array(N);
  const mem = new Float64Array(N);
  const state = new Uint8Array(N); // 0 running, 1 down, 2 ignored
  const home = new Int32Array(N);
  const forecast = s.event.type === 'forecast_shortage' && s.forecast ? s.forecast.demand : undefined;
  for (let i = 0; i < N; i++) {
    const c = s.components[i];
    const f = forecast ? forecast[c.id] : undefined; // demandOf, without an object per component
    cpu[i] = f ? f.cpuMhz : c.cpuMhz;
    mem[i] = f ? f.memMb : c.memMb;
    const st = initialState(s, c);
    state[i] = st === 'running' ? 0 : st === 'down' ? 1 : 2;
    home[i] = hostIdx.get(c.host)!;
  }
  const dep = dependencyInfo(
    s,
    (i) => state[i] === 0,
    (i) => fixedOn(s, live, i),
    (i) => state[i] !== 2,
  );
  const rank = dep.effRank;
  const ownRank = Uint8Array.from(s.components, (c) => layerRank(c.layer));

  const role = new Uint8Array(N);
  const atSource = new Uint8Array(N);
  const inTent = new Uint8Array(N);
  const leaveSource = (i: number): void => {
    if (atSource[i]) {
      addWatts(home[i], -cpu[i] * wPerMhz[home[i]], -1);
      atSource[i] = 0;
    }
  };
  const initCpu = new Float64Array(H);
  const initMem = new Float64Array(H);
  const npCpu = new Float64Array(H * 4); // initial tentative (evictable) by effective rank
  const npMem = new Float64Array(H * 4);
  const commCpu = new Float64Array(H);
  const commMem = new Float64Array(H);
  const inCpu = new Float64Array(H);
  const inMem = new Float64Array(H);
  const tentOn: number[][] = Array.from({ length: H }, () => []);
  const aaOn: number[][] = Array.from({ length: H }, () => []);
  const aaIn: Set<string>[] = Array.from({ length: H }, () => new Set<string>());
  for (let i = 0; i < N; i++) {
    const c = s.components[i];
    const h = home[i];
    if (state[i] === 2) {
      role[i] = Role.Ignored;
      continue;
    }
    if (state[i] === 1) {
      role[i] = Role.Down;
      continue;
    }
    const host = s.hosts[h];
    if (c.antiAffinity) aaOn[h].push(i);
    initCpu[h] += cpu[i];
    initMem[h] += mem[i];
    if (!host.connected) role[i] = Role.Fixed;
    else if (!alive[h]) role[i] = Role.Evacuee;
    else if (!dep.sheddable[i]) role[i] = Role.Pinned;
    else role[i] = Role.Tentative;
    if (role[i] === Role.Evacuee) {
      addWatts(h, cpu[i] * wPerMhz[h], -1);
      atSource[i] = 1;
    } // until it leaves
    if (role[i] === Role.Fixed || role[i] === Role.Pinned) {
      commCpu[h] += cpu[i];
      commMem[h] += mem[i];
      addWatts(h, cpu[i] * wPerMhz[h], -1);
    } else if (role[i] === Role.Tentative) {
      npCpu[h * 4 + rank[i]] += cpu[i];
      npMem[h * 4 + rank[i]] += mem[i];
      tentOn[h].push(i);
      inTent[i] = 1;
      addWatts(h, cpu[i] * wPerMhz[h], rank[i]);
    }
  }

  // ---- candidate host classes (by what a component needs to see), cached
  const classCache = new Map<string, number[]>();
  const xvCache = new Map<string, number[]>();
  const sorted = (a: string[]): string => [...a].sort().join(',');
  const hostDs = s.hosts.map((h) => new Set(h.datastores));
  const hostNet = s.hosts.map((h) => new Set(h.networks));
  const allHosts = s.hosts.map((_, h) => h);
  const hostsByDs = new Map<string, number[]>();
  s.hosts.forEach((host, h) => {
    for (const d of new Set(host.datastores)) {
      const l = hostsByDs.get(d);
      if (l) l.push(h);
      else hostsByDs.set(d, [h]);
    }
  });
  const candidates = (c: Component, xv: boolean): number[] => {
    // xv lists depend on the datastores too (hosts that do not see them): both keys carry them
    const key = sorted(c.datastores) + '|' + sorted(c.networks) + '|' + (c.sensitive ? 1 : 0);
    const cache = xv ? xvCache : classCache;
    let list = cache.get(key);
    if (!list) {
      list = [];
      const pool = !xv && c.datastores.length > 0 ? (hostsByDs.get(c.datastores[0]) ?? []) : allHosts;
      for (const h of pool) {
        if (!usable[h]) continue;
        const host = s.hosts[h];
        if (c.sensitive && !host.attested) continue;
        if (!c.networks.every((n) => hostNet[h].has(n))) continue;
        const seesDs = c.datastores.every((d) => hostDs[h].has(d));
        if (xv ? seesDs || host.datastores.length < Math.max(1, c.datastores.length) : !seesDs) continue;
        list.push(h);
      }
      cache.set(key, list);
    }
    return list;
  };

  // ---- decisions
  const victim = new Uint8Array(N);
  const shed = new Uint8Array(N);
  const forcedBy = new Int32Array(N).fill(-1);
  const placed = new Int32Array(N).fill(-1);
  const xvTo = new Map<number, string[]>();
  const waitOn = new Map<number, number[]>();
  const why = new Map<number, string>(); // why the component needed a place
  const blockedBy = new Map<number, string>();
  const displacedBy = new Int32Array(N).fill(-1);

  const wattsOf = (i: number, h: number): number => cpu[i] * wPerMhz[h];
  const powerOk = (h: number, w: number, maxRank: number): boolean => {
    if (!draws[h]) return true;
    const feeds = feedsOf[h];
    const share = w / feeds.length;
    for (const p of feeds) {
      let load = pduComm[p] + share;
      for (let k = 0; k <= maxRank; k++) load += pduTent[p * 4 + k];
      if (load > pduCap[p] - EPS) return false;
    }
    for (let q = 0, L = upsShareOf[h]; q < L.length; q += 2) {
      const u = L[q];
      const f = L[q + 1];
      let load = upsComm[u] + w * f;
      for (let k = 0; k <= maxRank; k++) load += upsTent[u * 4 + k];
      if (load > upsCap[u] - EPS) return false;
    }
    return true;
  };
  const removeTent = (i: number): void => {
    if (!inTent[i]) return;
    inTent[i] = 0;
    const h = home[i];
    addWatts(h, -wattsOf(i, h), rank[i]);
  };
  // AA: which initial members on h must leave for i; null when a member blocks for good.
  const aaVictims = (i: number, h: number, r: number): number[] | null => {
    const g = s.components[i].antiAffinity;
    if (!g) return [];
    if (aaIn[h].has(g)) return null;
    const out: number[] = [];
    for (const m of aaOn[h]) {
      if (m === i || s.components[m].antiAffinity !== g) continue;
      if (role[m] === Role.Tentative && rank[m] > r) out.push(m);
      else return null;
    }
    return out;
  };

  const NO_VICTIMS: number[] = [];
  const FREE: number[] = [];
  /** null: no; FREE: a free place; else the anti-affinity members that must give way (maybe none). */
  const tryHost = (i: number, h: number, r: number, displacing: boolean): number[] | null => {
    const aa = s.components[i].antiAffinity ? aaVictims(i, h, r) : NO_VICTIMS;
    if (aa === null) return null;
    const w = wattsOf(i, h);
    const c = cpu[i];
    const m = mem[i];
    if (!displacing) {
      if (aa.length > 0) return null;
      if (initCpu[h] + inCpu[h] + c > capCpu[h] + EPS || initMem[h] + inMem[h] + m > capMem[h] + EPS)
        return null;
      if (!powerOk(h, w, 3)) return null;
      return FREE;
    }
    let lowCpu = 0;
    let lowMem = 0;
    for (let k = r + 1; k < 4; k++) {
      lowCpu += npCpu[h * 4 + k];
      lowMem += npMem[h * 4 + k];
    }
    if (
      initCpu[h] + inCpu[h] + c - lowCpu > capCpu[h] + EPS ||
      initMem[h] + inMem[h] + m - lowMem > capMem[h] + EPS
    )
      return null;
    if (!powerOk(h, w, r)) return null;
    return aa;
  };

  /** Picks victims on the chosen host (capacity) and on its feeds (power); fills waitOn. */
  const realise = (i: number, ch: Choice, r: number): void => {
    const h = ch.host;
    const wait = new Set<number>(ch.capVictims);
    const vict = new Set<number>(ch.capVictims);
    if (!ch.free) {
      // capacity: lower departing comps already leaving are credited (waited on); then new victims, lowest first.
      let needCpu = initCpu[h] + inCpu[h] + cpu[i] - capCpu[h];
      let needMem = initMem[h] + inMem[h] + mem[i] - capMem[h];
      const lower = tentOn[h].filter((t) => rank[t] > r);
      for (const t of lower)
        if (victim[t] || vict.has(t)) {
          wait.add(t);
          needCpu -= cpu[t];
          needMem -= mem[t];
        }
      const pool = lower
        .filter((t) => !victim[t] && !vict.has(t))
        .sort(
          (a, b) =>
            rank[b] - rank[a] ||
            Math.max(cpu[b] / capCpu[h], mem[b] / capMem[h]) -
              Math.max(cpu[a] / capCpu[h], mem[a] / capMem[h]) ||
            a - b,
        );
      for (const t of pool) {
        if (needCpu <= EPS && needMem <= EPS) break;
        vict.add(t);
        wait.add(t);
        needCpu -= cpu[t];
        needMem -= mem[t];
      }
    }
    for (const t of vict) markVictim(t, i);
    // power: shed/move lower tentative load off every over-budget feed and UPS of h.
    if (draws[h]) {
      const w = wattsOf(i, h);
      const feeds = feedsOf[h];
      for (const p of feeds) {
        const over = (): number => {
          let load = pduComm[p] + w / feeds.length;
          for (let k = 0; k < 4; k++) load += pduTent[p * 4 + k];
          return load - (pduCap[p] - EPS);
        };
        if (over() > 0) evictPower(i, r, hostsOnPdu[p], over);
      }
      for (let q = 0, L = upsShareOf[h]; q < L.length; q += 2) {
        const u = L[q];
        const f = L[q + 1];
        const over = (): number => {
          let load = upsComm[u] + w * f;
          for (let k = 0; k < 4; k++) load += upsTent[u * 4 + k];
          return load - (upsCap[u] - EPS);
        };
        if (over() > 0) evictPower(i, r, hostsOnUps[u], over);
      }
    }
    if (wait.size > 0)
      waitOn.set(
        i,
        [...wait].sort((a, b) => a - b),
      );
  };
  const hostsOnPdu: number[][] = Array.from({ length: P }, () => []);
  const hostsOnUps: number[][] = Array.from({ length: U }, () => []);
  for (let h = 0; h < H; h++) {
    if (!draws[h]) continue;
    for (const p of feedsOf[h]) hostsOnPdu[p].push(h);
    for (let q = 0; q < upsShareOf[h].length; q += 2) hostsOnUps[upsShareOf[h][q]].push(h);
  }
  const evictPower = (i: number, r: number, hostList: number[], over: () => number): void => {
    const pool: number[] = [];
    for (const h of hostList) for (const t of tentOn[h]) if (!victim[t] && rank[t] > r) pool.push(t);
    pool.sort((a, b) => rank[b] - rank[a] || wattsOf(b, home[b]) - wattsOf(a, home[a]) || a - b);
    for (const t of pool) {
      if (over() <= 0) break;
      markVictim(t, i);
    }
  };
  const markVictim = (t: number, by: number): void => {
    if (victim[t]) return;
    victim[t] = 1;
    displacedBy[t] = by;
    removeTent(t);
  };

  const commit = (i: number, ch: Choice): void => {
    const h = ch.host;
    leaveSource(i);
    placed[i] = h;
    commCpu[h] += cpu[i];
    commMem[h] += mem[i];
    if (h !== home[i] || role[i] === Role.Down) {
      inCpu[h] += cpu[i];
      inMem[h] += mem[i];
      const g = s.components[i].antiAffinity;
      if (g) aaIn[h].add(g);
    }
    addWatts(h, wattsOf(i, h), -1);
    if (ch.xv) {
      const ds = [...s.hosts[h].datastores].sort().slice(0, Math.max(1, s.components[i].datastores.length));
      xvTo.set(i, ds);
    }
  };

  const score = (i: number, h: number): number => {
    const host = s.hosts[h];
    const redundant = feedsOf[h].length === host.pdus.length && feedsOf[h].length > 1 ? 0 : 1;
    const u = Math.max((commCpu[h] + cpu[i]) / host.cpuMhz, (commMem[h] + mem[i]) / host.memMb);
    return (role[i] === Role.Down && h === home[i] ? -10 : 0) + redundant + u;
  };
  const find = (i: number, exclude: number, freeOnly = false): Choice | null => {
    const c = s.components[i];
    const r = rank[i];
    const tiers: boolean[] = role[i] === Role.Down || r > XVMOTION_MAX_RANK ? [false] : [false, true];
    for (const xv of tiers) {
      const list = candidates(c, xv);
      for (const displacing of freeOnly ? [false] : [false, true]) {
        let best = -1;
        let bestAa: number[] = FREE;
        let bestScore = Infinity;
        for (const h of list) {
          if (h === exclude) continue;
          const aa = tryHost(i, h, r, displacing);
          if (!aa) continue;
          const sc = displacing ? overflow(i, h) : score(i, h);
          if (sc < bestScore) {
            best = h;
            bestScore = sc;
            bestAa = aa;
          }
        }
        if (best >= 0)
          return {
            host: best,
            xv,
            capVictims: bestAa === FREE ? [] : bestAa.slice(),
            powerVictims: [],
            waitOn: [],
            free: bestAa === FREE,
          };
      }
    }
    return null;
  };
  const overflow = (i: number, h: number): number =>
    Math.max(
      (initCpu[h] + inCpu[h] + cpu[i] - capCpu[h]) / capCpu[h],
      (initMem[h] + inMem[h] + mem[i] - capMem[h]) / capMem[h],
      0,
    ) +
    score(i, h) * 1e-3;

  const order: number[] = [];
  for (let i = 0; i < N; i++) if (role[i] >= Role.Tentative) order.push(i);
  order.sort(
    (a, b) =>
      rank[a] - rank[b] ||
      dep.level[a] - dep.level[b] ||
      (role[a] === Role.Tentative ? 0 : 1) - (role[b] === Role.Tentative ? 0 : 1) ||
      mem[b] - mem[a] ||
      a - b,
  );
  const isRunningAtEnd = (j: number): boolean =>
    (state[j] === 0 && !shed[j]) || (state[j] === 1 && placed[j] >= 0);
  const evacueesLeft: number[] = [];
  const handleForced = (i: number): void => {
    blockedBy.set(i, `its dependency ${s.components[forcedBy[i]].id} is shut down (dependents stop first)`);
    removeTent(i);
    if (state[i] === 0) {
      {
        shed[i] = 1;
        leaveSource(i);
      }
      forceDependents(i);
    }
  };
  // Layer by layer: first every component of the layer that may keep its place does (so that the layer's own
  // members never count as reserved when a mover looks for room), then the layer's movers, dependencies first.
  // Keep pass order within a layer: dependencies first, then value per watt (the same layer weight over the
  // component's marginal draw on its host: least watts first), then bigger first. Under a power bound this keeps
  // the most components of the layer; when power does not bind, every component that fits keeps its place anyway.
  const keepW = new Float64Array(N);
  for (let i = 0; i < N; i++)
    if (role[i] === Role.Tentative) keepW[i] = draws[home[i]] ? wattsOf(i, home[i]) : 0;
  const keepOrder = order
    .slice()
    .sort(
      (a, b) =>
        rank[a] - rank[b] ||
        dep.level[a] - dep.level[b] ||
        (role[a] === Role.Tentative ? 0 : 1) - (role[b] === Role.Tentative ? 0 : 1) ||
        keepW[a] - keepW[b] ||
        mem[b] - mem[a] ||
        a - b,
    );
  for (let r = 0; r < 4; r++) {
    const movers: number[] = [];
    for (const i of keepOrder) {
      if (rank[i] !== r) continue;
      if (role[i] !== Role.Tentative) {
        movers.push(i);
        continue;
      }
      if (forcedBy[i] >= 0) {
        handleForced(i);
        continue;
      }
      if (victim[i]) {
        const by = s.components[displacedBy[i]];
        why.set(i, `gives way to ${by.layer} ${by.id}`);
        movers.push(i);
        continue;
      }
      const h = home[i];
      removeTent(i);
      const capOk = commCpu[h] + cpu[i] <= capCpu[h] + EPS && commMem[h] + mem[i] <= capMem[h] + EPS;
      const pOk = powerOk(h, wattsOf(i, h), -1);
      if (capOk && pOk) {
        commit(i, { host: h, xv: false, capVictims: [], powerVictims: [], waitOn: [], free: true });
        continue;
      }
      why.set(
        i,
        !capOk
          ? `${s.hosts[h].id} would be above ${pct(util)} CPU or memory`
          : `power budget of ${feedNames(h)} exceeded`,
      );
      movers.push(i);
    }
    movers.sort(
      (a, b) =>
        dep.level[a] - dep.level[b] ||
        (role[a] === Role.Tentative ? 0 : 1) - (role[b] === Role.Tentative ? 0 : 1) ||
        mem[b] - mem[a] ||
        a - b,
    );
    for (const i of movers) {
      const c = s.components[i];
      if (forcedBy[i] >= 0) {
        handleForced(i);
        continue;
      }
      if (role[i] === Role.Down) {
        if (dep.blocked[i]) {
          blockedBy.set(i, 'dependency cycle: no power-on order exists');
          continue;
        }
        const missing = dep.deps[i].find((j) => !isRunningAtEnd(j));
        if (missing !== undefined) {
          blockedBy.set(
            i,
            `its dependency ${s.components[missing].id} stays down (dependencies start first)`,
          );
          continue;
        }
        why.set(i, live.failed.has(c.host) ? `down after ${c.host} failed` : 'powered off; power is back');
      } else if (role[i] === Role.Evacuee) why.set(i, dyingWhy(home[i]));
      const ch = find(i, role[i] === Role.Tentative ? home[i] : -1);
      if (ch) {
        realise(i, ch, r);
        commit(i, ch);
        continue;
      }
      blockedBy.set(i, noPlaceReason(i));
      if (role[i] === Role.Tentative) {
        {
          shed[i] = 1;
          leaveSource(i);
        }
        forceDependents(i);
      } else if (role[i] === Role.Evacuee) evacueesLeft.push(i);
    }
  }
  // Second chance: sheds and departures later in the order may have left room that an earlier component could
  // not see; offer it, in the same order, without displacing anyone (free places only, nothing to wait for).
  for (const i of order) {
    if (placed[i] >= 0 || state[i] === 2) continue;
    if (state[i] === 0 && role[i] === Role.Tentative && !shed[i]) continue;
    if (dep.deps[i].some((j) => shed[j] && state[i] === 0)) continue;
    if (role[i] === Role.Down && (dep.blocked[i] || dep.deps[i].some((j) => !isRunningAtEnd(j)))) continue;
    let ch: Choice | null = null;
    if (role[i] === Role.Tentative && !victim[i]) {
      const h = home[i];
      if (
        commCpu[h] + cpu[i] <= capCpu[h] + EPS &&
        commMem[h] + mem[i] <= capMem[h] + EPS &&
        powerOk(h, wattsOf(i, h), -1)
      )
        ch = { host: h, xv: false, capVictims: [], powerVictims: [], waitOn: [], free: true };
    }
    ch ??= findSecond(i, role[i] === Role.Tentative ? home[i] : -1);
    if (!ch) continue;
    if (ch.waitOn.length) waitOn.set(i, ch.waitOn);
    commit(i, ch);
    shed[i] = 0;
    forcedBy[i] = -1;
    blockedBy.delete(i);
  }
  /** Second-pass search: free places, crediting room that lower layers already leave (the move waits for them). */
  function findSecond(i: number, exclude: number): Choice | null {
    const c = s.components[i];
    const r = rank[i];
    const tiers = role[i] === Role.Down || r > XVMOTION_MAX_RANK ? [false] : [false, true];
    for (const xv of tiers) {
      let best: Choice | null = null;
      let bestScore = Infinity;
      for (const h of candidates(c, xv)) {
        if (h === exclude) continue;
        const gone = tentOn[h].filter((t) => rank[t] > r && (shed[t] || (placed[t] >= 0 && placed[t] !== h)));
        const g = c.antiAffinity;
        if (g && aaIn[h].has(g)) continue;
        if (g && aaOn[h].some((m) => m !== i && s.components[m].antiAffinity === g && !gone.includes(m)))
          continue;
        let fc = initCpu[h] + inCpu[h] + cpu[i];
        let fm = initMem[h] + inMem[h] + mem[i];
        for (const t of gone) {
          fc -= cpu[t];
          fm -= mem[t];
        }
        if (fc > capCpu[h] + EPS || fm > capMem[h] + EPS) continue;
        if (!powerOk(h, wattsOf(i, h), 3)) continue;
        const sc = score(i, h);
        if (sc < bestScore) {
          bestScore = sc;
          best = {
            host: h,
            xv,
            capVictims: [],
            powerVictims: [],
            waitOn: gone.sort((a, b) => a - b),
            free: false,
          };
        }
      }
      if (best) return best;
    }
    return null;
  }
  function forceDependents(i: number): void {
    for (const t of dep.dependents[i]) {
      if (state[t] !== 0 || forcedBy[t] >= 0) continue;
      forcedBy[t] = i;
      if (placed[t] >= 0 && placed[t] === home[t]) {
        // already kept its place earlier in this layer: it stops after all (before its dependency)
        const h = home[t];
        commCpu[h] -= cpu[t];
        commMem[h] -= mem[t];
        addWatts(h, -wattsOf(t, h), -1);
        placed[t] = -1;
        handleForced(t);
      }
    }
  }
  // Evacuees with no place: shut down cleanly (dependents first) when the policy and the dependents allow.
  const posInOrder = new Uint32Array(N);
  dep.order.forEach((i, k) => (posInOrder[i] = k));
  evacueesLeft.sort((a, b) => posInOrder[b] - posInOrder[a]);
  for (const i of evacueesLeft) {
    if (placed[i] >= 0) continue;
    if (policyOf(s.components[i]) === 'never' || dep.blocked[i]) continue;
    if (dep.dependents[i].every((t) => state[t] !== 0 || shed[t])) {
      shed[i] = 1;
      leaveSource(i);
    }
  }

  // ---- Rule-4 repair (docs/planner.md, "Repair"). The greedy decides power victims when a higher component
  // arrives; sheds and departures decided later can leave room (or lower layers holding room) that an earlier
  // decision could not see. In layer order, every component still without a place gets the best place that
  // exists once strictly lower layers on that host (capacity, anti-affinity) and on its feeds (power) give
  // way; the victims (with their running dependents) are shut down, or unplaced if they were due a power-on.
  // Departures from the host are credited and waited on, so capacity holds at every instant.
  // Hosts that end empty and enter maintenance are powered down (rule 9): their idle draw is released first.
  const stayCount = new Uint32Array(H);
  const idleReleased = new Uint8Array(H);
  for (let i = 0; i < N; i++)
    if (state[i] === 0 && !shed[i] && (placed[i] < 0 || placed[i] === home[i])) stayCount[home[i]]++;
  const releaseIdle = (h: number): void => {
    const host = s.hosts[h];
    if (idleReleased[h] || !draws[h] || alive[h] || !host.connected || host.maintenance || stayCount[h] > 0)
      return;
    idleReleased[h] = 1;
    addWatts(h, -host.powerIdleW, -1);
  };
  for (let h = 0; h < H; h++) releaseIdle(h);
  repairRule4();
  // power-saving moves can free budget a higher layer could now use with lower layers giving way: repair again
  if (powerImprove()) repairRule4();

  /**
   * Power-saving moves (docs/planner.md, "Power improvement"). Under a power bound a host's marginal draw per MHz
   * differs ((peak - idle) / cpuMhz): moving a kept component to a host that draws less for the same CPU frees
   * budget on the shared feeds and UPSes. For each component still without a place (layer order; no
   * anti-affinity, no dependencies or dependents involved, nobody waiting on it), on its own host or the one
   * free place with the smallest power shortfall, kept components (no anti-affinity, nobody waiting on them) are
   * moved to free places drawing less, largest saving first, until the budget holds; else everything is undone.
   * Each success keeps one more component and moves only kept ones, so the weighted value rises.
   */
  function powerImprove(): boolean {
    const waited = new Uint8Array(N);
    for (const [x, l] of waitOn) if (placed[x] >= 0) for (const t of l) waited[t] = 1;
    const overAll = (h: number): number => {
      // largest overrun on h's feeds and UPSes, end state (tentative loads are empty after the layers)
      let worst = -Infinity;
      for (const p of feedsOf[h]) worst = Math.max(worst, pduComm[p] + pduTentSum(p) - (pduCap[p] - EPS));
      for (let q = 0, L = upsShareOf[h]; q < L.length; q += 2)
        worst = Math.max(worst, upsComm[L[q]] + upsTentSum(L[q]) - (upsCap[L[q]] - EPS));
      return worst;
    };
    const freeFits = (k: number, h: number): boolean =>
      initCpu[h] + inCpu[h] + cpu[k] <= capCpu[h] + EPS && initMem[h] + inMem[h] + mem[k] <= capMem[h] + EPS;
    /** Anti-affinity for a reliever k on x: no member of its group ever on x (initially or arriving). */
    const aaFree = (k: number, x: number): boolean => {
      const g = s.components[k].antiAffinity;
      if (!g) return true;
      if (aaIn[x].has(g)) return false;
      for (const m of aaOn[x]) if (m !== k && s.components[m].antiAffinity === g) return false;
      return true;
    };
    const moveTo = (k: number, from: number, to: number, sign: 1 | -1): void => {
      // sign 1: k leaves `from` (its home) for `to`; -1 undoes it (aaFree held before the move, so the group
      // was not on `to`: adding and deleting it is exact)
      const g = s.components[k].antiAffinity;
      if (g) {
        if (sign === 1) aaIn[to].add(g);
        else aaIn[to].delete(g);
      }
      addWatts(from, -sign * wattsOf(k, from), -1);
      addWatts(to, sign * wattsOf(k, to), -1);
      commCpu[from] -= sign * cpu[k];
      commMem[from] -= sign * mem[k];
      commCpu[to] += sign * cpu[k];
      commMem[to] += sign * mem[k];
      inCpu[to] += sign * cpu[k];
      inMem[to] += sign * mem[k];
      placed[k] = sign === 1 ? to : role[k] === Role.Pinned ? -1 : from;
    };
    const todo: number[] = [];
    for (const i of order) {
      if (placed[i] >= 0 || state[i] !== 0 || waited[i] || dep.blocked[i]) continue;
      if (role[i] !== Role.Tentative && role[i] !== Role.Evacuee) continue;
      if (s.components[i].antiAffinity || dep.deps[i].length || dep.dependents[i].length) continue;
      if (role[i] === Role.Tentative && !shed[i]) continue;
      todo.push(i);
    }
    if (todo.length === 0) return false;
    let any = false;
    // relievers: kept components staying on their own (live) host
    const relievers: number[] = [];
    for (let k = 0; k < N; k++)
      if (
        ((role[k] === Role.Tentative && placed[k] === home[k]) ||
          (role[k] === Role.Pinned && placed[k] < 0)) &&
        alive[home[k]] &&
        !waited[k] &&
        draws[home[k]] &&
        cpu[k] > 0
      )
        relievers.push(k);
    const relW = new Float64Array(N);
    for (const k of relievers) relW[k] = wattsOf(k, home[k]);
    relievers.sort((a, b) => relW[b] - relW[a] || a - b);
    let budget = 200000; // host checks, bounds the pass on big scenarios
    for (const i of todo) {
      if (budget <= 0) break;
      const c = s.components[i];
      // targets: its own host when it is live and fits at the end, and free places elsewhere; smallest power
      // shortfall first (own host first on a tie), at most three tried
      const targets: [number, number][] = [];
      const shortfall = (x: number): number => {
        addWatts(x, wattsOf(i, x), -1);
        const o = overAll(x);
        addWatts(x, -wattsOf(i, x), -1);
        return o;
      };
      if (
        role[i] === Role.Tentative &&
        alive[home[i]] &&
        usable[home[i]] &&
        commCpu[home[i]] + cpu[i] <= capCpu[home[i]] + EPS &&
        commMem[home[i]] + mem[i] <= capMem[home[i]] + EPS
      )
        targets.push([home[i], shortfall(home[i]) - EPS]);
      for (const x of candidates(c, false)) {
        budget--;
        if (x === home[i] || !freeFits(i, x)) continue;
        targets.push([x, shortfall(x)]);
      }
      targets.sort((x, y) => x[1] - y[1] || x[0] - y[0]);
      for (let t = 0; t < Math.min(3, targets.length); t++)
        if (attempt(i, targets[t][0])) {
          any = true;
          break;
        }
    }
    return any;

    function attempt(i: number, h: number): boolean {
      const c = s.components[i];
      const stays = h === home[i];
      const wi = wattsOf(i, h);
      const wasAt = atSource[i];
      const wasLeft = role[i] === Role.Evacuee && !shed[i];
      leaveSource(i);
      addWatts(h, wi, -1);
      commCpu[h] += cpu[i];
      commMem[h] += mem[i];
      if (!stays) {
        inCpu[h] += cpu[i];
        inMem[h] += mem[i];
      }
      const done: [number, number][] = [];
      const touchP = new Set<number>(feedsOf[h]);
      const touchU = new Set<number>();
      for (let q = 0, L = upsShareOf[h]; q < L.length; q += 2) touchU.add(L[q]);
      const shares = (x: number): boolean =>
        feedsOf[x].some((p) => touchP.has(p)) || upsShareOf[x].some((u, q) => q % 2 === 0 && touchU.has(u));
      for (const k of relievers) {
        if (overAll(h) <= 0 || budget <= 0) break;
        if (placed[k] !== (role[k] === Role.Pinned ? -1 : home[k]) || k === i) continue;
        const hk = home[k];
        if (!shares(hk)) continue;
        let to = -1;
        let toW = wattsOf(k, hk);
        for (const x of candidates(s.components[k], false)) {
          budget--;
          if (x === hk || !draws[x] || wPerMhz[x] * cpu[k] >= toW - EPS || !freeFits(k, x) || !aaFree(k, x))
            continue;
          to = x;
          toW = wPerMhz[x] * cpu[k];
        }
        if (to < 0) continue;
        moveTo(k, hk, to, 1);
        if (to !== h && overAll(to) > 0) {
          moveTo(k, hk, to, -1);
          continue;
        }
        done.push([k, to]);
      }
      if (overAll(h) > 0 || done.some(([, to]) => overAll(to) > 0)) {
        for (let q = done.length - 1; q >= 0; q--) moveTo(done[q][0], home[done[q][0]], done[q][1], -1);
        addWatts(h, -wi, -1);
        commCpu[h] -= cpu[i];
        commMem[h] -= mem[i];
        if (!stays) {
          inCpu[h] -= cpu[i];
          inMem[h] -= mem[i];
        }
        if (wasAt) {
          atSource[i] = 1;
          addWatts(home[i], wattsOf(i, home[i]), -1);
        }
        return false;
      }
      for (const [k] of done)
        why.set(k, `moves to a host drawing less power per MHz, freeing budget for ${c.layer} ${c.id}`);
      placed[i] = h;
      shed[i] = 0;
      forcedBy[i] = -1;
      blockedBy.delete(i);
      if (stays) stayCount[h]++;
      if (wasLeft) {
        stayCount[home[i]]--;
        releaseIdle(home[i]);
      }
      return true;
    }
  }
  function pduTentSum(p: number): number {
    return pduTent[p * 4] + pduTent[p * 4 + 1] + pduTent[p * 4 + 2] + pduTent[p * 4 + 3];
  }
  function upsTentSum(u: number): number {
    return upsTent[u * 4] + upsTent[u * 4 + 1] + upsTent[u * 4 + 2] + upsTent[u * 4 + 3];
  }

  function repairRule4(): void {
    // arrivals per host and how many arrivals wait on each component's departure
    const arrOn: number[][] = Array.from({ length: H }, () => []);
    for (let i = 0; i < N; i++)
      if (placed[i] >= 0 && (placed[i] !== home[i] || state[i] === 1)) arrOn[placed[i]].push(i);
    const waitedBy = new Uint32Array(N);
    for (const [x, l] of waitOn) if (placed[x] >= 0) for (const t of l) waitedBy[t]++;
    const stamp = new Uint32Array(N);
    let epoch = 0;
    const inClosure = new Uint32Array(N);
    const W = [1000, 100, 10, 1];
    /** Where j runs at the end (-1: not running). */
    const endHost = (j: number): number =>
      placed[j] >= 0 ? placed[j] : state[j] === 0 && !shed[j] ? home[j] : -1;
    const departsFrom = (t: number, h: number): boolean =>
      state[t] === 0 && home[t] === h && (shed[t] === 1 || (placed[t] >= 0 && placed[t] !== h));
    /** v and its running dependents (transitively), when all may give way to rank r; else null. */
    const closure = (v: number, r: number): number[] | null => {
      const out = [v];
      epoch++;
      inClosure[v] = epoch;
      for (let k = 0; k < out.length; k++) {
        const x = out[k];
        if (rank[x] <= r) return null;
        if (state[x] === 0 && (!dep.sheddable[x] || role[x] === Role.Pinned || role[x] === Role.Fixed))
          return null;
        if (state[x] === 1 && placed[x] < 0) return null;
        for (const t of dep.dependents[x])
          if (inClosure[t] !== epoch && isRunningAtEnd(t) && state[t] !== 2) {
            inClosure[t] = epoch;
            out.push(t);
          }
      }
      return out;
    };
    /** Whether x's action (transitively, through waits and precedences) waits on `target`'s. */
    const reaches = (from: number[], target: number): boolean => {
      epoch++;
      const stack = from.slice();
      while (stack.length) {
        const x = stack.pop()!;
        if (x === target) return true;
        if (stamp[x] === epoch) continue;
        stamp[x] = epoch;
        for (const t of waitOn.get(x) ?? []) stack.push(t);
        if (shed[x] && state[x] === 0) for (const t of dep.dependents[x]) if (shed[t]) stack.push(t);
        if (state[x] === 1 && placed[x] >= 0) for (const j of dep.deps[x]) if (placed[j] >= 0) stack.push(j);
      }
      return false;
    };
    const evict = (v: number, by: number): void => {
      const h = placed[v];
      if (h >= 0) {
        commCpu[h] -= cpu[v];
        commMem[h] -= mem[v];
        addWatts(h, -wattsOf(v, h), -1);
        if (h !== home[v] || state[v] === 1) {
          inCpu[h] -= cpu[v];
          inMem[h] -= mem[v];
          const l = arrOn[h];
          l.splice(l.indexOf(v), 1);
          const g = s.components[v].antiAffinity;
          if (g && !l.some((m) => s.components[m].antiAffinity === g)) aaIn[h].delete(g);
        } else stayCount[h]--;
        placed[v] = -1;
        xvTo.delete(v);
        for (const t of waitOn.get(v) ?? []) waitedBy[t]--;
        waitOn.delete(v);
      } else if (state[v] === 0) {
        leaveSource(v);
        stayCount[home[v]]--;
        releaseIdle(home[v]);
      }
      if (state[v] === 0) shed[v] = 1;
      displacedBy[v] = by;
      const b = s.components[by];
      blockedBy.set(v, `gives way to ${b.layer} ${b.id} (lower layers give way)`);
    };

    interface Trial {
      host: number;
      xv: boolean;
      victims: number[];
      waits: number[];
      loss: number;
      score: number;
    }
    const tryRepair = (i: number, h: number, xv: boolean, frozen: boolean): Trial | null => {
      const r = rank[i];
      const atHome = state[i] === 0 && h === home[i];
      const victims: number[] = [];
      const waits: number[] = [];
      const chosen = new Set<number>();
      let loss = 0;
      const take = (v: number): boolean => {
        if (chosen.has(v)) return true;
        const cl = closure(v, r);
        if (!cl) return false;
        for (const x of cl)
          if (!chosen.has(x)) {
            chosen.add(x);
            victims.push(x);
            loss += W[ownRank[x]];
          }
        return true;
      };
      // anti-affinity: members ever on h leave, or give way
      const g = s.components[i].antiAffinity;
      if (g) {
        for (const m of aaOn[h]) {
          if (m === i || s.components[m].antiAffinity !== g) continue;
          if (departsFrom(m, h)) waits.push(m);
          else if (!take(m)) return null;
          else if (state[m] === 0 && home[m] === h) waits.push(m);
        }
        for (const m of arrOn[h]) if (m !== i && s.components[m].antiAffinity === g && !take(m)) return null;
      }
      // capacity on h
      let needCpu = initCpu[h] + inCpu[h] + (atHome ? 0 : cpu[i]) - capCpu[h];
      let needMem = initMem[h] + inMem[h] + (atHome ? 0 : mem[i]) - capMem[h];
      for (const v of victims)
        if (endHost(v) === h) {
          needCpu -= cpu[v];
          needMem -= mem[v];
        }
      for (const m of waits) {
        needCpu -= cpu[m];
        needMem -= mem[m];
      }
      if (needCpu > EPS || needMem > EPS) {
        // staying home after others counted this component gone: credit only shutdowns (no waits of their own),
        // which every arrival on h then waits on too (see the commit below)
        const gone = tentOn[h].filter(
          (t) => t !== i && departsFrom(t, h) && !waits.includes(t) && (!atHome || !frozen || shed[t] === 1),
        );
        gone.sort(
          (a, b) => shed[b] - shed[a] || rank[b] - rank[a] || cpu[b] + mem[b] - cpu[a] - mem[a] || a - b,
        );
        for (const t of gone) {
          if (needCpu <= EPS && needMem <= EPS) break;
          waits.push(t);
          needCpu -= cpu[t];
          needMem -= mem[t];
        }
      }
      if (needCpu > EPS || needMem > EPS) {
        const pool: number[] = [];
        for (const t of tentOn[h])
          if (t !== i && placed[t] === h && rank[t] > r && !chosen.has(t)) pool.push(t);
        for (const t of arrOn[h]) if (t !== i && rank[t] > r && !chosen.has(t)) pool.push(t);
        pool.sort(
          (a, b) =>
            rank[b] - rank[a] ||
            Math.max(cpu[b] / capCpu[h], mem[b] / capMem[h]) -
              Math.max(cpu[a] / capCpu[h], mem[a] / capMem[h]) ||
            a - b,
        );
        for (const t of pool) {
          if (needCpu <= EPS && needMem <= EPS) break;
          const before = victims.length;
          if (!take(t)) continue;
          for (let k = before; k < victims.length; k++)
            if (endHost(victims[k]) === h) {
              needCpu -= cpu[victims[k]];
              needMem -= mem[victims[k]];
            }
        }
        if (needCpu > EPS || needMem > EPS) return null;
      }
      for (const v of victims) if (state[v] === 0 && endHost(v) === h && home[v] === h) waits.push(v);
      if (waits.length && frozen && !atHome && reaches(waits, i)) return null;
      // power at the end: every feed and UPS of h
      if (draws[h]) {
        const pd = new Map<number, number>();
        const ud = new Map<number, number>();
        const addTo = (hh: number, w: number): void => {
          if (!draws[hh] || w === 0) return;
          const F = feedsOf[hh];
          for (const p of F) pd.set(p, (pd.get(p) ?? 0) + w / F.length);
          for (let q = 0, L = upsShareOf[hh]; q < L.length; q += 2)
            ud.set(L[q], (ud.get(L[q]) ?? 0) + w * L[q + 1]);
        };
        addTo(h, wattsOf(i, h));
        if (atSource[i]) addTo(home[i], -wattsOf(i, home[i]));
        for (const v of victims) {
          const e = endHost(v);
          if (e >= 0) addTo(e, -wattsOf(v, e));
        }
        const overP = (p: number): number => pduComm[p] + (pd.get(p) ?? 0) - (pduCap[p] - EPS);
        const overU = (u: number): number => upsComm[u] + (ud.get(u) ?? 0) - (upsCap[u] - EPS);
        const shedOn = (hostList: number[], over: () => number): boolean => {
          if (over() <= 0) return true;
          const pool: number[] = [];
          for (const hh of hostList) {
            for (const t of tentOn[hh])
              if (placed[t] === hh && rank[t] > r && !chosen.has(t) && t !== i) pool.push(t);
            for (const t of arrOn[hh]) if (rank[t] > r && !chosen.has(t) && t !== i) pool.push(t);
          }
          pool.sort(
            (a, b) =>
              rank[b] - rank[a] || cpu[b] * wPerMhz[endHost(b)] - cpu[a] * wPerMhz[endHost(a)] || a - b,
          );
          for (const t of pool) {
            if (over() <= 0) break;
            if (chosen.has(t)) continue;
            const before = victims.length;
            if (!take(t)) continue;
            for (let k = before; k < victims.length; k++) {
              const e = endHost(victims[k]);
              if (e >= 0) addTo(e, -wattsOf(victims[k], e));
            }
          }
          return over() <= 0;
        };
        for (const p of feedsOf[h]) if (!shedOn(hostsOnPdu[p], () => overP(p))) return null;
        for (let q = 0, L = upsShareOf[h]; q < L.length; q += 2) {
          const u = L[q];
          if (!shedOn(hostsOnUps[u], () => overU(u))) return null;
        }
        for (const [p] of pd) if (overP(p) > 0) return null;
        for (const [u] of ud) if (overU(u) > 0) return null;
      }
      return { host: h, xv, victims, waits, loss, score: (atHome ? -1 : 0) + score(i, h) };
    };

    for (let r = 0; r < 4; r++) {
      for (let pass = 0; pass < 3; pass++) {
        let changed = false;
        for (const i of order) {
          if (rank[i] !== r || placed[i] >= 0 || state[i] === 2 || dep.blocked[i]) continue;
          if (state[i] === 0 && role[i] !== Role.Evacuee && !shed[i]) continue;
          // a powered-off component starts after its dependencies; a running one stops only with a dependency
          // that the plan shuts down (one already down does not force it off)
          if (
            state[i] === 1 ? !dep.deps[i].every((j) => isRunningAtEnd(j)) : dep.deps[i].some((j) => shed[j])
          )
            continue;
          const c = s.components[i];
          const frozen = waitedBy[i] > 0;
          let best: Trial | null = null;
          const tiers = state[i] === 1 || r > XVMOTION_MAX_RANK ? [false] : [false, true];
          for (const xv of tiers) {
            const list = candidates(c, xv);
            const hosts =
              state[i] === 0 && !xv && usable[home[i]] && !list.includes(home[i]) ? [home[i], ...list] : list;
            for (const h of hosts) {
              const t = tryRepair(i, h, xv, frozen);
              if (
                t &&
                (!best ||
                  t.loss < best.loss ||
                  (t.loss === best.loss &&
                    (t.victims.length < best.victims.length ||
                      (t.victims.length === best.victims.length && t.score < best.score))))
              )
                best = t;
            }
            if (best) break;
          }
          if (!best) continue;
          for (const v of best.victims) evict(v, i);
          const wasLeft = state[i] === 0 && !shed[i];
          shed[i] = 0;
          forcedBy[i] = -1;
          blockedBy.delete(i);
          if (best.host === home[i] && state[i] === 0) {
            placed[i] = best.host;
            commCpu[best.host] += cpu[i];
            commMem[best.host] += mem[i];
            addWatts(best.host, wattsOf(i, best.host), -1); // a shed component's draw was taken off
            stayCount[best.host]++;
            if (frozen && best.waits.length) {
              // arrivals on h counted this component gone: they now wait for the room its stay is paid with
              for (const x of arrOn[best.host]) {
                const w = [...new Set([...(waitOn.get(x) ?? []), ...best.waits])].sort((a, b) => a - b);
                for (const t of w) waitedBy[t]++;
                for (const t of waitOn.get(x) ?? []) waitedBy[t]--;
                waitOn.set(x, w);
              }
            }
            best.waits = [];
          } else {
            commit(i, {
              host: best.host,
              xv: best.xv,
              capVictims: [],
              powerVictims: [],
              waitOn: [],
              free: false,
            });
            arrOn[best.host].push(i);
            if (wasLeft) {
              stayCount[home[i]]--;
              releaseIdle(home[i]);
            }
          }
          if (best.waits.length) {
            const w = [...new Set(best.waits)].sort((a, b) => a - b);
            waitOn.set(i, w);
            for (const t of w) waitedBy[t]++;
          }
          changed = true;
        }
        if (!changed) break;
      }
    }
    // victims that had to go and could not move: their running dependents were taken with them above
  }

  function dyingWhy(h: number): string {
    const host = s.hosts[h];
    if (live.leaving.has(host.id)) return `${host.id} is being evacuated for maintenance`;
    const ups = [...new Set(host.pdus.map((p) => s.power.pdus[pduIdx.get(p)!].ups))].sort();
    return `no live feed on ${host.id} at the deadline (${ups.join('/')} on battery)`;
  }
  function feedNames(h: number): string {
    return feedsOf[h].map((p) => s.power.pdus[p].id).join('/');
  }
  function noPlaceReason(i: number): string {
    const c = s.components[i];
    const list = candidates(c, false);
    const sees = [...c.datastores, ...c.networks].join(', ') || 'nothing in particular';
    const need = `${c.sensitive ? 'attested ' : ''}host seeing ${sees}`;
    if (list.filter((h) => h !== home[i]).length === 0) return `no usable ${need} on a live feed`;
    return `no ${need} with ${Math.ceil(cpu[i])} MHz / ${Math.ceil(mem[i] / 1024)} GiB free under ${pct(util)} and power budget left (${list.length} candidates checked, lower layers already given way)`;
  }

  // ---- actions
  const acts: SchedAction[] = [];
  const depart = new Int32Array(N).fill(-1); // action index that takes i off its host
  const arrive = new Int32Array(N).fill(-1);
  const deadlineS = live.deadlineSeconds;
  for (let i = 0; i < N; i++) {
    const c = s.components[i];
    const r = rank[i];
    if (shed[i] && state[i] === 0) {
      const mode = policyOf(c) === 'poweroff' ? 'poweroff' : 'guest';
      depart[i] = acts.length;
      acts.push({
        kind: 'shutdown',
        comp: i,
        host: home[i],
        mode,
        rank: r,
        duration: actionSeconds('shutdown', c, limits, mode),
        preds: [],
        waits: [],
        res: [],
        reason: `${c.layer} on ${c.host}: ${shedWhy(i)}`,
      });
    } else if (placed[i] >= 0 && (placed[i] !== home[i] || state[i] === 1)) {
      const to = placed[i];
      const kind = state[i] === 1 ? 'poweron' : xvTo.has(i) ? 'xvmotion' : 'vmotion';
      const idx = acts.length;
      if (state[i] === 0) depart[i] = idx;
      arrive[i] = idx;
      acts.push({
        kind,
        comp: i,
        host: to,
        from: state[i] === 0 ? home[i] : -1,
        toDs: xvTo.get(i),
        rank: r,
        duration: actionSeconds(kind, c, limits),
        preds: [],
        waits: [],
        res: [],
        reason: `${c.layer}${r < ownRank[i] ? ` (serves ${layerOfRank(r)} dependents)` : ''}: ${why.get(i) ?? 'needs a place'}; ${destWhy(i, to)}`,
      });
    }
  }
  // exit-maintenance (power_restored) for hosts coming back
  const exitAct = new Map<number, number>();
  for (let h = 0; h < H; h++) {
    if (!live.exiting.has(s.hosts[h].id)) continue;
    exitAct.set(h, acts.length);
    acts.push({
      kind: 'exit-maintenance',
      comp: -1,
      host: h,
      rank: 0,
      duration: actionSeconds('exit-maintenance', undefined, limits),
      preds: [],
      waits: [],
      res: [],
      reason: `power restored on ${s.event.target}: ${s.hosts[h].id} has a live feed again and leaves maintenance`,
    });
  }
  // maintenance for dying/leaving hosts that end empty
  const stays = new Uint32Array(H);
  const departures: number[][] = Array.from({ length: H }, () => []);
  for (let i = 0; i < N; i++) {
    if (state[i] !== 0) continue;
    if (depart[i] >= 0) departures[home[i]].push(depart[i]);
    else stays[home[i]]++;
  }
  let hostsEvacuated = 0;
  for (let h = 0; h < H; h++) {
    const host = s.hosts[h];
    if (alive[h] || live.failed.has(host.id) || host.maintenance || !host.connected || stays[h] > 0) continue;
    if (departures[h].length > 0) hostsEvacuated++;
    acts.push({
      kind: 'maintenance',
      comp: -1,
      host: h,
      rank: 0,
      duration: actionSeconds('maintenance', undefined, limits),
      preds: departures[h].slice(),
      waits: [],
      res: [],
      reason: live.leaving.has(host.id)
        ? `evacuated; enters maintenance as requested`
        : `${departures[h].length ? 'evacuated' : 'empty'}; no live feed at the deadline, enters maintenance (standby) before ${[...new Set(host.pdus.map((p) => s.power.pdus[pduIdx.get(p)!].ups))].sort().join('/')} runs out`,
    });
  }
  // precedence: dependents stop first; dependencies start first; arrivals wait for the victims they displaced
  for (const a of acts) {
    if (a.comp < 0) continue;
    const i = a.comp;
    if (a.kind === 'shutdown') {
      for (const t of dep.dependents[i])
        if (depart[t] >= 0 && acts[depart[t]].kind === 'shutdown') a.preds.push(depart[t]);
    } else {
      // a dependency's power-on is an inherent precedence; its move is only waited on (not in the lower bound)
      if (a.kind === 'poweron')
        for (const j of dep.deps[i])
          if (arrive[j] >= 0) (acts[arrive[j]].kind === 'poweron' ? a.preds : a.waits).push(arrive[j]);
      const ex = exitAct.get(a.host);
      if (ex !== undefined) a.preds.push(ex);
      for (const t of waitOn.get(i) ?? []) if (depart[t] >= 0) a.waits.push(depart[t]);
    }
  }
  const sched = schedule(s, acts);

  // ---- outputs
  const safe = new Uint8Array(N);
  const lastEnd = new Float64Array(N);
  for (const a of acts) if (a.comp >= 0) lastEnd[a.comp] = Math.max(lastEnd[a.comp], a.end!);
  const atRisk: Record<Layer, number> = { critical: 0, high: 0, medium: 0, low: 0 };
  const unplaced: Unplaced[] = [];
  for (let i = 0; i < N; i++) {
    if (state[i] === 2) continue;
    const c = s.components[i];
    const at = placed[i] >= 0 ? placed[i] : state[i] === 0 && !shed[i] ? home[i] : -1;
    if (at >= 0 && alive[at] && lastEnd[i] <= deadlineS) safe[i] = 1;
    if (!safe[i] && !shed[i]) atRisk[c.layer]++;
    if (placed[i] < 0 && (shed[i] || !safe[i]))
      unplaced.push({
        component: c.id,
        layer: c.layer,
        reason: blockedBy.get(i) ?? (why.get(i) ? `${why.get(i)}; no place found` : 'no place found'),
      });
    else if (placed[i] >= 0 && !safe[i])
      unplaced.push({
        component: c.id,
        layer: c.layer,
        reason: `placed on ${s.hosts[placed[i]].id} but the move ends at ${lastEnd[i]} s, after the deadline (${deadlineS} s)`,
      });
  }
  unplaced.sort((a, b) => layerRank(a.layer) - layerRank(b.layer) || cmp(a.component, b.component));

  const actions: PlanAction[] = sched.order.map((k) => {
    const a = acts[k];
    const out: PlanAction = {
      wave: sched.wave[k],
      kind: a.kind,
      startSeconds: a.start!,
      endSeconds: a.end!,
      reason: a.reason,
    };
    if (a.comp >= 0) out.component = s.components[a.comp].id;
    if (a.kind === 'maintenance' || a.kind === 'exit-maintenance') out.host = s.hosts[a.host].id;
    if (a.kind === 'shutdown') out.mode = a.mode;
    if (a.kind === 'vmotion' || a.kind === 'xvmotion') {
      out.from = s.hosts[a.from!].id;
      out.to = s.hosts[a.host].id;
    }
    if (a.kind === 'poweron') out.to = s.hosts[a.host].id;
    if (a.toDs) out.toDatastores = a.toDs;
    return out;
  });
  let moves = 0;
  let shutdowns = 0;
  for (const a of actions) {
    if (a.kind === 'vmotion' || a.kind === 'svmotion' || a.kind === 'xvmotion') moves++;
    if (a.kind === 'shutdown') shutdowns++;
  }
  const result: Plan = {
    version: 1,
    scenario: scenarioHash(s),
    summary: {
      criticalAtRisk: atRisk.critical,
      atRiskByLayer: atRisk,
      moves,
      shutdowns,
      hostsEvacuated,
      makespanSeconds: sched.makespan,
      deadlineSeconds: deadlineS,
      lowerBoundSeconds: sched.lowerBound,
      plannerMs: 0,
    },
    actions,
    unplaced,
  };
  result.summary.plannerMs = Math.round((now() - t0) * 1000) / 1000;
  return result;

  function shedWhy(i: number): string {
    if (forcedBy[i] >= 0)
      return `dependency ${s.components[forcedBy[i]].id} is shut down, so its dependents stop first`;
    if (role[i] === Role.Evacuee)
      return `${why.get(i)}; no place elsewhere: shut down cleanly now, ${s.event.type === 'maintenance' ? 'before its host enters maintenance' : 'before the power goes'}`;
    if (displacedBy[i] >= 0) {
      const by = s.components[displacedBy[i]];
      return `shed to make room (capacity or power) for ${by.layer} ${by.id}; ${blockedBy.get(i) ?? 'no other place'}`;
    }
    return `${why.get(i) ?? 'over budget'}; shed to bring it within budget`;
  }
  function destWhy(i: number, h: number): string {
    const host = s.hosts[h];
    const ups = [...new Set(feedsOf[h].map((p) => s.power.pdus[p].ups))].sort();
    const parts = [
      `${host.id} on ${ups.join('/')} (live${feedsOf[h].length > 1 ? ', redundant feeds' : ''})`,
    ];
    if (s.components[i].sensitive) parts.push('attested');
    if (xvTo.has(i)) parts.push(`storage to ${xvTo.get(i)!.join(',')}`);
    parts.push(
      `${Math.round((100 * commCpu[h]) / host.cpuMhz)}% CPU / ${Math.round((100 * commMem[h]) / host.memMb)}% memory after the plan`,
    );
    const w = waitOn.get(i);
    if (w?.length) parts.push(`starts after ${w.map((t) => s.components[t].id).join(',')} leave`);
    else parts.push(rank[i] === 0 ? 'starts first: critical' : `queued by layer (${LAYERS[rank[i]]})`);
    return parts.join(', ');
  }
}

function pct(x: number): string {
  return `${Math.round(x * 100)}%`;
}
export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
