import type { ActionKind, Scenario } from '@app/domain';

/** One action before timing. `host` is the destination (moves, power-on) or the subject (shutdown, maintenance). */
export interface SchedAction {
  kind: ActionKind;
  comp: number;
  host: number;
  from?: number;
  toDs?: string[] | undefined;
  mode?: 'guest' | 'poweroff';
  /** Effective layer rank: 0 critical .. 3 low; smaller runs first. */
  rank: number;
  duration: number;
  /** Precedences any plan with these actions must keep (dependency order, maintenance after departures). */
  preds: number[];
  /** Precedences this plan adds (an arrival waits for the departures that make room for it). */
  waits: number[];
  res: number[];
  reason: string;
  start?: number;
  end?: number;
}

export interface ScheduleResult {
  order: number[];
  wave: Int32Array;
  makespan: number;
  lowerBound: number;
}

const KIND_ORDER: Record<ActionKind, number> = {
  'exit-maintenance': 0,
  shutdown: 1,
  vmotion: 2,
  xvmotion: 3,
  svmotion: 4,
  poweron: 5,
  maintenance: 6,
};

/**
 * Concurrency resources an action occupies (SCENARIO.md limits): a vMotion takes one vMotion slot on its
 * source host, its destination host and each of its datastores; an xvmotion also takes a Storage vMotion slot
 * on both hosts and on every source and target datastore; shutdown, power-on and maintenance take none.
 * Returns resource keys; `capacity` gives each key's number of slots.
 */
export function resourcesOf(
  _s: Scenario,
  kind: string,
  compDs: string[],
  from: string | undefined,
  to: string | undefined,
  toDs: string[] | undefined,
): string[] {
  const out: string[] = [];
  if (kind === 'vmotion' || kind === 'xvmotion') {
    if (from) out.push('hv:' + from);
    if (to) out.push('hv:' + to);
    for (const d of compDs) out.push('dv:' + d);
  }
  if (kind === 'svmotion' || kind === 'xvmotion') {
    if (from) out.push('hs:' + from);
    if (to && to !== from) out.push('hs:' + to);
    for (const d of new Set([...compDs, ...(toDs ?? [])])) out.push('ds:' + d);
  }
  return out;
}
export function resourceCapacity(s: Scenario, key: string): number {
  const l = s.limits;
  switch (key.slice(0, 3)) {
    case 'hv:':
      return l.vmotionPerHost;
    case 'dv:':
      return l.vmotionPerDatastore;
    case 'hs:':
      return l.svmotionPerHost;
    default:
      return l.svmotionPerDatastore;
  }
}

class Heap {
  private a: number[] = [];
  constructor(private less: (x: number, y: number) => boolean) {}
  get size(): number {
    return this.a.length;
  }
  push(x: number): void {
    const a = this.a;
    a.push(x);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(a[i], a[p])) break;
      [a[i], a[p]] = [a[p], a[i]];
      i = p;
    }
  }
  pop(): number {
    const a = this.a;
    const top = a[0];
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.less(a[l], a[m])) m = l;
        if (r < a.length && this.less(a[r], a[m])) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m], a[i]];
        i = m;
      }
    }
    return top;
  }
}

/**
 * Serial schedule generation: actions become ready when their predecessors are timed; the ready action with the
 * most urgent layer (inherited from whatever waits on it), then the longest duration, is started at the earliest
 * time its predecessors and a free slot on each of its resources allow (each resource = k slots run in sequence,
 * so at most k of its actions overlap). Times are whole seconds.
 */
