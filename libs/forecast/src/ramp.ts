import { selectKth } from './stats';

/**
 * Ramp-onset fit: "flat, then rising in a straight line since some recent sample" (a broken stick), the shape a
 * load ramp has while it is young. The resistant lines of trend.ts need the ramp to fill most of their window
 * before their half-slopes agree; this fit asks, for every onset in the last `maxSlots` samples, how far the
 * samples since the onset rise above the level before it, and keeps the onset whose slope the noise explains
 * least. Used by the trigger's onset detector (trigger.ts).
 */
export interface RampFit {
  /** the fitted line's value at the origin (series units) */
  level: number;
  /** units per second since the onset */
  slope: number;
  /** standard error of the slope (units per second), from the series' noise scale */
  slopeSe: number;
  /** seconds from the onset to the origin */
  sinceSeconds: number;
  /** the noise scale the error was computed from (the error scales with it) */
  noise: number;
}

/**
 * Onsets searched: from 4 samples (20 min: thirds of 1, 2 and 1; a burst in any of them breaks the thirds' even
 * climb) to 24 (2 h) back; the level before is the median of the hour before. 4 rather than 6: a 1-hour ramp from
 * a VM already near the line crosses ~30 min in, and the trigger needs two evaluations (docs/benchmarks.md: 1 h
 * ramps early 52 -> 54 of 60, false alarms 0.230 -> 0.252 per VM-week; 3 samples: 0.331).
 */
export const RAMP_MIN_SLOTS = 4;
/** The flat fit (no onset has a ramp's shape) is the lower median of the last this-many samples. */
const FLAT_FIT_SLOTS = 2;
export const RAMP_MAX_SLOTS = 24;
export const RAMP_BASELINE_SLOTS = 12;
/** The smaller rise between neighbouring thirds must be at least this share of the larger (a step fails). */
export const RAMP_MIN_THIRDS_RATIO = 0.5;

/** Window of the noise scale: the last 24 h of 5-minute samples. */
export const NOISE_WINDOW_SLOTS = 288;

/** scratch for noiseScale: forecasting is single-threaded and the buffer does not outlive a call */
let noiseBuf = new Float64Array(NOISE_WINDOW_SLOTS);

/**
 * The series' sample-to-sample noise at the origin: a robust standard deviation from the last window's first
 * differences (1.4826 x median |difference| / sqrt 2), which a slow trend or a daily cycle barely moves. Undefined
 * with fewer than 12 finite differences.
 */
export function noiseScale(
  values: ArrayLike<number>,
  end: number,
  windowSlots = NOISE_WINDOW_SLOTS,
): number | undefined {
  const from = Math.max(1, end - Math.floor(windowSlots) + 1);
  if (end >= values.length) return undefined;
  const count = Math.max(0, end - from + 1);
  if (noiseBuf.length < count) noiseBuf = new Float64Array(count);
  const d = noiseBuf;
  let n = 0;
  for (let k = from; k <= end; k++) {
    const x = Math.abs(values[k] - values[k - 1]);
    if (Number.isFinite(x)) d[n++] = x;
  }
  if (n < 12) return undefined;
  const hi = selectKth(d, n, n >> 1);
  // even count: the mean of the two middle values; the lower one is the largest of the lower half
  let med = hi;
  if (n % 2 === 0) {
    let lo = -Infinity;
    for (let k = 0; k < n >> 1; k++) if (d[k] > lo) lo = d[k];
    med = (lo + hi) / 2;
  }
  return (1.4826 * med) / Math.SQRT2;
}

/** scratch for the medians: forecasting is single-threaded and the buffer does not outlive a call */
let rampBuf = new Float64Array(RAMP_MAX_SLOTS);

/**
 * The lower median: always one of the samples. The mean of the middle two would put a group straddling a step
 * half-way up it, which is what a ramp's middle third looks like.
 */
function median(values: ArrayLike<number>, from: number, count: number, buf: Float64Array): number {
  for (let k = 0; k < count; k++) buf[k] = values[from + k];
  return selectKth(buf, count, (count - 1) >> 1);
}

/**
 * The best ramp onset ending at `end` (the origin). For m = minSlots..maxSlots samples since the onset: the level
 * before is the median of the `baselineSlots` samples before them; each third of the m samples gives a (lower)
 * median. A ramp climbs through the thirds in step (the smaller rise between neighbouring thirds at least
 * RAMP_MIN_THIRDS_RATIO of the larger; a step or a burst fails); its slope is the smaller of two rises per sample
 * (last third from the level before, last third from the first), and its t the smaller of their t values.
 * Returns the onset with the largest t; when no onset has a ramp's shape, a flat fit (slope 0 at the recent
 * level) so that a rollup still has every part's level; undefined when the history is short or the noise unknown.
 */
