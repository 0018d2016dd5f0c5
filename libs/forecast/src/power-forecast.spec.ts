import { describe, expect, it } from 'vitest';
import { hostFeedPower, scaleForecast } from './power-forecast';
import { rollUp } from './rollup';
import type { SeriesForecast } from './types';

const cpu: SeriesForecast = {
  metric: 'cpuMhz',
  origin: 0,
  coverage: 0.9,
  horizons: [{ horizonSeconds: 3600, at: 3600, point: 5000, lower: 4000, upper: 6000, expected: 5500 }],
  ceiling: 11000,
  trend: { windowSeconds: 7200, level: 4800, slope: 0.5, leftSlope: 0.4, rightSlope: 0.6 },
  ramp: { level: 4900, slope: 0.3, slopeSe: 0.05, sinceSeconds: 1800, noise: 40 },
};

describe('power forecasts (SCENARIO.md rule 9)', () => {
  it('maps a host CPU forecast onto watts term by term: idle + per-MHz share, split over the feeds', () => {
    // 10,000 MHz host, 200 W idle, 600 W peak: 0.04 W per MHz; two feeds halve both
    const host = { cpuMhz: 10000, powerIdleW: 200, powerPeakW: 600, feeds: 2 };
    const w = hostFeedPower(host, cpu, cpu);
    // the forecast of the mean maps like the point (it stayed in MHz before: a PDU's sum of means mixed units)
    expect(w.horizons[0]).toMatchObject({ point: 200, lower: 180, upper: 220, expected: 210 });
    expect(w.ceiling).toBe(100 + 0.02 * 11000);
    expect(w.trend).toMatchObject({ level: 196, slope: 0.01, leftSlope: 0.008, rightSlope: 0.012 });
    expect(w.ramp!.level).toBeCloseTo(198, 9);
    expect(w.ramp!.slope / w.ramp!.slopeSe).toBeCloseTo(6, 9); // significance is unit-free
  });

  it('a host with nothing modelled draws its idle power, flat, and sums into a PDU', () => {
    const idle = hostFeedPower({ cpuMhz: 10000, powerIdleW: 150, powerPeakW: 500, feeds: 1 }, undefined, cpu);
    expect(idle.horizons[0]).toMatchObject({ point: 150, lower: 150, upper: 150, expected: 150 });
    expect(idle.trend!.slope).toBe(0);
    expect(idle.ramp!.slope).toBe(0);
    const busy = hostFeedPower({ cpuMhz: 10000, powerIdleW: 200, powerPeakW: 600, feeds: 1 }, cpu, cpu);
    const pdu = rollUp([idle, busy])!;
    expect(pdu.horizons[0].point).toBe(150 + 400);
    expect(pdu.trend!.slope).toBeCloseTo(0.02, 12);
  });

  it('scaleForecast maps a rollup risingUpper and leaves absent ones absent', () => {
    expect(scaleForecast({ ...cpu, ceiling: undefined }, 10, 2).ceiling).toBeUndefined();
    expect(scaleForecast(cpu, 10, 2).horizons[0].risingUpper).toBeUndefined();
    const host = rollUp([cpu])!;
    expect(host.horizons[0].risingUpper).toBe(6000); // its one part is rising (t = 6)
    expect(scaleForecast(host, 10, 2).horizons[0].risingUpper).toBe(12010);
  });
});
