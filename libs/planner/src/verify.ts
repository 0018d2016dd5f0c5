import type { Layer, Plan, PlanAction, Scenario } from '@app/domain';
import {
  actionSeconds,
  dependencyInfo,
  demandOf,
  fixedOn,
  initialState,
  liveness,
  MOVE_KINDS,
  XVMOTION_MAX_RANK,
} from './model';
import { resourceCapacity, resourcesOf } from './schedule';

export interface Violation {
  rule: number;
  detail: string;
}

const EPS = 1e-6;
const INF = Number.POSITIVE_INFINITY;

interface Stay {
  host: string;
  from: number;
  to: number;
}

/**
 * Checks a plan against rules 1-6, 8 and 9 of SCENARIO.md (rule 7, determinism, needs two runs: tests do it).
 * Written independently of the planner's bookkeeping: it replays the actions and recomputes everything from the
 * scenario. Interpretations (docs/planner.md): rule 1 is checked on every host that receives a component, at
 * each arrival; rule 4 asks, for every component the plan leaves without a place, whether some usable host would
 * take it if every strictly lower (effective) layer that can be shut down gave way, counting as occupied whatever
 * of its own or a higher layer is on that host at any time of the schedule.
 */
export interface VerifyOptions {
  /** Collects components left without a place although the plan's end state has free room for them (no rule
   * is broken: nothing of a lower layer keeps that room; it is value the plan left on the table). */
  unusedRoom?: string[];
}

