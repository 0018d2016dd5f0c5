import highsLoader from 'highs';
import type { Scenario } from '@app/domain';
import { LAYER_WEIGHT } from '@app/domain';
import { dependencyInfo, demandOf, fixedOn, initialState, liveness } from '@app/planner';

/**
 * Exact optimum of the placement value (SCENARIO.md: sum of layer weights of safe components) for one scenario,
 * as a MILP solved by HiGHS. What it models: x[c,h] = 1 when component c ends on host h (its own host or any usable
 * host that sees its datastores and networks, attested when sensitive); at most one host per component; CPU and
 * memory under maxHostUtilization on every host at the end; anti-affinity (one member per group per host); power:
 * every live PDU and UPS within capacityW with the rule 9 draw (every usable host on at idle); components that may
 * not stop (policy never, or fixed on a disconnected host) stay placed when they are on a live host; a dependency
 * shut down forces its running dependents off (x[dependent] <= sum x[dependency]). Objective: value, minus 1e-4 per
 * move (ties to fewer moves). What it leaves out: time (schedule, deadline, concurrency limits, capacity during the
 * moves), storage migrations (xvmotion), maintenance power savings, and power-on order. So its value is an upper
 * bound on what any plan keeping the rules can keep, up to those omissions (moves that cannot finish by the deadline
 * count as kept).
 */
export async function milpOptimum(
  s: Scenario,
  timeLimitS = 60,
): Promise<{ value: number; status: string; vars: number; seconds: number }> {
  const highs = await highsLoader();
  const live = liveness(s);
  const util = s.limits.maxHostUtilization;
  const usable = s.hosts.filter((h) => live.usable.get(h.id));
  const state = s.components.map((c) => initialState(s, c));
  const dep = dependencyInfo(
    s,
    (i) => state[i] === 'running',
    (i) => fixedOn(s, live, i),
    (i) => state[i] !== 'ignored',
  );
  const v = (i: number, h: number): string => `x_${i}_${h}`;
  const hostIndex = new Map(s.hosts.map((h, k) => [h.id, k]));
  const cand: number[][] = [];
  const obj: string[] = [];
  const rows: string[] = [];
  const bins: string[] = [];
  s.components.forEach((c, i) => {
    const list: number[] = [];
    if (state[i] !== 'ignored') {
      if (fixedOn(s, live, i)) {
        const k = hostIndex.get(c.host)!;
        if (live.alive.get(c.host)) list.push(k);
      } else
        s.hosts.forEach((h, k) => {
          if (!live.usable.get(h.id)) return;
          if (c.sensitive && !h.attested) return;
          if (
            !c.networks.every((n) => h.networks.includes(n)) ||
            !c.datastores.every((d) => h.datastores.includes(d))
          )
            return;
          list.push(k);
        });
    }
    cand.push(list);
    for (const k of list) {
      const moved = state[i] !== 'running' || s.hosts[k].id !== c.host;
      obj.push(`${LAYER_WEIGHT[c.layer] - (moved ? 1e-4 : 0)} ${v(i, k)}`);
      bins.push(v(i, k));
    }
    if (list.length) {
      const sum = list.map((k) => v(i, k)).join(' + ');
      const mustStay =
        state[i] === 'running' &&
        !dep.sheddable[i] &&
        live.alive.get(c.host) &&
        list.includes(hostIndex.get(c.host)!);
      rows.push(`one_${i}: ${sum} ${mustStay ? '=' : '<='} 1`);
    }
  });
  const onHost = new Map<number, number[]>();
  cand.forEach((l, i) => l.forEach((k) => onHost.set(k, [...(onHost.get(k) ?? []), i])));
  const dem = s.components.map((c) => demandOf(s, c));
  const pduTerms = new Map<string, string[]>();
  const pduConst = new Map<string, number>();
  const upsOf = new Map(s.power.pdus.map((p) => [p.id, p.ups]));
  for (const [k, list] of [...onHost.entries()].sort((a, b) => a[0] - b[0])) {
    const h = s.hosts[k];
    rows.push(
      `cpu_${k}: ${list.map((i) => `${dem[i].cpuMhz} ${v(i, k)}`).join(' + ')} <= ${h.cpuMhz * util}`,
    );
    rows.push(`mem_${k}: ${list.map((i) => `${dem[i].memMb} ${v(i, k)}`).join(' + ')} <= ${h.memMb * util}`);
    const groups = new Map<string, number[]>();
    for (const i of list)
      if (s.components[i].antiAffinity)
        groups.set(s.components[i].antiAffinity, [...(groups.get(s.components[i].antiAffinity) ?? []), i]);
    let g = 0;
    for (const [, m] of groups)
      if (m.length > 1) rows.push(`aa_${k}_${g++}: ${m.map((i) => v(i, k)).join(' + ')} <= 1`);
    const feeds = live.liveFeeds.get(h.id)!;
    for (const f of feeds)
      for (const i of list) {
        const w = ((h.powerPeakW - h.powerIdleW) * dem[i].cpuMhz) / h.cpuMhz / feeds.length;
        for (const key of ['p:' + f, 'u:' + upsOf.get(f)!])
          pduTerms.set(key, [...(pduTerms.get(key) ?? []), `${w} ${v(i, k)}`]);
      }
  }
  for (const h of usable) {
    const feeds = live.liveFeeds.get(h.id)!;
    for (const f of feeds)
      for (const key of ['p:' + f, 'u:' + upsOf.get(f)!])
        pduConst.set(key, (pduConst.get(key) ?? 0) + h.powerIdleW / feeds.length);
  }
  // disconnected hosts with a live feed draw too (their components are fixed: counted through x)
  for (const h of s.hosts) {
    if (live.usable.get(h.id) || !live.alive.get(h.id) || h.connected) continue;
    const feeds = live.liveFeeds.get(h.id)!;
    for (const f of feeds)
      for (const key of ['p:' + f, 'u:' + upsOf.get(f)!])
        pduConst.set(key, (pduConst.get(key) ?? 0) + h.powerIdleW / feeds.length);
  }
  const capOf = new Map<string, number>([
    ...s.power.pdus.map((p) => ['p:' + p.id, p.capacityW] as const),
    ...s.power.ups.map((u) => ['u:' + u.id, u.capacityW] as const),
  ]);
  let r = 0;
  for (const [key, terms] of [...pduTerms.entries()].sort())
    rows.push(`pw_${r++}: ${terms.join(' + ')} <= ${capOf.get(key)! - (pduConst.get(key) ?? 0)}`);
  // dependents stop when a dependency stops (running ones only)
  s.components.forEach((_c, i) => {
    if (state[i] !== 'running' || !cand[i].length) return;
    for (const j of dep.deps[i]) {
      if (state[j] !== 'running') continue;
      const lhs = cand[i].map((k) => v(i, k)).join(' + ');
      const rhs = cand[j].map((k) => ` - ${v(j, k)}`).join('');
      rows.push(`dep_${i}_${j}: ${lhs}${rhs} <= 0`);
    }
  });
  const lp = `Maximize\n obj: ${obj.join(' + ') || '0 x_dummy'}\nSubject To\n ${rows.join('\n ')}\nBinary\n ${bins.join('\n ')}\nEnd\n`;
  const t0 = performance.now();
  const res = highs.solve(lp, { time_limit: timeLimitS, mip_rel_gap: 0, output_flag: false });
  return {
    value: Math.round(res.ObjectiveValue),
    status: res.Status,
    vars: bins.length,
    seconds: (performance.now() - t0) / 1000,
  };
}
