import { isRising, sumRampFits } from './ramp';
import { sumTrends } from './trend';
import type { HorizonForecast, SeriesForecast } from './types';

/**
 * A part lends its upper half-width to risingUpper when its onset fit is at least this many standard errors: the
 * trigger's default onsetMinT. With 2 (sumRampFits' bar) hosts of 6 VMs had 1.03 false alarms per host-week
 * instead of 0.99 for the same ramps (docs/benchmarks.md).
 */
export const RISING_UPPER_MIN_T = 4;

/**
 * The rollups' default rho: the parts' bounds add. Measured on the shared traces (`npm run eval:forecast --
 * --sections rollup`, docs/benchmarks.md "Rollups"): summed over groups of 3, 6, 15 and 60 VMs, 90% intervals
 * combined at rho 0.5 covered only 0.83-0.88 at 1 h and 4 h and 0.69-0.82 at 24 h (CPU), at rho 1 0.89-0.95
 * (memory 0.90-0.97). The VMs' errors move together (one datacenter's business cycle), and the parts' points are
 * near-medians of skewed demand, whose sum sits below the sum's median: the sum needs the wider bound.
 */
export const DEFAULT_ROLLUP_RHO = 1;

/**
 * Sum of component forecasts for a layer, host, cluster or power domain. Points and forecasts of the mean
 * (`expected`, a part's point where it has none) add. Interval half-widths
 * (upper - point, point - lower, taken separately) combine as for residuals with a common pairwise correlation
 * rho:  w = sqrt((1 - rho) * sum(w_i^2) + rho * (sum w_i)^2).  rho = 0 treats components as independent (the
 * narrowest, root-sum-of-squares), rho = 1 adds the bounds (the widest: every component at its upper bound at
 * once), the default (DEFAULT_ROLLUP_RHO). risingUpper combines, the same way, only the upper half-widths of the
 * rising parts (a part's own risingUpper when it is a rollup itself).
 */
export function rollUp(
  parts: readonly SeriesForecast[],
  rho = DEFAULT_ROLLUP_RHO,
): SeriesForecast | undefined {
  if (parts.length === 0) return undefined;
  const r = Math.min(1, Math.max(0, rho));
  const first = parts[0];
  const horizons: HorizonForecast[] = first.horizons.map((h0, k) => {
    let point = 0;
    let expected = 0;
    let sumU = 0;
    let sumU2 = 0;
    let sumL = 0;
    let sumL2 = 0;
    let sumR = 0;
    let sumR2 = 0;
    for (const p of parts) {
      const h = p.horizons[k] ?? p.horizons.find((x) => x.horizonSeconds === h0.horizonSeconds);
      if (!h) continue;
      point += h.point;
      expected += h.expected ?? h.point;
      const u = Math.max(0, h.upper - h.point);
      const l = Math.max(0, h.point - h.lower);
      sumU += u;
      sumU2 += u * u;
      sumL += l;
      sumL2 += l * l;
      const rise =
        h.risingUpper !== undefined
          ? Math.max(0, h.risingUpper - h.point)
          : isRising(p.ramp, RISING_UPPER_MIN_T)
            ? u
            : 0;
      sumR += rise;
      sumR2 += rise * rise;
    }
    const up = combine(sumU, sumU2, r);
    const lo = combine(sumL, sumL2, r);
    return {
      horizonSeconds: h0.horizonSeconds,
      at: h0.at,
      point,
      lower: Math.max(0, point - lo),
      upper: point + up,
      expected,
      risingUpper: point + combine(sumR, sumR2, r),
    };
  });
  const fallbacks = parts.filter((p) => p.fallback).length;
  return {
    metric: first.metric,
    origin: Math.max(...parts.map((p) => p.origin)),
    horizons,
    coverage: first.coverage,
    fallback: fallbacks
      ? { kind: 'partial', reason: `${fallbacks} of ${parts.length} components on a baseline` }
      : undefined,
    current: sumIfAll(parts.map((p) => p.current)),
    ceiling: sumIfAll(parts.map((p) => p.ceiling)),
    // the parts' resistant lines add (an approximation of the sum's own line: medians do not add exactly)
    trend: sumTrends(parts.map((p) => p.trend)),
    shortTrend: sumTrends(parts.map((p) => p.shortTrend)),
    ramp: sumRampFits(parts.map((p) => p.ramp)),
  };
}

/**
 * Half-widths w_i combined with a common correlation rho, from their sum and sum of squares. The result lies between
 * the root sum of squares and the sum by construction; clamping there keeps rounding from moving it outside (a
 * rollup of one part has exactly that part's interval: otherwise a bound at 0 came out at 1e-13, and an idle VM's
 * actual 0 fell outside its own host's interval).
 */
function combine(sum: number, sumSquares: number, rho: number): number {
  const rss = Math.sqrt(sumSquares);
  return Math.min(sum, Math.max(rss, Math.sqrt((1 - rho) * sumSquares + rho * sum * sum)));
}

/** The sum when every value is known; undefined when any is not (a partial sum would understate it). */
function sumIfAll(values: readonly (number | undefined)[]): number | undefined {
  let sum = 0;
  for (const v of values) {
    if (v === undefined) return undefined;
    sum += v;
  }
  return sum;
}

/** Roll components up by a grouping key (layer, host, cluster, power domain); components without a key are skipped. */
export function rollUpBy<T extends { id: string }>(
  components: readonly T[],
  key: (c: T) => string | undefined,
  forecastOf: (c: T) => SeriesForecast | undefined,
  rho = DEFAULT_ROLLUP_RHO,
): Map<string, SeriesForecast> {
  const groups = new Map<string, SeriesForecast[]>();
  for (const c of components) {
    const k = key(c);
    const f = forecastOf(c);
    if (k === undefined || !f) continue;
    const g = groups.get(k);
    if (g) g.push(f);
    else groups.set(k, [f]);
  }
  const out = new Map<string, SeriesForecast>();
  for (const [k, g] of groups) {
    const r = rollUp(g, rho);
    if (r) out.set(k, r);
  }
  return out;
}
