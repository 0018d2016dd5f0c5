import { describe, expect, it } from 'vitest';
import { toScenarioForecast } from './scenario-forecast';
import type { ComponentForecast, SeriesForecast } from './types';

const sf = (metric: 'cpuMhz' | 'memMb', base: number): SeriesForecast => ({
  metric,
  origin: 0,
  coverage: 0.9,
  horizons: [3600, 14400].map((h) => ({
    horizonSeconds: h,
    at: h,
    point: base + h / 3600,
    lower: base - 10,
    upper: base * 2 + 0.2,
  })),
});

describe('toScenarioForecast', () => {
  it('reserves the upper bound for critical components and the point for others, at the nearest horizon', () => {
    const comps: ComponentForecast[] = [
      { id: 'vm-b', cpuMhz: sf('cpuMhz', 1000), memMb: sf('memMb', 4096) },
      { id: 'vm-a', cpuMhz: sf('cpuMhz', 500), memMb: sf('memMb', 2048) },
    ];
    const out = toScenarioForecast(comps, {
      horizonSeconds: 4000,
      layerOf: (id) => (id === 'vm-a' ? 'critical' : 'low'),
    });
    expect(out.horizonSeconds).toBe(3600);
    expect(out.demand['vm-a']).toEqual({ cpuMhz: 1001, memMb: 4097 });
    expect(out.demand['vm-b']).toEqual({ cpuMhz: 1001, memMb: 4097 });
    const out4h = toScenarioForecast(comps, { horizonSeconds: 14400, layerOf: () => undefined });
    expect(out4h.horizonSeconds).toBe(14400);
    expect(out4h.demand['vm-b']).toEqual({ cpuMhz: 1004, memMb: 4100 });
    expect(Object.keys(out.demand)).toEqual(['vm-a', 'vm-b']);
  });
  it('gives the others their forecast of the mean where the model has one (summed demand is a sum of means)', () => {
    const withMean = (f: SeriesForecast): SeriesForecast => ({
      ...f,
      horizons: f.horizons.map((h) => ({ ...h, expected: h.point * 1.1 })),
    });
    const comps: ComponentForecast[] = [
      { id: 'vm-c', cpuMhz: withMean(sf('cpuMhz', 1000)), memMb: withMean(sf('memMb', 4096)) },
      { id: 'vm-d', cpuMhz: withMean(sf('cpuMhz', 500)), memMb: sf('memMb', 2048) },
    ];
    const out = toScenarioForecast(comps, {
      horizonSeconds: 3600,
      layerOf: (id) => (id === 'vm-d' ? 'critical' : 'medium'),
    });
    expect(out.demand['vm-c']).toEqual({ cpuMhz: Math.ceil(1001 * 1.1), memMb: Math.ceil(4097 * 1.1) });
    // critical keeps the upper bound
    expect(out.demand['vm-d']).toEqual({ cpuMhz: 1001, memMb: 4097 });
  });
});