export function fitRampOnset(
  values: ArrayLike<number>,
  end: number,
  stepSeconds: number,
  noise: number,
  maxSlots = RAMP_MAX_SLOTS,
  minSlots = RAMP_MIN_SLOTS,
  baselineSlots = RAMP_BASELINE_SLOTS,
): RampFit | undefined {
  if (!(noise >= 0) || end >= values.length || end - minSlots + 1 - baselineSlots < 0) return undefined;
  // a constant series has no noise: keep the arithmetic finite; the trigger applies its own noise floor
  noise = Math.max(noise, 1e-9);
  if (rampBuf.length < Math.max(baselineSlots, maxSlots))
    rampBuf = new Float64Array(Math.max(baselineSlots, maxSlots));
  const buf = rampBuf;
  // variance of a median of n normal samples ~ (pi / 2) sigma^2 / n
  const varMedian = (n: number) => ((Math.PI / 2) * noise * noise) / n;
  const varMu = varMedian(baselineSlots);
  let best: RampFit | undefined;
  let bestT = -Infinity;
  for (let m = minSlots; m <= maxSlots; m++) {
    const s = end - m + 1;
    if (s - baselineSlots < 0) break;
    const mu = median(values, s - baselineSlots, baselineSlots, buf);
    // thirds of the samples since the onset: a ramp climbs through all three in step, a step or a burst does not
    const g = Math.floor(m / 3);
    const mE = median(values, s, g, buf);
    const mM = median(values, s + g, m - 2 * g, buf);
    const mL = median(values, end - g + 1, g, buf);
    if (!Number.isFinite(mu + mE + mM + mL)) return best;
    const riseE = mM - mE;
    const riseL = mL - mM;
    if (Math.min(riseE, riseL) < RAMP_MIN_THIRDS_RATIO * Math.max(riseE, riseL)) continue;
    // positions (1 = first sample since the onset) of the outer thirds' centres
    const xE = (1 + g) / 2;
    const xL = m - (g - 1) / 2;
    const bLate = (mL - mu) / xL;
    const bHalf = (mL - mE) / (xL - xE);
    const seLate = Math.sqrt(varMedian(g) + varMu) / xL;
    const seHalf = Math.sqrt(2 * varMedian(g)) / (xL - xE);
    const t = Math.min(bLate / seLate, bHalf / seHalf);
    if (t > bestT) {
      bestT = t;
      const b = Math.min(bLate, bHalf);
      best = {
        level: mL + b * (m - xL),
        slope: b / stepSeconds,
        slopeSe: Math.max(seLate, seHalf) / stepSeconds,
        sinceSeconds: m * stepSeconds,
        noise,
      };
    }
  }
  if (best) return best;
  const g = FLAT_FIT_SLOTS;
  return {
    level: median(values, end - g + 1, g, buf),
    slope: 0,
    slopeSe: Math.sqrt(2 * varMedian(g)) / Math.max(1, minSlots - g) / stepSeconds,
    sinceSeconds: 0,
    noise,
  };
}

/** A part of a rollup counts as rising when its own onset fit's slope is at least this many standard errors. */
export const RISING_MIN_T = 2;

/** Whether a fit's slope is positive and at least minT of its standard errors (a rollup's rising part). */
export function isRising(p: RampFit | undefined, minT = RISING_MIN_T): boolean {
  return p !== undefined && p.slope > 0 && p.slope >= minT * p.slopeSe;
}

/**
 * Sum of component ramp fits (a host's): levels add; slopes and their errors (in quadrature) add only for parts
 * whose own fit is significant (t >= minT), because every part's best onset is chosen for its largest t: summed
 * over many flat parts, that selection alone would look like a significant rise. Undefined if a part lacks a fit.
 */
export function sumRampFits(
  parts: readonly (RampFit | undefined)[],
  minT = RISING_MIN_T,
): RampFit | undefined {
  if (parts.length === 0 || parts.some((p) => p === undefined)) return undefined;
  const fits = parts as readonly RampFit[];
  const rising = fits.filter((p) => isRising(p, minT));
  const all = rising.length ? rising : fits;
  return {
    level: fits.reduce((a, p) => a + p.level, 0),
    slope: rising.reduce((a, p) => a + p.slope, 0),
    slopeSe: Math.sqrt(all.reduce((a, p) => a + p.slopeSe * p.slopeSe, 0)),
    sinceSeconds: Math.max(...all.map((p) => p.sinceSeconds)),
    noise: Math.sqrt(all.reduce((a, p) => a + p.noise * p.noise, 0)),
  };
}