export function verifyPlan(s: Scenario, p: Plan, opts: VerifyOptions = {}): Violation[] {
  const out: Violation[] = [];
  const v = (rule: number, detail: string): void => void out.push({ rule, detail });
  const live = liveness(s);
  const deadline = live.deadlineSeconds;
  const hostById = live.hostById;
  const N = s.components.length;
  const cIdx = new Map<string, number>();
  s.components.forEach((c, i) => cIdx.set(c.id, i));
  const util = s.limits.maxHostUtilization;
  const dem = s.components.map((c) => demandOf(s, c));
  const state = s.components.map((c) => initialState(s, c));
  const dep = dependencyInfo(
    s,
    (i) => state[i] === 'running',
    (i) => fixedOn(s, live, i),
    (i) => state[i] !== 'ignored',
  );

  // ---- replay
  const stays: Stay[][] = Array.from({ length: N }, () => []);
  const compActs: PlanAction[][] = Array.from({ length: N }, () => []);
  const hostActs = new Map<string, PlanAction[]>();
  const on: (string | null)[] = s.components.map((c, i) => (state[i] === 'running' ? c.host : null));
  const since = new Float64Array(N);
  const shutdownOf = new Map<number, PlanAction>();
  const arrivalOf = new Map<number, PlanAction>();
  const sortedActs = [...p.actions].sort((a, b) => a.startSeconds - b.startSeconds);
  for (const a of sortedActs) {
    if (a.component !== undefined) {
      const i = cIdx.get(a.component);
      if (i === undefined) {
        v(2, `action ${a.kind} names unknown component ${a.component}`);
        continue;
      }
      compActs[i].push(a);
    } else if (a.host !== undefined) {
      if (!hostById.has(a.host)) v(2, `action ${a.kind} names unknown host ${a.host}`);
      else {
        const l = hostActs.get(a.host);
        if (l) l.push(a);
        else hostActs.set(a.host, [a]);
      }
    } else v(2, `action ${a.kind} names neither a component nor a host`);
  }
  for (let i = 0; i < N; i++) {
    const c = s.components[i];
    for (const a of compActs[i]) {
      const cur = on[i];
      if (cur && !hostById.get(cur)!.connected) v(2, `${a.kind} of ${c.id} on disconnected host ${cur}`);
      if (a.kind === 'shutdown') {
        if (!cur) v(2, `shutdown of ${c.id}, which is not running`);
        else stays[i].push({ host: cur, from: since[i], to: a.endSeconds });
        if (c.shutdown === 'never') v(4, `${c.id} has shutdown policy never but is shut down`);
        on[i] = null;
        shutdownOf.set(i, a);
      } else if (a.kind === 'vmotion' || a.kind === 'xvmotion') {
        if (!cur || a.from !== cur)
          v(2, `${a.kind} of ${c.id} from ${a.from} but it runs on ${cur ?? 'nothing'}`);
        if (cur) stays[i].push({ host: cur, from: since[i], to: a.endSeconds });
        on[i] = a.to ?? null;
        since[i] = a.startSeconds;
        arrivalOf.set(i, a);
      } else if (a.kind === 'poweron') {
        if (cur) v(2, `poweron of ${c.id}, which is already running on ${cur}`);
        if (state[i] === 'ignored') v(2, `poweron of ${c.id}, which is out of this event's scope`);
        on[i] = a.to ?? null;
        since[i] = a.startSeconds;
        arrivalOf.set(i, a);
      } else if (a.kind === 'svmotion') {
        if (!cur) v(2, `svmotion of ${c.id}, which is not running`);
      } else v(2, `${a.kind} names a component`);
    }
    if (on[i]) stays[i].push({ host: on[i]!, from: since[i], to: INF });
  }
  // host state at the end
  const maintAt = new Map<string, number>();
  const exitAt = new Map<string, number>();
  for (const [h, acts] of hostActs)
    for (const a of acts) {
      if (a.kind === 'maintenance') maintAt.set(h, a.startSeconds);
      else if (a.kind === 'exit-maintenance') {
        if (!hostById.get(h)!.maintenance) v(2, `exit-maintenance of ${h}, which is not in maintenance`);
        exitAt.set(h, a.endSeconds);
      } else v(2, `${a.kind} names a host`);
    }
  const inMaintEnd = (h: string): boolean =>
    maintAt.has(h) || (hostById.get(h)!.maintenance && !exitAt.has(h));
  const presentOn = new Map<string, number[]>();
  for (let i = 0; i < N; i++)
    for (const st of stays[i]) {
      const l = presentOn.get(st.host) ?? [];
      if (l[l.length - 1] !== i) l.push(i); // a component's stays are listed together
      presentOn.set(st.host, l);
    }

  // ---- rules 2, 3: destinations
  for (const [i, a] of arrivalOf) {
    const c = s.components[i];
    const h = a.to ? hostById.get(a.to) : undefined;
    if (!h) {
      v(2, `${a.kind} of ${c.id} to unknown host ${a.to}`);
      continue;
    }
    if (!live.alive.get(h.id))
      v(2, `${c.id} moved to ${h.id}, which has no live feed at the deadline (or is failed/leaving)`);
    if (!h.connected) v(2, `${c.id} moved to disconnected ${h.id}`);
    if (maintAt.has(h.id)) v(2, `${c.id} moved to ${h.id}, which the plan puts in maintenance`);
    if (h.maintenance && !(exitAt.has(h.id) && exitAt.get(h.id)! <= a.startSeconds))
      v(2, `${c.id} moved to ${h.id} while it is in maintenance`);
    if (!c.networks.every((n) => h.networks.includes(n)))
      v(2, `${c.id} moved to ${h.id}, which lacks its networks`);
    const ds = a.kind === 'xvmotion' ? (a.toDatastores ?? []) : c.datastores;
    if (a.kind === 'xvmotion' && ds.length === 0) v(2, `xvmotion of ${c.id} without toDatastores`);
    if (!ds.every((d) => h.datastores.includes(d)))
      v(2, `${c.id} moved to ${h.id}, which does not see ${ds.join(',')}`);
    if (c.sensitive && !h.attested) v(3, `sensitive ${c.id} moved to unattested ${h.id}`);
  }
  for (const [h, t] of maintAt) {
    for (const i of presentOn.get(h) ?? [])
      for (const st of stays[i])
        if (st.host === h && st.to > t)
          v(2, `${h} enters maintenance at ${t} s while ${s.components[i].id} is on it`);
  }

  // ---- rule 1: capacity at every arrival
  const checked = new Set<string>();
  for (const a of arrivalOf.values()) {
    const h = a.to;
    const t = a.startSeconds;
    if (!h || !hostById.has(h) || checked.has(h + '@' + t)) continue;
    checked.add(h + '@' + t);
    const host = hostById.get(h)!;
    let cpu = 0;
    let mem = 0;
    for (const i of presentOn.get(h) ?? [])
      for (const st of stays[i])
        if (st.host === h && st.from <= t && t < st.to) {
          cpu += dem[i].cpuMhz;
          mem += dem[i].memMb;
        }
    if (cpu > host.cpuMhz * util + EPS || mem > host.memMb * util + EPS)
      v(
        1,
        `${h} at ${t} s: ${Math.round(cpu)} MHz / ${Math.round(mem)} MB above ${util} of ${host.cpuMhz} MHz / ${host.memMb} MB`,
      );
  }

  // ---- rule 5: anti-affinity and dependency order
  for (const [i, a] of arrivalOf) {
    const g = s.components[i].antiAffinity;
    if (!g || !a.to) continue;
    for (const j of presentOn.get(a.to) ?? []) {
      if (j === i || s.components[j].antiAffinity !== g) continue;
      for (const st of stays[j])
        if (st.host === a.to && st.to > a.startSeconds)
          v(5, `${s.components[i].id} and ${s.components[j].id} (group ${g}) share ${a.to}`);
    }
  }
  for (const [i, a] of shutdownOf)
    for (const t of dep.dependents[i]) {
      if (state[t] !== 'running') continue;
      const sd = shutdownOf.get(t);
      if (!sd)
        v(5, `${s.components[i].id} shuts down while its dependent ${s.components[t].id} keeps running`);
      else if (sd.endSeconds > a.startSeconds)
        v(5, `${s.components[i].id} shuts down before its dependent ${s.components[t].id} has stopped`);
    }
  for (const [i, a] of arrivalOf) {
    if (a.kind !== 'poweron') continue;
    for (const j of dep.deps[i]) {
      const ok =
        state[j] === 'running'
          ? true
          : arrivalOf.get(j)?.kind === 'poweron' && arrivalOf.get(j)!.endSeconds <= a.startSeconds;
      if (!ok) v(5, `${s.components[i].id} powers on before its dependency ${s.components[j].id} runs`);
    }
  }

  // ---- rule 6: durations and concurrency
  const res = new Map<string, [number, number][]>();
  for (const a of p.actions) {
    const i = a.component !== undefined ? cIdx.get(a.component) : undefined;
    const c = i !== undefined ? s.components[i] : undefined;
    const want = actionSeconds(a.kind, c, s.limits, a.mode);
    if (a.startSeconds < 0 || a.endSeconds - a.startSeconds !== want)
      v(
        6,
        `${a.kind} ${a.component ?? a.host} lasts ${a.endSeconds - a.startSeconds} s from ${a.startSeconds}; the model says ${want} s`,
      );
    for (const k of resourcesOf(
      s,
      a.kind,
      c?.datastores ?? [],
      a.from,
      a.to ?? (a.kind === 'svmotion' ? c?.host : undefined),
      a.toDatastores,
    )) {
      const l = res.get(k) ?? [];
      l.push([a.startSeconds, a.endSeconds]);
      res.set(k, l);
    }
  }
  for (const [k, l] of res) {
    const ev = l
      .flatMap(([a, b]) => [[a, 1] as const, [b, -1] as const])
      .sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    let cur = 0;
    let max = 0;
    for (const [, d] of ev) max = Math.max(max, (cur += d));
    if (max > resourceCapacity(s, k)) v(6, `${max} concurrent on ${k} (limit ${resourceCapacity(s, k)})`);
  }

  // ---- rule 8: counts and bounds
  const atRisk: Record<Layer, number> = { critical: 0, high: 0, medium: 0, low: 0 };
  const safe = new Uint8Array(N);
  for (let i = 0; i < N; i++) {
    if (state[i] === 'ignored') continue;
    const h = on[i];
    let lastEnd = 0;
    for (const a of compActs[i]) lastEnd = Math.max(lastEnd, a.endSeconds);
    if (h && live.alive.get(h) && !inMaintEnd(h) && lastEnd <= deadline) safe[i] = 1;
    else if (!shutdownOf.has(i)) atRisk[s.components[i].layer]++;
  }
  const sm = p.summary;
  for (const l of ['critical', 'high', 'medium', 'low'] as const)
    if (sm.atRiskByLayer[l] !== atRisk[l])
      v(8, `atRiskByLayer.${l} is ${sm.atRiskByLayer[l]}, recount gives ${atRisk[l]}`);
  if (sm.criticalAtRisk !== atRisk.critical)
    v(8, `criticalAtRisk is ${sm.criticalAtRisk}, recount gives ${atRisk.critical}`);
  let makespan = 0;
  for (const a of p.actions) makespan = Math.max(makespan, a.endSeconds);
  if (sm.makespanSeconds !== makespan)
    v(8, `makespanSeconds ${sm.makespanSeconds}, actions end at ${makespan}`);
  if (sm.deadlineSeconds !== deadline)
    v(8, `deadlineSeconds ${sm.deadlineSeconds}, the model gives ${deadline}`);
  if (sm.moves !== p.actions.filter((a) => MOVE_KINDS.has(a.kind)).length) v(8, 'moves miscounted');
  if (sm.shutdowns !== p.actions.filter((a) => a.kind === 'shutdown').length) v(8, 'shutdowns miscounted');
  const lb = lowerBound(s, p);
  if (sm.lowerBoundSeconds > makespan)
    v(8, `lowerBoundSeconds ${sm.lowerBoundSeconds} above the makespan ${makespan}`);
  if (sm.lowerBoundSeconds > lb)
    v(8, `lowerBoundSeconds ${sm.lowerBoundSeconds} above the recomputed bound ${lb}`);

  // ---- rule 9: power after the plan
  const endCpu = new Map<string, number>();
  for (let i = 0; i < N; i++) if (on[i]) endCpu.set(on[i]!, (endCpu.get(on[i]!) ?? 0) + dem[i].cpuMhz);
  const pduW = new Map<string, number>();
  const upsOf = new Map(s.power.pdus.map((x) => [x.id, x.ups]));
  const hostDraw = (h: string, extraCpu: number): number => {
    const host = hostById.get(h)!;
    if (live.failed.has(h) || inMaintEnd(h)) return 0;
    return (
      host.powerIdleW +
      ((host.powerPeakW - host.powerIdleW) * ((endCpu.get(h) ?? 0) + extraCpu)) / host.cpuMhz
    );
  };
  for (const host of s.hosts) {
    const feeds = live.liveFeeds.get(host.id)!;
    if (feeds.length === 0) continue;
    const w = hostDraw(host.id, 0);
    for (const f of feeds) pduW.set(f, (pduW.get(f) ?? 0) + w / feeds.length);
  }
  const upsW = new Map<string, number>();
  for (const [f, w] of pduW) upsW.set(upsOf.get(f)!, (upsW.get(upsOf.get(f)!) ?? 0) + w);
  for (const x of s.power.pdus)
    if ((pduW.get(x.id) ?? 0) > x.capacityW + EPS)
      v(9, `PDU ${x.id} carries ${Math.round(pduW.get(x.id)!)} W > ${x.capacityW} W`);
  for (const x of s.power.ups)
    if ((upsW.get(x.id) ?? 0) > x.capacityW + EPS)
      v(9, `UPS ${x.id} carries ${Math.round(upsW.get(x.id)!)} W > ${x.capacityW} W`);

  // ---- rule 4: layers served in order
  const rank = dep.effRank;
  const evictable = (y: number, r: number): boolean => rank[y] > r && dep.sheddable[y] === 1;
  // per host, per rank: CPU/mem ever present, and the part that cannot be shed
  const occ = new Map<
    string,
    { cpu: Float64Array; mem: Float64Array; ucpu: Float64Array; umem: Float64Array }
  >();
  for (const [h, list] of presentOn) {
    const o = {
      cpu: new Float64Array(4),
      mem: new Float64Array(4),
      ucpu: new Float64Array(4),
      umem: new Float64Array(4),
    };
    for (const i of list) {
      o.cpu[rank[i]] += dem[i].cpuMhz;
      o.mem[rank[i]] += dem[i].memMb;
      if (!dep.sheddable[i]) {
        o.ucpu[rank[i]] += dem[i].cpuMhz;
        o.umem[rank[i]] += dem[i].memMb;
      }
    }
    occ.set(h, o);
  }
  // per PDU / UPS, per rank: watts of evictable comps running at the end
  const evictW = new Map<string, Float64Array>();
  const addEv = (k: string, r: number, w: number): void => {
    let a = evictW.get(k);
    if (!a) evictW.set(k, (a = new Float64Array(4)));
    a[r] += w;
  };
  for (let i = 0; i < N; i++) {
    const h = on[i];
    if (!h || !dep.sheddable[i] || live.failed.has(h) || inMaintEnd(h)) continue;
    const host = hostById.get(h)!;
    const feeds = live.liveFeeds.get(h)!;
    const w = ((host.powerPeakW - host.powerIdleW) * dem[i].cpuMhz) / host.cpuMhz;
    for (const f of feeds) {
      addEv('p:' + f, rank[i], w / feeds.length);
      addEv('u:' + upsOf.get(f)!, rank[i], w / feeds.length);
    }
  }
  const evSum = (k: string, r: number): number => {
    const a = evictW.get(k);
    let t = 0;
    if (a) for (let q = r + 1; q < 4; q++) t += a[q];
    return t;
  };
  const netSet = new Map(s.hosts.map((h) => [h.id, new Set(h.networks)]));
  const dsSet = new Map(s.hosts.map((h) => [h.id, new Set(h.datastores)]));
  // hosts a component could land on by what it needs (static part of the rule-4 scan), cached by need
  const hostsForCache = new Map<string, typeof s.hosts>();
  const hostsFor = (sensitive: boolean, nets: string[], dss: string[], xvOk: boolean): typeof s.hosts => {
    const key = JSON.stringify([sensitive, nets, dss, xvOk]);
    let list = hostsForCache.get(key);
    if (!list) {
      list = s.hosts.filter((host) => {
        const h = host.id;
        if (!live.usable.get(h) || maintAt.has(h) || (host.maintenance && !exitAt.has(h))) return false;
        if (sensitive && !host.attested) return false;
        if (!nets.every((n) => netSet.get(h)!.has(n))) return false;
        const sees = dss.every((d) => dsSet.get(h)!.has(d));
        return sees || (xvOk && host.datastores.length >= Math.max(1, dss.length));
      });
      hostsForCache.set(key, list);
    }
    return list;
  };
  const pduCap = new Map(s.power.pdus.map((x) => [x.id, x.capacityW]));
  const upsCap = new Map(s.power.ups.map((x) => [x.id, x.capacityW]));
  for (let i = 0; i < N; i++) {
    if (state[i] === 'ignored' || arrivalOf.has(i) || fixedOn(s, live, i) || dep.blocked[i]) continue;
    const c = s.components[i];
    const shut = shutdownOf.has(i);
    const stayedSafe = state[i] === 'running' && !shut && on[i] && live.alive.get(on[i]!);
    if (stayedSafe) continue;
    if (shut && dep.deps[i].some((j) => shutdownOf.has(j))) continue; // forced: a dependency stops, dependents first
    if (state[i] === 'down' && dep.deps[i].some((j) => !on[j])) continue; // cannot start before its dependencies
    const r = rank[i];
    const xvOk = state[i] === 'running' && r <= XVMOTION_MAX_RANK;
    for (const host of hostsFor(c.sensitive === true, c.networks, c.datastores, xvOk)) {
      const h = host.id;
      if (c.antiAffinity) {
        const blocked = (presentOn.get(h) ?? []).some(
          (y) => y !== i && s.components[y].antiAffinity === c.antiAffinity && !evictable(y, r),
        );
        if (blocked) continue;
      }
      const o = occ.get(h);
      const self = stays[i].some((st) => st.host === h); // itself, counted once
      const fitsWith = (evict: boolean): boolean => {
        let cpu = dem[i].cpuMhz;
        let mem = dem[i].memMb;
        if (o)
          for (let q = 0; q < 4; q++) {
            cpu += q <= r || !evict ? o.cpu[q] : o.ucpu[q];
            mem += q <= r || !evict ? o.mem[q] : o.umem[q];
          }
        if (self) {
          cpu -= dem[i].cpuMhz;
          mem -= dem[i].memMb;
        }
        if (cpu > host.cpuMhz * util + EPS || mem > host.memMb * util + EPS) return false;
        if (
          !evict &&
          c.antiAffinity &&
          (presentOn.get(h) ?? []).some((y) => y !== i && s.components[y].antiAffinity === c.antiAffinity)
        )
          return false;
        const feeds = live.liveFeeds.get(h)!;
        const w0 = hostDraw(h, dem[i].cpuMhz) - hostDraw(h, 0);
        const upsAdd = new Map<string, number>();
        for (const f of feeds) {
          if (
            (pduW.get(f) ?? 0) - (evict ? evSum('p:' + f, r) : 0) + w0 / feeds.length >
            pduCap.get(f)! + EPS
          )
            return false;
          upsAdd.set(upsOf.get(f)!, (upsAdd.get(upsOf.get(f)!) ?? 0) + w0 / feeds.length);
        }
        for (const [u, add] of upsAdd)
          if ((upsW.get(u) ?? 0) - (evict ? evSum('u:' + u, r) : 0) + add > upsCap.get(u)! + EPS)
            return false;
        return true;
      };
      if (!fitsWith(true)) continue;
      if (fitsWith(false)) {
        opts.unusedRoom?.push(`${c.id} (${c.layer}) fits on ${h} as the plan leaves it`);
        break;
      }
      v(4, `${c.layer} ${c.id} is left without a place, but ${h} would take it if lower layers gave way`);
      break;
    }
  }
  return out;
}

