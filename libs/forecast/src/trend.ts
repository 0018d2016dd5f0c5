/**
 * The recent trend of a series: Tukey's three-group resistant line over the last window of samples. The window
 * is split in thirds; the slope joins the medians of the outer thirds, and the two half-slopes (left third to
 * middle third, middle to right) tell a steady ramp (both alike) from a step (one of them near zero). Medians
 * make it robust to single 5-minute spikes. Used by the proactive trigger's ramp detector (see trigger.ts).
 */
export interface RecentTrend {
  /** length of the window the line was fitted on */
  windowSeconds: number;
  /** the line's value at the window's last sample (the origin), in the series' units */
  level: number;
  /** units per second: the outer thirds' medians joined */
  slope: number;
  /** units per second: left third's median to the middle third's, and middle to right */
  leftSlope: number;
  rightSlope: number;
}

/** Default window: 2 hours of 5-minute samples. */
export const TREND_WINDOW_SLOTS = 24;

/**
 * Short window for fast ramps (the trigger's fast-ramp detector): 45 minutes of 5-minute samples, fitted on their
 * 8 pair means (shortTrend).
 */
export const SHORT_TREND_WINDOW_SLOTS = 9;

/** Median of v[from .. from+count-1], or with `pairs` of the means (v[k-1] + v[k]) / 2 over those k. */
function median3(
  v: ArrayLike<number>,
  from: number,
  count: number,
  buf: Float64Array,
  pairs: boolean,
): number {
  for (let k = 0; k < count; k++) buf[k] = pairs ? (v[from + k - 1] + v[from + k]) / 2 : v[from + k];
  const s = buf.subarray(0, count).sort();
  return count % 2 ? s[count >> 1] : (s[count / 2 - 1] + s[count / 2]) / 2;
}

/**
 * Resistant line over values[end - windowSlots + 1 .. end] (raw units); undefined without enough samples or
 * with non-finite values. With `pairMeans` the line is fitted on the windowSlots - 1 means of consecutive pairs of
 * those samples (see shortTrend).
 */
export function recentTrend(
  values: ArrayLike<number>,
  end: number,
  stepSeconds: number,
  windowSlots = TREND_WINDOW_SLOTS,
  pairMeans = false,
): RecentTrend | undefined {
  const span = Math.floor(windowSlots);
  // fitted points: the samples, or the pair means (one fewer; the first pair ends at the window's second sample)
  const w = pairMeans ? span - 1 : span;
  const g = Math.floor(w / 3);
  if (g < 1 || end - span + 1 < 0 || end >= values.length) return undefined;
  const from = end - w + 1;
  const buf = new Float64Array(Math.max(g, w - 2 * g));
  const mL = median3(values, from, g, buf, pairMeans);
  const mM = median3(values, from + g, w - 2 * g, buf, pairMeans);
  const mR = median3(values, end - g + 1, g, buf, pairMeans);
  if (!Number.isFinite(mL + mM + mR)) return undefined;
  const xL = (g - 1) / 2;
  const xM = (w - 1) / 2;
  const xR = w - 1 - (g - 1) / 2;
  const slope = (mR - mL) / (xR - xL);
  // a pair mean sits half a step before its later sample: the line at the origin is half a step further on
  const level = mR + slope * (xL + (pairMeans ? 0.5 : 0));
  return {
    windowSeconds: span * stepSeconds,
    level,
    slope: slope / stepSeconds,
    leftSlope: (mM - mL) / (xM - xL) / stepSeconds,
    rightSlope: (mR - mM) / (xR - xM) / stepSeconds,
  };
}

/**
 * The fast-ramp detector's line: the last `samples` samples (45 min) fitted on the means of consecutive pairs. A
 * series that alternates high and low from one sample to the next (a 10-minute job sampled every 5 minutes) gives
 * thirds of 3 raw samples whose medians follow the alternation's phase, so the half-slope test failed on every
 * other evaluation and a real ramp on such a VM never got two confirmations in a row (docs/benchmarks.md: vm-7).
 * Pair means cancel that alternation and keep the line's slope (a mean of two points of a line is on the line).
 */
export function shortTrend(
  values: ArrayLike<number>,
  end: number,
  stepSeconds: number,
  samples = SHORT_TREND_WINDOW_SLOTS,
): RecentTrend | undefined {
  return recentTrend(values, end, stepSeconds, samples, true);
}

/** Sum of component trends (a host's or domain's), exact for the line's parts; undefined if any part lacks one. */
export function sumTrends(parts: readonly (RecentTrend | undefined)[]): RecentTrend | undefined {
  if (parts.length === 0) return undefined;
  const out: RecentTrend = { windowSeconds: 0, level: 0, slope: 0, leftSlope: 0, rightSlope: 0 };
  for (const t of parts) {
    if (!t) return undefined;
    out.windowSeconds = Math.max(out.windowSeconds, t.windowSeconds);
    out.level += t.level;
    out.slope += t.slope;
    out.leftSlope += t.leftSlope;
    out.rightSlope += t.rightSlope;
  }
  return out;
}
