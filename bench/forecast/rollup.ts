import { rollUp, type Metric, type SeriesForecast } from '@app/forecast';
import type { Args } from './main';
import {
  F_ACTUAL,
  F_LOWER,
  F_POINT,
  F_SNAIVE,
  F_UPPER,
  F_EXPECTED,
  RECORD_FIELDS,
  type RecordedForecasts,
} from './recorded';
import type { WorkerResult } from './accuracy-worker';
import { traceId } from './data';

/**
 * Rollup accuracy: the same rolling-origin forecasts as the accuracy section, summed over groups of consecutive
 * traces (stand-ins for a host's, a layer's or a cluster's VMs) by the product's `rollUp` at several rho, and
 * scored against the summed actuals. Answers what rho makes a rolled-up 90% interval cover 90% (rollup.ts: rho
 * 0 = independent errors, 1 = every component at its bound at once), and whether summed points stay better than
 * the summed seasonal naive.
 */

const RHOS = [0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.75, 1];
const SHOWN_RHOS = [0, 0.1, 0.2, 0.3, 0.5, 1];

export interface RollupCell {
  groups: number;
  /** group-origin pairs scored: every member forecast and observed */
  scored: number;
  /** summed MAE of our summed points / of the summed daily seasonal naive, on the same targets */
  maeRatioVsSnaiveDay: number;
  wape: number;
  /** (summed actuals - summed points) / summed actuals: > 0 when the summed points fall short */
  bias: number;
  /** the same for the summed forecasts of the mean (`expected`), which rollups also carry */
  biasExpected: number;
  /** WAPE of the summed `expected` */
  wapeExpected: number;
  /** rho -> pooled share of summed actuals inside the rolled-up interval */
  coverage: Record<string, number>;
  /** rho -> mean interval width / mean summed actual */
  relativeWidth: Record<string, number>;
  /** the rho on the grid whose coverage is closest to the nominal */
  rhoClosestToNominal: number;
}

/** --group-sizes 1,3,6,15,60 (default): a size larger than the trace count is skipped. */
function groupSizes(args: Args, traces: number): number[] {
  const raw = args.extra['group-sizes'] ?? '1,3,6,15,60';
  const sizes = raw.split(',').map((x) => Number(x));
  if (sizes.some((k) => !Number.isInteger(k) || k < 1))
    throw new Error(
      `--group-sizes: expected positive integers separated by commas, found ${JSON.stringify(raw)}`,
    );
  return sizes.filter((k) => k <= traces);
}

/** One member's recorded forecast at one origin and horizon, as the product's rollUp takes it. */
const one = (metric: Metric, horizonSeconds: number, v: Float64Array, at: number): SeriesForecast => ({
  metric,
  origin: 0,
  coverage: 0.9,
  horizons: [
    {
      horizonSeconds,
      at: 0,
      point: v[at + F_POINT],
      lower: v[at + F_LOWER],
      upper: v[at + F_UPPER],
      expected: v[at + F_EXPECTED],
    },
  ],
});

function scoreGroups(
  metric: Metric,
  members: RecordedForecasts[][],
  k: number,
  horizonSeconds: number,
): RollupCell {
  const cov = RHOS.map(() => 0);
  const width = RHOS.map(() => 0);
  let scored = 0;
  let absErr = 0;
  let absErrSnaive = 0;
  let absActual = 0;
  let signedErr = 0;
  let signedErrExpected = 0;
  let absErrExpected = 0;
  for (const group of members) {
    const nh = group[0].horizonSlots.length;
    const origins = Math.min(...group.map((r) => r.values.length / (nh * RECORD_FIELDS)));
    for (let o = 0; o < origins; o++) {
      const at = (o * nh + k) * RECORD_FIELDS;
      if (group.some((r) => Number.isNaN(r.values[at + F_ACTUAL]))) continue;
      let actual = 0;
      let snaive = 0;
      for (const r of group) {
        actual += r.values[at + F_ACTUAL];
        snaive += r.values[at + F_SNAIVE];
      }
      const parts = group.map((r) => one(metric, horizonSeconds, r.values, at));
      scored++;
      absActual += Math.abs(actual);
      absErrSnaive += Math.abs(actual - snaive);
      RHOS.forEach((rho, j) => {
        const h = rollUp(parts, rho)!.horizons[0];
        if (j === 0) {
          // points and forecasts of the mean add whatever rho is
          absErr += Math.abs(actual - h.point);
          signedErr += actual - h.point;
          absErrExpected += Math.abs(actual - h.expected!);
          signedErrExpected += actual - h.expected!;
        }
        if (actual >= h.lower && actual <= h.upper) cov[j]++;
        width[j] += h.upper - h.lower;
      });
    }
  }
  const coverage: Record<string, number> = {};
  const relativeWidth: Record<string, number> = {};
  let best = 0;
  RHOS.forEach((rho, j) => {
    coverage[rho] = +(cov[j] / Math.max(1, scored)).toFixed(3);
    relativeWidth[rho] = +(width[j] / Math.max(1e-9, absActual)).toFixed(3);
    if (Math.abs(cov[j] / scored - 0.9) < Math.abs(cov[best] / scored - 0.9)) best = j;
  });
  return {
    groups: members.length,
    scored,
    maeRatioVsSnaiveDay: +(absErr / Math.max(1e-9, absErrSnaive)).toFixed(3),
    wape: +(absErr / Math.max(1e-9, absActual)).toFixed(3),
    bias: +(signedErr / Math.max(1e-9, absActual)).toFixed(3),
    biasExpected: +(signedErrExpected / Math.max(1e-9, absActual)).toFixed(3),
    wapeExpected: +(absErrExpected / Math.max(1e-9, absActual)).toFixed(3),
    coverage,
    relativeWidth,
    rhoClosestToNominal: RHOS[best],
  };
}