/** The documented bound, recomputed from the plan's actions: longest chain of inherent precedences, load per resource. */
export function lowerBound(s: Scenario, p: Plan): number {
  const acts = p.actions;
  const byComp = new Map<string, number>();
  acts.forEach(
    (a, k) =>
      a.component !== undefined && byComp.set(a.component + ':' + (a.kind === 'shutdown' ? 's' : 'a'), k),
  );
  const comps = new Map(s.components.map((c) => [c.id, c]));
  const preds: number[][] = acts.map(() => []);
  const dependentsOf = new Map<string, string[]>();
  for (const d of s.components)
    for (const j of d.dependsOn ?? []) {
      const l = dependentsOf.get(j);
      if (l) l.push(d.id);
      else dependentsOf.set(j, [d.id]);
    }
  const departuresFrom = new Map<string, number[]>();
  const exitOf = new Map<string, number>();
  acts.forEach((a, k) => {
    if (a.kind === 'exit-maintenance' && a.host) exitOf.set(a.host, k);
    const src = a.kind === 'shutdown' ? comps.get(a.component!)?.host : a.from;
    if (src && (a.kind === 'shutdown' || a.kind === 'vmotion' || a.kind === 'xvmotion')) {
      const l = departuresFrom.get(src);
      if (l) l.push(k);
      else departuresFrom.set(src, [k]);
    }
  });
  acts.forEach((a, k) => {
    const c = a.component !== undefined ? comps.get(a.component) : undefined;
    if (a.kind === 'shutdown' && c) {
      for (const d of dependentsOf.get(c.id) ?? [])
        if (byComp.has(d + ':s')) preds[k].push(byComp.get(d + ':s')!);
    }
    if (a.kind === 'poweron' && c)
      for (const j of c.dependsOn ?? [])
        if (acts[byComp.get(j + ':a') ?? -1]?.kind === 'poweron') preds[k].push(byComp.get(j + ':a')!);
    if (a.kind === 'maintenance' && a.host) preds[k].push(...(departuresFrom.get(a.host) ?? []));
    if (a.to && exitOf.has(a.to)) preds[k].push(exitOf.get(a.to)!);
  });
  const dur = acts.map((a) =>
    actionSeconds(a.kind, a.component ? comps.get(a.component) : undefined, s.limits, a.mode),
  );
  const memo = new Float64Array(acts.length).fill(-1);
  const fin = (k: number, depth = 0): number => {
    if (memo[k] >= 0) return memo[k];
    if (depth > acts.length) return 0;
    let st = 0;
    for (const q of preds[k]) st = Math.max(st, fin(q, depth + 1));
    return (memo[k] = st + dur[k]);
  };
  let lb = 0;
  for (let k = 0; k < acts.length; k++) lb = Math.max(lb, fin(k));
  const load = new Map<string, number>();
  acts.forEach((a, k) => {
    const c = a.component !== undefined ? comps.get(a.component) : undefined;
    for (const r of resourcesOf(
      s,
      a.kind,
      c?.datastores ?? [],
      a.from,
      a.to ?? (a.kind === 'svmotion' ? c?.host : undefined),
      a.toDatastores,
    ))
      load.set(r, (load.get(r) ?? 0) + dur[k]);
  });
  for (const [r, l] of load) lb = Math.max(lb, Math.ceil(l / resourceCapacity(s, r) - 1e-9));
  return lb;
}

