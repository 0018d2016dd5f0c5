import { describe, expect, it } from 'vitest';
import { rollUp, rollUpBy } from './rollup';
import type { SeriesForecast } from './types';

const f = (point: number, lower: number, upper: number): SeriesForecast => ({
  metric: 'cpuMhz',
  origin: 0,
  coverage: 0.9,
  horizons: [{ horizonSeconds: 3600, at: 3600, point, lower, upper }],
});

describe('rollUp', () => {
  const parts = [f(100, 90, 130), f(200, 160, 240)];
  it('adds points; rho 1 adds half-widths, rho 0 takes their root sum of squares', () => {
    expect(rollUp(parts, 1)!.horizons[0]).toMatchObject({ point: 300, lower: 250, upper: 370 });
    const ind = rollUp(parts, 0)!.horizons[0];
    expect(ind.upper).toBeCloseTo(300 + Math.hypot(30, 40), 9);
    expect(ind.lower).toBeCloseTo(300 - Math.hypot(10, 40), 9);
    const mid = rollUp(parts, 0.5)!.horizons[0];
    expect(mid.upper).toBeGreaterThan(ind.upper);
    expect(mid.upper).toBeLessThan(370);
    // by default the bounds add (DEFAULT_ROLLUP_RHO: what covered 90% on the shared traces' host groups)
    expect(rollUp(parts)!.horizons[0]).toMatchObject({ point: 300, lower: 250, upper: 370 });
  });
  it("gives a rollup of one part exactly that part's interval, at any rho", () => {
    // an idle VM: its lower bound sits at 0 with its actual; rounding in the combination once lifted it to 4e-16
    // (rho 0.3) and 4e-15 (0.1, 0.7), and the actual 0 fell outside the rollup of that VM alone
    for (const [point, upper] of [
      [3.33, 9.99],
      [24.05, 30.1],
      [23.31, 46.62],
    ])
      for (const rho of [0, 0.1, 0.3, 0.5, 0.7, 1]) {
        const h = rollUp([f(point, 0, upper)], rho)!.horizons[0];
        expect([h.lower, h.point, h.upper]).toEqual([0, point, upper]);
      }
  });
  it("adds the parts' forecasts of the mean, a part without one lending its point", () => {
    const a = f(100, 90, 130);
    a.horizons[0].expected = 110;
    expect(rollUp([a, f(200, 160, 240)])!.horizons[0]).toMatchObject({ point: 300, expected: 310 });
  });
  it('groups by key', () => {
    const comps = [
      { id: 'a', host: 'h1', f: parts[0] },
      { id: 'b', host: 'h1', f: parts[1] },
      { id: 'c', host: 'h2', f: f(5, 4, 6) },
    ];
    const m = rollUpBy(
      comps,
      (c) => c.host,
      (c) => c.f,
    );
    expect(m.get('h1')!.horizons[0].point).toBe(300);
    expect(m.get('h2')!.horizons[0].upper).toBe(6);
    expect(rollUp([])).toBeUndefined();
  });
  it('risingUpper widens the sum by the rising parts only, and nests', () => {
    const rising = { level: 100, slope: 1, slopeSe: 0.1, sinceSeconds: 1800, noise: 5 };
    const flat = { ...rising, slope: 0 };
    const a = { ...parts[0], ramp: rising }; // upper half-width 30
    const b = { ...parts[1], ramp: flat }; // upper half-width 40, not rising
    const host = rollUp([a, b], 0)!.horizons[0];
    expect(host.upper).toBeCloseTo(300 + Math.hypot(30, 40), 9);
    expect(host.risingUpper).toBeCloseTo(330, 9);
    // nothing rising: the point
    expect(rollUp([{ ...a, ramp: flat }, b])!.horizons[0].risingUpper).toBe(300);
    // a rollup of rollups takes each part's own risingUpper
    const hostF = rollUp([a, b], 0)!;
    const cluster = rollUp([hostF, hostF], 1)!.horizons[0];
    expect(cluster.risingUpper).toBeCloseTo(660, 9);
  });

  it('sums the ceilings when every part has one', () => {
    expect(
      rollUp([
        { ...parts[0], ceiling: 500 },
        { ...parts[1], ceiling: 700 },
      ])!.ceiling,
    ).toBe(1200);
    expect(rollUp([{ ...parts[0], ceiling: 500 }, parts[1]])!.ceiling).toBeUndefined();
  });
});
