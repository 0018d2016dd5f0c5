import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Plan, Scenario } from '@app/domain';
import { parseScenario } from '@app/domain';
import { describe, expect, it } from 'vitest';
import { plan, verifyPlan } from './index';

// The checker must catch broken plans: each test breaks one rule in an otherwise valid plan.
const s: Scenario = parseScenario(
  JSON.parse(readFileSync(join(__dirname, '../../../test/fixtures/scenarios/ups-on-battery.json'), 'utf8')),
);
const good = plan(s);
const clone = (p: Plan): Plan => JSON.parse(JSON.stringify(p)) as Plan;
const rules = (p: Plan): number[] => [...new Set(verifyPlan(s, p).map((v) => v.rule))].sort();

describe('verifyPlan catches broken plans', () => {
  it('accepts the planner output', () => expect(rules(good)).toEqual([]));
  it('rule 2: destination with no live feed', () => {
    const p = clone(good);
    p.actions.find((a) => a.component === 'db')!.to = 'h1';
    expect(rules(p)).toContain(2);
  });
  it('rule 3: sensitive component to an unattested host', () => {
    const p = clone(good);
    p.actions.find((a) => a.component === 'db')!.to = 'h4';
    expect(rules(p)).toContain(3);
  });
  it('rule 5: anti-affinity pair on one host', () => {
    const p = clone(good);
    p.actions.find((a) => a.component === 'db')!.to = 'h3';
    expect(rules(p)).toContain(5);
  });
  it('rule 5: dependency shut down while its dependent runs', () => {
    const p = clone(good);
    p.actions.push({
      wave: 0,
      kind: 'shutdown',
      component: 'db',
      mode: 'guest',
      startSeconds: 0,
      endSeconds: 60,
      reason: 'x',
    });
    expect(rules(p)).toContain(5);
  });
  it('rule 6: wrong duration and too many concurrent vMotions', () => {
    const p = clone(good);
    p.actions[1].endSeconds += 3;
    expect(rules(p)).toContain(6);
    const q = clone(good);
    q.actions = q.actions.map((a) => (a.kind === 'vmotion' ? a : a));
    const st = { ...s, limits: { ...s.limits, vmotionPerHost: 1 } };
    expect(verifyPlan(st, q).some((v) => v.rule === 6)).toBe(true);
  });
  it('rule 8: miscounted summary and a bound above the makespan', () => {
    const p = clone(good);
    p.summary.atRiskByLayer.low = 3;
    p.summary.lowerBoundSeconds = p.summary.makespanSeconds + 1;
    expect(rules(p)).toContain(8);
  });
  it('rule 9: keeping the shed low running overloads ups-b', () => {
    const p = clone(good);
    const sd = p.actions.findIndex((a) => a.kind === 'shutdown');
    p.actions[sd] = {
      ...p.actions[sd],
      kind: 'vmotion',
      from: 'h1',
      to: 'h3',
      mode: undefined,
      endSeconds: 37,
    } as never;
    expect(rules(p)).toContain(9);
  });
  it('rule 1: filling a host above the cap', () => {
    const big = { ...s, components: s.components.map((c) => (c.id === 'web' ? { ...c, memMb: 240000 } : c)) };
    const p = clone(good);
    expect(verifyPlan(big, p).some((v) => v.rule === 1)).toBe(true);
  });
  it('rule 4: shedding a high while a low keeps its place', () => {
    const p = clone(good);
    p.actions = p.actions.filter((a) => a.component !== 'app');
    p.actions.push({
      wave: 0,
      kind: 'shutdown',
      component: 'app',
      mode: 'guest',
      startSeconds: 0,
      endSeconds: 60,
      reason: 'x',
    });
    p.actions = p.actions.filter((a) => !(a.kind === 'shutdown' && a.component === 'batch'));
    p.actions.push({
      wave: 0,
      kind: 'vmotion',
      component: 'batch',
      from: 'h1',
      to: 'h4',
      startSeconds: 0,
      endSeconds: 37,
      reason: 'x',
    });
    expect(rules(p)).toContain(4);
  });
});
