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

/** Short window for fast ramps (the trigger's second detector): 45 minutes of 5-minute samples, thirds of 3. */
export const SHORT_TREND_WINDOW_SLOTS = 9;

function median3(v: ArrayLike<number>, from: number, count: number, buf: Float64Array): number {
  for (let k = 0; k < count; k++) buf[k] = v[from + k];
  const s = buf.subarray(0, count).sort();
  return count % 2 ? s[count >> 1] : (s[count / 2 - 1] + s[count / 2]) / 2;
}

/**
 * Resistant line over values[end - windowSlots + 1 .. end] (raw units); undefined without enough samples or
 * with non-finite values.
 */
export function recentTrend(
  values: ArrayLike<number>,
  end: number,
  stepSeconds: number,
  windowSlots = TREND_WINDOW_SLOTS,
): RecentTrend | undefined {
  const w = Math.floor(windowSlots);
  const g = Math.floor(w / 3);
  if (g < 1 || end - w + 1 < 0 || end >= values.length) return undefined;
  const from = end - w + 1;
  const buf = new Float64Array(Math.max(g, w - 2 * g));
  const mL = median3(values, from, g, buf);
  const mM = median3(values, from + g, w - 2 * g, buf);
  const mR = median3(values, end - g + 1, g, buf);
  if (!Number.isFinite(mL + mM + mR)) return undefined;
  const xL = (g - 1) / 2;
  const xM = (w - 1) / 2;
  const xR = w - 1 - (g - 1) / 2;
  const slope = (mR - mL) / (xR - xL);
  return {
    windowSeconds: w * stepSeconds,
    level: mR + slope * xL,
    slope: slope / stepSeconds,
    leftSlope: (mM - mL) / (xM - xL) / stepSeconds,
    rightSlope: (mR - mM) / (xR - xM) / stepSeconds,
  };
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
