import { DAILY_HARMONICS, DAY, inSchedule, WEEK, WEEKLY_HARMONICS, writeFourier } from './calendar';
import { STEPS_PER_DAY, STEPS_PER_WEEK, type ScheduleWindow } from './types';

/**
 * The regression's inputs for origin slot i and horizon h (slots), all on the (transformed) series z, level
 * features taken relative to the current value z[i] (the target is the change z[i+h] - z[i]): recent lags, rolling means and the last hour's max; the same time yesterday and last week relative to the
 * *target* (a 25-min and a 65-min window around it, never past the origin); daily and weekly Fourier terms of the
 * target time; whether the target and the origin fall in a window of anticipated work.
 */
export const FEATURE_NAMES = [
  'lag0',
  'lag1',
  'lag2',
  'mean1h',
  'mean4h',
  'mean24h',
  'max1h',
  'day_ago_25min',
  'day_ago_65min',
  'week_ago_25min',
  'week_ago_65min',
  ...Array.from({ length: DAILY_HARMONICS }, (_, k) => [`day_sin${k + 1}`, `day_cos${k + 1}`]).flat(),
  ...Array.from({ length: WEEKLY_HARMONICS }, (_, k) => [`week_sin${k + 1}`, `week_cos${k + 1}`]).flat(),
  'scheduled_at_target',
  'scheduled_at_origin',
] as const;

export const FEATURE_COUNT = FEATURE_NAMES.length;

/** Slots of history the features need before the origin. */
export const LOOKBACK_SLOTS = STEPS_PER_WEEK + 6;

/** Prefix sums: p[k] = z[0] + ... + z[k-1]. */
export function prefixSums(z: ArrayLike<number>): Float64Array {
  const p = new Float64Array(z.length + 1);
  for (let k = 0; k < z.length; k++) p[k + 1] = p[k] + z[k];
  return p;
}

/** Mean of z[a..b] (inclusive): from prefix sums when given, else summed directly (one-off forecasts). */
function mean(p: Float64Array | undefined, a: number, b: number, z: ArrayLike<number>): number {
  if (p) return (p[b + 1] - p[a]) / (b - a + 1);
  let s = 0;
  for (let k = a; k <= b; k++) s += z[k];
  return s / (b - a + 1);
}

/**
 * Write the features of origin i, horizon h into out. z must hold at least LOOKBACK_SLOTS slots before i;
 * tOrigin is the epoch time of slot i, step the slot length in seconds.
 */
export function writeFeatures(
  z: ArrayLike<number>,
  p: Float64Array | undefined,
  i: number,
  h: number,
  tOrigin: number,
  step: number,
  schedule: readonly ScheduleWindow[],
  out: Float64Array | number[],
  levelFeature = true,
): void {
  // level features are relative to the current value z[i]: the model predicts the change z[i+h] - z[i], so its
  // shrinkage pulls towards persistence rather than towards the training period's mean
  const z0 = z[i];
  out[0] = levelFeature ? z0 : 0;
  out[1] = z[i - 1] - z0;
  out[2] = z[i - 2] - z0;
  out[3] = mean(p, i - 11, i, z) - z0;
  out[4] = mean(p, i - 47, i, z) - z0;
  out[5] = mean(p, i - STEPS_PER_DAY + 1, i, z) - z0;
  let mx = z0;
  for (let k = i - 11; k < i; k++) if (z[k] > mx) mx = z[k];
  out[6] = mx - z0;
  const cd = i + h - STEPS_PER_DAY;
  out[7] = mean(p, cd - 2, Math.min(cd + 2, i), z) - z0;
  out[8] = mean(p, cd - 6, Math.min(cd + 6, i), z) - z0;
  const cw = i + h - STEPS_PER_WEEK;
  out[9] = mean(p, cw - 2, cw + 2, z) - z0;
  out[10] = mean(p, cw - 6, cw + 6, z) - z0;
  const tTarget = tOrigin + h * step;
  writeFourier(tTarget, DAY, DAILY_HARMONICS, out, 11);
  writeFourier(tTarget, WEEK, WEEKLY_HARMONICS, out, 11 + 2 * DAILY_HARMONICS);
  const o = 11 + 2 * DAILY_HARMONICS + 2 * WEEKLY_HARMONICS;
  out[o] = schedule.length ? inSchedule(schedule, tTarget) : 0;
  out[o + 1] = schedule.length ? inSchedule(schedule, tOrigin) : 0;
}
