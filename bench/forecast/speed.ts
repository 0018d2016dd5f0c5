import {
  cleanRegular,
  ComponentModel,
  LOOKBACK_SLOTS,
  rollUpBy,
  STEPS_PER_DAY,
  toScenarioForecast,
  type CleanSeries,
  type ComponentForecast,
  type Metric,
} from '@app/forecast';
// the planner's seedable mulberry32: the synthetic fleet is the same on every run
import { rng } from '@app/planner';
import { loadavg } from 'node:os';
import type { Args } from './main';

function synthetic(slots: number, seed: number, base: number): Float64Array {
  const r = rng(seed);
  const v = new Float64Array(slots);
  const phase = r() * 2 * Math.PI;
  for (let i = 0; i < slots; i++) {
    const day = Math.sin((2 * Math.PI * i) / STEPS_PER_DAY + phase);
    v[i] = Math.max(0, base * (1 + 0.4 * day + 0.15 * (r() - 0.5)) + (r() < 0.01 ? base * 2 * r() : 0));
  }
  return v;
}

/**
 * Forecasting time for N synthetic components (default 40,000): each has its own CPU and memory model
 * (deserialised from one of 20 trained models) and one of 500 synthetic histories of LOOKBACK_SLOTS + 1 slots.
 */
export function runSpeed(args: Args): Record<string, unknown> {
  const n = Number(args.extra.components ?? 40000);
  const start = Date.UTC(2024, 0, 1) / 1000;
  const trainSlots = 40 * STEPS_PER_DAY;
  const models: Record<Metric, ReturnType<ComponentModel['toJSON']>[]> = { cpuMhz: [], memMb: [] };
  const t0 = performance.now();
  for (let k = 0; k < 20; k++) {
    models.cpuMhz.push(
      ComponentModel.train(cleanRegular(start, synthetic(trainSlots, k, 500 + 100 * k)), {
        metric: 'cpuMhz',
      }).toJSON(),
    );
    models.memMb.push(
      ComponentModel.train(cleanRegular(start, synthetic(trainSlots, 100 + k, 4000)), {
        metric: 'memMb',
      }).toJSON(),
    );
  }
  const trainMs = performance.now() - t0;
  const histories: { cpu: CleanSeries; mem: CleanSeries }[] = [];
  for (let k = 0; k < 500; k++)
    histories.push({
      cpu: cleanRegular(start, synthetic(LOOKBACK_SLOTS + 1, 1000 + k, 300 + k)),
      mem: cleanRegular(start, synthetic(LOOKBACK_SLOTS + 1, 5000 + k, 2000 + 10 * k)),
    });
  const fleet = Array.from({ length: n }, (_, i) => ({
    id: `vm-${i}`,
    host: `host-${i % 2500}`,
    cpu: ComponentModel.fromJSON(structuredClone(models.cpuMhz[i % 20])),
    mem: ComponentModel.fromJSON(structuredClone(models.memMb[i % 20])),
    h: histories[i % 500],
  }));
  const t1 = performance.now();
  const c1 = process.cpuUsage();
  const forecasts: ComponentForecast[] = fleet.map((c) => ({
    id: c.id,
    cpuMhz: c.cpu.forecast(c.h.cpu),
    memMb: c.mem.forecast(c.h.mem),
  }));
  const forecastMs = performance.now() - t1;
  const cpu1 = process.cpuUsage(c1);
  const t2 = performance.now();
  const byHost = rollUpBy(
    fleet,
    (c) => c.host,
    (c) => forecasts[Number(c.id.slice(3))].cpuMhz,
  );
  const scenario = toScenarioForecast(forecasts, {
    horizonSeconds: 3600,
    layerOf: (id) => (Number(id.slice(3)) % 4 === 0 ? 'critical' : 'medium'),
  });
  const rollMs = performance.now() - t2;
  const r = {
    components: n,
    forecastSeconds: +(forecastMs / 1000).toFixed(2),
    forecastCpuSeconds: +((cpu1.user + cpu1.system) / 1e6).toFixed(2),
    loadAverage: loadavg()[0],
    rollUpAndScenarioSeconds: +(rollMs / 1000).toFixed(2),
    hosts: byHost.size,
    scenarioComponents: Object.keys(scenario.demand).length,
    trainSyntheticModelsSeconds: +(trainMs / 1000).toFixed(2),
    method:
      'one thread; ComponentModel.forecast (CPU and memory, 1/4/24 h with intervals) for every component from a cleaned history of 2,023 slots, then roll-up to 2,500 hosts and toScenarioForecast; 20 trained models deserialised per component, 500 distinct synthetic histories shared',
  };
  console.log('\n## forecasting speed\n' + JSON.stringify(r, null, 1));
  return r;
}
