/** Sampling step of the series we model: vCenter's historical perf interval, and the traces' grid. */
export const STEP_SECONDS = 300;
export const STEPS_PER_DAY = 288;
export const STEPS_PER_WEEK = 2016;

/** The horizons we forecast, in seconds: 1 h, 4 h and 24 h ahead. */
export const HORIZONS_SECONDS = [3600, 4 * 3600, 24 * 3600] as const;

import type { RampFit } from './ramp';
import type { RecentTrend } from './trend';

export type Metric = 'cpuMhz' | 'memMb';

/** A window of anticipated work (batch, backup, maintenance), epoch seconds, end exclusive. */
export interface ScheduleWindow {
  start: number;
  end: number;
  label?: string;
}

/** One horizon of one forecast: a point and a central prediction interval. */
export interface HorizonForecast {
  horizonSeconds: number;
  /** epoch seconds of the forecast target */
  at: number;
  point: number;
  lower: number;
  upper: number;
  /**
   * a rollup's point plus the interval half-widths of its rising parts only (those whose onset fit is significant,
   * ramp.ts isRising): how high the sum may go if what is ramping bursts while the rest keeps to its forecast.
   * Absent on a component, whose own upper bound is that. Used by the trigger's onset detector.
   */
  risingUpper?: number;
  /**
   * the forecast of the mean: the point (a near-median, which for right-skewed demand sits below the mean) times
   * its horizon's hold-out ratio of actuals to points (HorizonModel.meanRatio), under the same caps. Sums of
   * components add these: the mean of a sum is the sum of the means, while summed medians fall short (by 3% (CPU)
   * and 6% (memory) at 1 h and 26% / 13% at 24 h on the shared traces). Absent on models trained before it: the
   * point stands in.
   */
  expected?: number;
}

export interface SeriesForecast {
  metric: Metric;
  /** epoch seconds of the origin (last sample used) */
  origin: number;
  horizons: HorizonForecast[];
  /** the interval's nominal coverage, e.g. 0.9 */
  coverage: number;
  /**
   * the observed value at the origin (a rollup's: the sum of its parts', when all have one): lets the trigger
   * interpolate the crossing time and tell, when an event closes, whether the load crossed the line while it was open
   */
  current?: number;
  /** set when a baseline was used instead of the regression, with why */
  fallback?: { kind: string; reason: string };
  /**
   * the most this series can reach: a VM's configured size (seriesCeiling), a rollup's the sum of its parts'.
   * The trigger never extrapolates a trend or an interval above it. Absent when unknown.
   */
  ceiling?: number;
  /** the last 2 h's resistant-line trend at the origin (raw units), for the trigger's ramp detector */
  trend?: RecentTrend;
  /** the last 45 min's resistant-line trend (SHORT_TREND_WINDOW_SLOTS), for the trigger's fast-ramp detector */
  shortTrend?: RecentTrend;
  /** the best recent ramp onset (fitRampOnset), for the trigger's onset detector */
  ramp?: RampFit;
}

export interface ComponentForecast {
  id: string;
  cpuMhz: SeriesForecast;
  memMb: SeriesForecast;
}

/**
 * Usage can exceed a VM's nominal size (vCPUs x core MHz) a little: turbo boost. On the shared traces the highest
 * 5-min CPU usage is 1.07x the VM's capacity column; 1.1x leaves a margin.
 */
export const CPU_CEILING_HEADROOM = 1.1;

/** The ceiling of a component's series from its configured size: vCPUs x core MHz (with turbo headroom), memory MB. */
export function seriesCeiling(metric: Metric, configured: number): number | undefined {
  if (!(configured > 0)) return undefined;
  return metric === 'cpuMhz' ? CPU_CEILING_HEADROOM * configured : configured;
}
