import type { Forecast, Layer } from '@app/domain';
import type { ComponentForecast, HorizonForecast, SeriesForecast } from './types';

export interface ScenarioForecastOptions {
  /** which horizon to publish; the nearest available one is used */
  horizonSeconds: number;
  layerOf: (id: string) => Layer | undefined;
  /** layers whose demand is the interval's upper bound (what the planner must reserve); default ['critical'] */
  reserveUpperFor?: readonly Layer[];
}

function pick(f: SeriesForecast, horizonSeconds: number): HorizonForecast | undefined {
  let best: HorizonForecast | undefined;
  for (const h of f.horizons)
    if (!best || Math.abs(h.horizonSeconds - horizonSeconds) < Math.abs(best.horizonSeconds - horizonSeconds))
      best = h;
  return best;
}

/**
 * The Scenario's `forecast` section: per component, the upper bound of the interval for critical components
 * (what the planner reserves) and the forecast of the mean (`expected`; the point where a model has none) for the
 * others: the planner adds demands up per host, and summed near-medians fall short of the summed load.
 * Values are rounded up to whole MHz / MB.
 */
export function toScenarioForecast(
  components: readonly ComponentForecast[],
  options: ScenarioForecastOptions,
): Forecast {
  const upperLayers = new Set<Layer>(options.reserveUpperFor ?? ['critical']);
  const demand: Forecast['demand'] = {};
  let published = options.horizonSeconds;
  for (const c of [...components].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
    const cpu = pick(c.cpuMhz, options.horizonSeconds);
    const mem = pick(c.memMb, options.horizonSeconds);
    if (!cpu || !mem) continue;
    published = cpu.horizonSeconds;
    const layer = options.layerOf(c.id) ?? 'medium';
    const upper = upperLayers.has(layer);
    demand[c.id] = {
      cpuMhz: Math.ceil(upper ? cpu.upper : (cpu.expected ?? cpu.point)),
      memMb: Math.ceil(upper ? mem.upper : (mem.expected ?? mem.point)),
    };
  }
  return { horizonSeconds: published, demand };
}