/** `evaluated`: the accuracy section's workers' output, run with `record` (runWorkers). */
export function runRollup(
  files: string[],
  args: Args,
  evaluated: readonly WorkerResult[],
): Record<string, Record<string, Record<string, RollupCell>>> {
  const t0 = performance.now();
  const order = new Map(files.map((f, i) => [traceId(f), i]));
  // workers return their share of the traces in their own order; groups are consecutive in the set's order
  const results = [...evaluated].sort((a, b) => order.get(a.vm)! - order.get(b.vm)!);
  const sizes = groupSizes(args, files.length);
  const out: Record<string, Record<string, Record<string, RollupCell>>> = {};
  const lines: string[] = [];
  for (const metric of ['cpuMhz', 'memMb'] as const) {
    const series = results.filter((r) => r.metric === metric && r.recorded).map((r) => r.recorded!);
    const ref = series[0];
    // summing slot by slot needs one clock: every trace of the set starts at the same instant with the same step
    if (series.some((r) => r.start !== ref.start || r.stepSeconds !== ref.stepSeconds))
      throw new Error(
        `rollup: the ${metric} traces do not share a start and step; they cannot be summed slot by slot`,
      );
    out[metric] = {};
    ref.horizonSlots.forEach((hs, k) => {
      const horizonSeconds = hs * ref.stepSeconds;
      const byH: Record<string, RollupCell> = {};
      for (const size of sizes) {
        const groups: RecordedForecasts[][] = [];
        for (let first = 0; first + size <= series.length; first += size)
          groups.push(series.slice(first, first + size));
        const c = scoreGroups(metric, groups, k, horizonSeconds);
        byH[size] = c;
        lines.push(
          `| ${metric} | ${horizonSeconds / 3600} h | ${size} (${c.groups}) | ${c.maeRatioVsSnaiveDay} | ${c.wape} | ${c.bias} | ${c.biasExpected} / ${c.wapeExpected} | ` +
            SHOWN_RHOS.map((r) => `${c.coverage[r]} / ${c.relativeWidth[r]}`).join(' | ') +
            ` | ${c.rhoClosestToNominal} |`,
        );
      }
      out[metric][`${horizonSeconds / 3600}h`] = byH;
    });
  }
  console.log(
    `\n## rollup accuracy (${((performance.now() - t0) / 1000).toFixed(1)} s)\n` +
      'our per-VM rolling-origin forecasts (as in the accuracy section) summed over groups of consecutive traces by ' +
      'rollUp(parts, rho); scored where every member is observed; MAE ratio = our summed MAE / the summed daily ' +
      'seasonal naive MAE on the same targets; cells: 90% coverage / mean width over mean actual',
  );
  console.log(
    `| metric | horizon | VMs per group (groups) | MAE vs snaive-day | WAPE | bias | expected: bias / WAPE | ${SHOWN_RHOS.map((r) => `rho ${r}`).join(' | ')} | rho nearest 0.9 |`,
  );
  console.log(
    `| --- | --- | --- | ---: | ---: | ---: | ---: | ${SHOWN_RHOS.map(() => '---:').join(' | ')} | ---: |`,
  );
  for (const l of lines) console.log(l);
  return out;
}