export interface Outcome {
  safeByLayer: Record<Layer, number>;
  atRiskByLayer: Record<Layer, number>;
  shutByLayer: Record<Layer, number>;
  /** Sum of LAYER_WEIGHT over safe components (SCENARIO.md "What a better plan is"). */
  value: number;
  /** Value if every in-scope component were safe. */
  maxValue: number;
}

/** What a plan achieves, by replaying its actions (the checker's notion of safe / shut down / at risk). */
export function outcome(s: Scenario, p: Plan): Outcome {
  const live = liveness(s);
  const W: Record<Layer, number> = { critical: 1000, high: 100, medium: 10, low: 1 };
  const z = (): Record<Layer, number> => ({ critical: 0, high: 0, medium: 0, low: 0 });
  const o: Outcome = { safeByLayer: z(), atRiskByLayer: z(), shutByLayer: z(), value: 0, maxValue: 0 };
  const last = new Map<string, PlanAction>();
  const end = new Map<string, number>();
  for (const a of [...p.actions].sort((x, y) => x.startSeconds - y.startSeconds)) {
    if (a.component === undefined) continue;
    last.set(a.component, a);
    end.set(a.component, Math.max(end.get(a.component) ?? 0, a.endSeconds));
  }
  const maint = new Set(p.actions.filter((a) => a.kind === 'maintenance').map((a) => a.host!));
  const exit = new Set(p.actions.filter((a) => a.kind === 'exit-maintenance').map((a) => a.host!));
  for (const c of s.components) {
    const st = initialState(s, c);
    if (st === 'ignored') continue;
    o.maxValue += W[c.layer];
    const a = last.get(c.id);
    if (a?.kind === 'shutdown') {
      o.shutByLayer[c.layer]++;
      continue;
    }
    const h = a?.to ?? (st === 'running' ? c.host : undefined);
    const hm = h ? live.hostById.get(h) : undefined;
    const ok =
      hm &&
      live.alive.get(hm.id) &&
      !maint.has(hm.id) &&
      (!hm.maintenance || exit.has(hm.id)) &&
      (end.get(c.id) ?? 0) <= live.deadlineSeconds;
    if (ok) {
      o.safeByLayer[c.layer]++;
      o.value += W[c.layer];
    } else o.atRiskByLayer[c.layer]++;
  }
  return o;
}
