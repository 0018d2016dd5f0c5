import { checkScenario, EVENT_TYPES } from '@app/domain';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateScenario, plan, verifyPlan } from './index';

// Generated scenarios, loose to very tight (fill up to 0.88 of capacity, power down to 0.8x the pre-event load).
const arb = fc.record({
  seed: fc.integer({ min: 1, max: 2 ** 31 - 1 }),
  event: fc.constantFrom(...EVENT_TYPES),
  hosts: fc.integer({ min: 3, max: 14 }),
  vms: fc.integer({ min: 10, max: 140 }),
  fill: fc.double({ min: 0.3, max: 0.88, noNaN: true }),
  powerSlack: fc.double({ min: 0.8, max: 1.8, noNaN: true }),
});
type Gen = {
  seed: number;
  event: (typeof EVENT_TYPES)[number];
  hosts: number;
  vms: number;
  fill: number;
  powerSlack: number;
};
const scenarioOf = (o: Gen) => {
  const parsed = checkScenario(
    JSON.parse(JSON.stringify(generateScenario({ ...o, hostsPerCluster: 4 + (o.seed % 3) * 4 }))),
  );
  expect(parsed.ok).toBe(true);
  return parsed.ok ? parsed.scenario : undefined;
};

describe('property: plans keep the rules on scenarios never seen', () => {
  it('rules 1-3, 5, 6, 8, 9 hold on every plan, and planning twice gives the same bytes (rule 7)', () => {
    fc.assert(
      fc.property(arb, (o) => {
        const s = scenarioOf(o)!;
        const p = plan(s);
        expect(verifyPlan(s, p).filter((v) => v.rule !== 4)).toEqual([]);
        const again = plan(s);
        expect(JSON.stringify({ ...again, summary: { ...again.summary, plannerMs: 0 } })).toBe(
          JSON.stringify({ ...p, summary: { ...p.summary, plannerMs: 0 } }),
        );
      }),
      { numRuns: 120, seed: 20261125 },
    );
  }, 60_000);

  // Known gap (docs/planner.md): under tight power the greedy can leave a component shed while the end
  // state would take it if lower layers gave way. This guards the rate from growing; it is not a pass mark.
  it('rule 4 misses stay rare (< 5% of 120 seeded scenarios)', () => {
    const sample = fc.sample(arb, { numRuns: 120, seed: 99 });
    let bad = 0;
    for (const o of sample) {
      const s = scenarioOf(o)!;
      if (verifyPlan(s, plan(s)).some((v) => v.rule === 4)) bad++;
    }
    expect(bad).toBeLessThan(6);
  }, 60_000);
});