export function schedule(s: Scenario, acts: SchedAction[]): ScheduleResult {
  const n = acts.length;
  const hostId = (h: number | undefined): string | undefined =>
    h === undefined || h < 0 ? undefined : s.hosts[h].id;
  const resIndex = new Map<string, number>();
  const slots: Float64Array[] = [];
  const resLoad: number[] = [];
  for (const a of acts) {
    const c = a.comp >= 0 ? s.components[a.comp] : undefined;
    const keys = resourcesOf(s, a.kind, c?.datastores ?? [], hostId(a.from), hostId(a.host), a.toDs);
    a.res = keys.map((k) => {
      let r = resIndex.get(k);
      if (r === undefined) {
        r = slots.length;
        resIndex.set(k, r);
        slots.push(new Float64Array(resourceCapacity(s, k)));
        resLoad.push(0);
      }
      resLoad[r] += a.duration;
      return r;
    });
  }
  const succ: number[][] = Array.from({ length: n }, () => []);
  const indeg = new Uint32Array(n);
  for (let k = 0; k < n; k++) {
    for (const p of [...acts[k].preds, ...acts[k].waits]) {
      succ[p].push(k);
      indeg[k]++;
    }
  }
  // topological order for urgency inheritance and the lower bound
  const topo: number[] = [];
  const deg = indeg.slice();
  for (let k = 0; k < n; k++) if (deg[k] === 0) topo.push(k);
  for (let q = 0; q < topo.length; q++) for (const t of succ[topo[q]]) if (--deg[t] === 0) topo.push(t);
  if (topo.length !== n) throw new Error('planner bug: cyclic action precedences');
  const prio = Uint8Array.from(acts, (a) => a.rank);
  for (let q = n - 1; q >= 0; q--) {
    const k = topo[q];
    for (const t of succ[k]) prio[k] = Math.min(prio[k], prio[t]);
  }
  // lower bound: longest chain of inherent precedences; load on each resource over its slots
  const finish = new Float64Array(n);
  let lb = 0;
  for (const k of topo) {
    let st = 0;
    for (const p of acts[k].preds) st = Math.max(st, finish[p]);
    finish[k] = st + acts[k].duration;
    lb = Math.max(lb, finish[k]);
  }
  for (let r = 0; r < slots.length; r++) lb = Math.max(lb, Math.ceil(resLoad[r] / slots[r].length - 1e-9));

  const ready = new Float64Array(n);
  const heap = new Heap(
    (x, y) =>
      prio[x] < prio[y] ||
      (prio[x] === prio[y] &&
        (acts[x].duration > acts[y].duration || (acts[x].duration === acts[y].duration && x < y))),
  );
  for (let k = 0; k < n; k++) if (indeg[k] === 0) heap.push(k);
  let makespan = 0;
  while (heap.size > 0) {
    const k = heap.pop();
    const a = acts[k];
    let start = ready[k];
    for (const r of a.res) {
      const sl = slots[r];
      let min = Infinity;
      for (let j = 0; j < sl.length; j++) if (sl[j] < min) min = sl[j]!;
      if (min > start) start = min;
    }
    const end = start + a.duration;
    for (const r of a.res) {
      const sl = slots[r];
      let best = -1;
      for (let j = 0; j < sl.length; j++) if (sl[j] <= start && (best < 0 || sl[j] > sl[best])) best = j;
      sl[best] = end;
    }
    a.start = start;
    a.end = end;
    makespan = Math.max(makespan, end);
    for (const t of succ[k]) {
      ready[t] = Math.max(ready[t], end);
      if (--indeg[t] === 0) heap.push(t);
    }
  }
  const key = (a: SchedAction): string => (a.comp >= 0 ? s.components[a.comp].id : s.hosts[a.host].id);
  const order = Array.from({ length: n }, (_, k) => k).sort((x, y) => {
    const a = acts[x];
    const b = acts[y];
    if (a.start !== b.start) return a.start! - b.start!;
    if (a.kind !== b.kind) return KIND_ORDER[a.kind] - KIND_ORDER[b.kind];
    const ka = key(a);
    const kb = key(b);
    return ka < kb ? -1 : ka > kb ? 1 : x - y;
  });
  const wave = new Int32Array(n);
  let w = -1;
  let last = -1;
  for (const k of order) {
    if (acts[k].start !== last) {
      w++;
      last = acts[k].start!;
    }
    wave[k] = w;
  }
  return { order, wave, makespan, lowerBound: lb };
}
