import type { Layer, Plan, PlanAction, Scenario } from '@app/domain';
import { actionSeconds, initialState, liveness, scenarioHash } from '@app/planner';

/**
 * The seed's baseline, implemented as written: "moves each critical component to the single host with the most
 * free resources, each high one to the second, and shuts everything else down". Free resources = free CPU share +
 * free memory share of a usable host before the plan. No constraint is checked; every action starts at 0.
 */
export function baselinePlan(s: Scenario): Plan {
  const live = liveness(s);
  const used = new Map<string, { cpu: number; mem: number }>();
  for (const c of s.components) {
    if (initialState(s, c) !== 'running') continue;
    const u = used.get(c.host) ?? { cpu: 0, mem: 0 };
    u.cpu += c.cpuMhz;
    u.mem += c.memMb;
    used.set(c.host, u);
  }
  const free = (id: string): number => {
    const h = live.hostById.get(id)!;
    const u = used.get(id) ?? { cpu: 0, mem: 0 };
    return 1 - u.cpu / h.cpuMhz + 1 - u.mem / h.memMb;
  };
  const ranked = s.hosts
    .filter((h) => live.usable.get(h.id))
    .map((h) => h.id)
    .sort((a, b) => free(b) - free(a) || (a < b ? -1 : 1));
  const first = ranked[0];
  const second = ranked[1] ?? ranked[0];
  const actions: PlanAction[] = [];
  for (const c of s.components) {
    const st = initialState(s, c);
    if (st === 'ignored') continue;
    const to = c.layer === 'critical' ? first : c.layer === 'high' ? second : undefined;
    if (to) {
      if (st === 'down')
        actions.push({
          wave: 0,
          kind: 'poweron',
          component: c.id,
          to,
          startSeconds: 0,
          endSeconds: actionSeconds('poweron', c, s.limits),
          reason: 'baseline',
        });
      else if (c.host !== to)
        actions.push({
          wave: 0,
          kind: 'vmotion',
          component: c.id,
          from: c.host,
          to,
          startSeconds: 0,
          endSeconds: actionSeconds('vmotion', c, s.limits),
          reason: 'baseline',
        });
    } else if (st === 'running') {
      const mode = c.shutdown === 'poweroff' ? 'poweroff' : 'guest';
      actions.push({
        wave: 0,
        kind: 'shutdown',
        component: c.id,
        mode,
        startSeconds: 0,
        endSeconds: actionSeconds('shutdown', c, s.limits, mode),
        reason: 'baseline',
      });
    }
  }
  const z = (): Record<Layer, number> => ({ critical: 0, high: 0, medium: 0, low: 0 });
  const makespan = Math.max(0, ...actions.map((a) => a.endSeconds));
  return {
    version: 1,
    scenario: scenarioHash(s),
    summary: {
      criticalAtRisk: 0,
      atRiskByLayer: z(),
      moves: actions.filter((a) => a.kind === 'vmotion').length,
      shutdowns: actions.filter((a) => a.kind === 'shutdown').length,
      hostsEvacuated: 0,
      makespanSeconds: makespan,
      deadlineSeconds: live.deadlineSeconds,
      lowerBoundSeconds: 0,
      plannerMs: 0,
    },
    actions,
    unplaced: [],
  };
}
