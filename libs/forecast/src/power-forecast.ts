import type { RampFit } from './ramp';
import type { RecentTrend } from './trend';
import type { SeriesForecast } from './types';

/**
 * Power forecasts for PDUs and UPSes, from hosts' CPU forecasts, with the planner's power model (SCENARIO.md rule
 * 9): a running host draws powerIdleW + (powerPeakW - powerIdleW) x CPU share, split evenly over its feeds; a
 * host in maintenance is in standby and draws nothing. The model is linear in CPU, so a CPU forecast maps onto a
 * watts forecast term by term (points, bounds, trends, onset fits, ceiling) and the proactive trigger can watch a
 * PDU's or UPS's budget with the same detectors as a host's capacity.
 */
export interface PoweredHost {
  cpuMhz: number;
  powerIdleW: number;
  powerPeakW: number;
  /** how many feeds share its draw (>= 1) */
  feeds: number;
}

/** value -> offset + factor x value over a whole forecast (factor >= 0); slopes and errors scale by factor only. */
export function scaleForecast(f: SeriesForecast, offset: number, factor: number): SeriesForecast {
  const at = (v: number) => offset + factor * v;
  const line = (t: RecentTrend | undefined): RecentTrend | undefined =>
    t && {
      windowSeconds: t.windowSeconds,
      level: at(t.level),
      slope: factor * t.slope,
      leftSlope: factor * t.leftSlope,
      rightSlope: factor * t.rightSlope,
    };
  const ramp = (r: RampFit | undefined): RampFit | undefined =>
    r && {
      level: at(r.level),
      slope: factor * r.slope,
      slopeSe: factor * r.slopeSe,
      sinceSeconds: r.sinceSeconds,
      noise: factor * r.noise,
    };
  return {
    ...f,
    horizons: f.horizons.map((h) => ({
      ...h,
      point: at(h.point),
      lower: at(h.lower),
      upper: at(h.upper),
      expected: h.expected === undefined ? undefined : at(h.expected),
      risingUpper: h.risingUpper === undefined ? undefined : at(h.risingUpper),
    })),
    ceiling: f.ceiling === undefined ? undefined : at(f.ceiling),
    current: f.current === undefined ? undefined : at(f.current),
    trend: line(f.trend),
    shortTrend: line(f.shortTrend),
    ramp: ramp(f.ramp),
  };
}

/**
 * One feed's share of a host's draw, as a forecast in watts. `cpu` is the host's CPU forecast (the rollup of its
 * components'); a host without one (nothing modelled on it) draws its idle power, a constant.
 */
export function hostFeedPower(
  host: PoweredHost,
  cpu: SeriesForecast | undefined,
  like: SeriesForecast,
): SeriesForecast {
  const feeds = Math.max(1, host.feeds);
  const idle = host.powerIdleW / feeds;
  const perMhz = host.cpuMhz > 0 ? Math.max(0, host.powerPeakW - host.powerIdleW) / host.cpuMhz / feeds : 0;
  if (cpu) return scaleForecast(cpu, idle, perMhz);
  // a constant: every part of the forecast at idle, no rise (the shape of `like`, so a rollup has every field)
  return scaleForecast(like, idle, 0);
}
