import { normaliseSchedule } from './calendar';
import type { CleanSeries } from './clean';
import { FEATURE_COUNT, FEATURE_NAMES, LOOKBACK_SLOTS, prefixSums, writeFeatures } from './features';
import { quantile } from './stats';
import { fitRidge, predictRow, type LinearModelJSON } from './ridge';
import { fitRampOnset, noiseScale } from './ramp';
import { recentTrend, shortTrend as shortTrendAt } from './trend';
import {
  HORIZONS_SECONDS,
  STEPS_PER_DAY,
  type HorizonForecast,
  type Metric,
  type ScheduleWindow,
  type SeriesForecast,
} from './types';

export type Transform = 'none' | 'log1p';

/** A series transformed once for forecasting from many origins. */
export interface PreparedSeries {
  values: Float64Array;
  z: Float64Array;
  /** prefix sums of z; without them window means are summed directly */
  p: Float64Array | undefined;
  start: number;
  stepSeconds: number;
  schedule: ScheduleWindow[];
  /** the most the series can reach (seriesCeiling: the VM's configured size); caps points and bounds */
  ceiling: number | undefined;
  /** recentMax[i]: the highest value in the week up to slot i (prepare); without it, summed at forecast time */
  recentMax: Float64Array | undefined;
  /** FORECAST_HISTORY_HEADROOM, or Infinity for the evaluation harness's uncapped run (`--caps off`) */
  historyHeadroom: number;
}

/** What a forecast knows besides the history's values (forecast, prepare). */
export interface PrepareOptions {
  schedule?: readonly ScheduleWindow[];
  /** the series' ceiling (seriesCeiling of the configured size) */
  ceiling?: number;
  /** the history cap's multiple (default FORECAST_HISTORY_HEADROOM); Infinity evaluates without it */
  historyHeadroom?: number;
}

/**
 * A forecast (point and upper bound) is at most this multiple of the highest value of the last week (the features'
 * lookback, LOOKBACK_SLOTS), and at most the VM's configured size (the ceiling) where known. CPU is forecast in
 * log space, so on a VM that idles near 0 and bursts to its size the hold-out's log residuals reach ~7 and, at its
 * busy level, the upper bound came out e^8 times it: 5,000,000 MHz on a 5,852 MHz VM, and 24 h CPU intervals 500x
 * the actuals on average over half the shared traces; a few points, too, landed at 4x anything the VM had done
 * (docs/benchmarks.md, "Forecast caps"). 1.2 cost no coverage there. A real ramp lifts the week's high as it
 * goes; foreseeing one is the trigger's trend detectors' job, not the point's.
 */
export const FORECAST_HISTORY_HEADROOM = 1.2;

/** The hold-out's ratio of actuals to points is trusted within these bounds (a near-empty hold-out can say anything). */
export const MEAN_RATIO_MIN = 0.5;
export const MEAN_RATIO_MAX = 2;

/** recentMax of a whole series: the maximum of each slot's last LOOKBACK_SLOTS + 1 values (a monotonic deque). */
function slidingMax(values: Float64Array): Float64Array {
  const out = new Float64Array(values.length);
  const q = new Int32Array(values.length);
  let head = 0;
  let tail = 0;
  for (let k = 0; k < values.length; k++) {
    while (tail > head && !(values[q[tail - 1]] > values[k])) tail--;
    q[tail++] = k;
    if (q[head] < k - LOOKBACK_SLOTS) head++;
    out[k] = values[q[head]];
  }
  return out;
}

/** The highest value of values[from..to] (NaN ignored; 0 when there is none). */
function maxOf(values: Float64Array, from: number, to: number): number {
  let m = 0;
  for (let k = Math.max(0, from); k <= to; k++) if (values[k] > m) m = values[k];
  return m;
}

export type ModelKind = 'ridge' | 'seasonal-naive' | 'naive' | 'constant';

export interface TrainOptions {
  metric: Metric;
  transform?: Transform;
  horizonsSeconds?: readonly number[];
  /** most recent days of history the regression is fitted on */
  trainDays?: number;
  /** fit on every k-th origin (neighbouring 5-min rows are nearly duplicates) */
  rowStride?: number;
  /** the interval's residual quantiles come from the last days of the fit */
  residualDays?: number;
  /** ridge penalty, relative (see fitRidge) */
  lambda?: number;
  /** 'huber' (robust, near-median) or 'l2' least squares */
  loss?: 'l2' | 'huber';
  huberK?: number;
  /**
   * where the interval's residual quantiles come from: 'holdout' = fit without the last residualDays and take
   * the out-of-sample residuals there; 'in-sample' = fit on everything and take its own recent residuals
   */
  intervalSource?: 'holdout' | 'in-sample';
  /** per horizon, keep the regression only if it beats these baselines on the hold-out */
  selectOnHoldout?: boolean;
  /**
   * baselines a horizon may fall back to; default naive only: seasonal naive repeats yesterday and is blind to a
   * ramp happening now, which the proactive trigger must see
   */
  baselines?: readonly ('naive' | 'seasonal-naive')[];
  /** after selection, refit the regression on all rows including the hold-out */
  refitAfterHoldout?: boolean;
  /** include the current level itself as a feature (lets the model revert towards the training mean) */
  levelFeature?: boolean;
  /** nominal coverage of the central interval */
  coverage?: number;
  /** widen the residual quantiles by this factor (in-sample residuals understate out-of-sample error) */
  intervalInflation?: number;
  schedule?: readonly ScheduleWindow[];
  /** rows needed for the regression, beyond the lookback; below that a baseline is used */
  minTrainRows?: number;
}

export const HORIZON_METHODS = ['ridge', 'naive', 'seasonal-naive'] as const;
export type HorizonMethod = (typeof HORIZON_METHODS)[number];

export interface HorizonModel {
  horizonSeconds: number;
  steps: number;
  /** what forecasts this horizon: the regression, or a baseline that beat it on the hold-out */
  method?: HorizonMethod;
  /** ml-regression MultivariateLinearRegression JSON (ridge only) */
  linear?: LinearModelJSON;
  /** residual quantiles (in the transformed space for ridge, raw otherwise) */
  lo: number;
  hi: number;
  /**
   * sum of the hold-out's actuals over the sum of the chosen method's points there (raw units), clipped to
   * [MEAN_RATIO_MIN, MEAN_RATIO_MAX]: what turns the near-median point into a forecast of the mean (expected).
   * Absent without a hold-out of 20 rows or more (1 then).
   */
  meanRatio?: number;
  /**
   * the hold-out this horizon was chosen on (the last residualDays, not fitted): how many forecasts, and each
   * candidate's mean absolute error there in the series' units; absent without a hold-out (too little history)
   */
  holdout?: HoldoutError;
}

/** Mean absolute errors on a model's hold-out, per candidate method, in the series' units (MHz, MB). */
export interface HoldoutError {
  rows: number;
  mae: Record<HorizonMethod, number>;
}

/** A trained per-component, per-metric model: plain data, JSON-serialisable, safe to store and reload. */
export interface ComponentModelJSON {
  format: 'layershift.forecast.component-model';
  version: 1;
  kind: ModelKind;
  metric: Metric;
  transform: Transform;
  stepSeconds: number;
  coverage: number;
  trainedFrom: number;
  trainedUntil: number;
  trainRows: number;
  featureNames: string[];
  /** whether feature 0 (the current level) is used */
  levelFeature?: boolean;
  horizons: HorizonModel[];
  /** for kind 'constant' */
  level?: number;
  maxSeen?: number;
  /** why a baseline was used instead of the regression */
  fallbackReason?: string;
}

/** Per horizon: the method that forecasts it and its hold-out error beside the naive forecast's (stored, shown). */
export function holdoutSummary(
  json: ComponentModelJSON,
): { horizonSeconds: number; method: HorizonMethod; holdoutRows: number; mae: number; naiveMae: number }[] {
  return json.horizons.flatMap((h) =>
    h.holdout
      ? [
          {
            horizonSeconds: h.horizonSeconds,
            method: h.method ?? 'ridge',
            holdoutRows: h.holdout.rows,
            mae: h.holdout.mae[h.method ?? 'ridge'],
            naiveMae: h.holdout.mae.naive,
          },
        ]
      : [],
  );
}

export const DEFAULT_TRAIN: Required<Omit<TrainOptions, 'metric' | 'schedule' | 'transform'>> = {
  horizonsSeconds: HORIZONS_SECONDS,
  trainDays: 35,
  rowStride: 2,
  residualDays: 7,
  lambda: 1e-3,
  loss: 'huber',
  huberK: 1,
  intervalSource: 'holdout',
  levelFeature: false,
  selectOnHoldout: true,
  baselines: ['naive'],
  refitAfterHoldout: false,
  coverage: 0.9,
  intervalInflation: 1.2,
  minTrainRows: 3 * STEPS_PER_DAY,
};

/** The series' value at the origin, when there is one. */
function currentAt(ctx: PreparedSeries, i: number): number | undefined {
  const v = i >= 0 && i < ctx.values.length ? ctx.values[i] : NaN;
  return Number.isFinite(v) ? v : undefined;
}

function withTrend(
  f: SeriesForecast,
  trend: SeriesForecast['trend'],
  shortTrend?: SeriesForecast['shortTrend'],
  ramp?: SeriesForecast['ramp'],
): SeriesForecast {
  if (trend) f.trend = trend;
  if (shortTrend) f.shortTrend = shortTrend;
  if (ramp) f.ramp = ramp;
  return f;
}

function fwd(t: Transform, v: number): number {
  return t === 'log1p' ? Math.log1p(Math.max(0, v)) : v;
}
function inv(t: Transform, v: number): number {
  return t === 'log1p' ? Math.expm1(v) : v;
}

/** The default transform per metric: log1p for spiky CPU, none for memory (see docs/forecast.md). */
export function defaultTransform(metric: Metric): Transform {
  return metric === 'cpuMhz' ? 'log1p' : 'none';
}

/**
 * Train one component's model for one metric. Never throws on bad data: with too little history it returns a
 * baseline model (seasonal naive, naive or constant) whose fallbackReason says why.
 */
/** Scratch buffers for forecast(): one forecast at a time (JS is single-threaded), reused to avoid allocations. */
let scratchZ = new Float64Array(0);
const scratchFeat = new Float64Array(FEATURE_COUNT);

export class ComponentModel {
  private constructor(readonly json: ComponentModelJSON) {}

  static fromJSON(json: ComponentModelJSON): ComponentModel {
    if (json?.format !== 'layershift.forecast.component-model' || json.version !== 1)
      throw new Error('not a layershift forecast component model (format/version)');
    return new ComponentModel(json);
  }

  toJSON(): ComponentModelJSON {
    return this.json;
  }

  get kind(): ModelKind {
    return this.json.kind;
  }

  static train(series: CleanSeries, options: TrainOptions): ComponentModel {
    const o = { ...DEFAULT_TRAIN, ...options };
    const transform = options.transform ?? defaultTransform(options.metric);
    const step = series.stepSeconds;
    const n = series.values.length;
    const steps = o.horizonsSeconds.map((s) => Math.max(1, Math.round(s / step)));
    const maxH = Math.max(...steps);
    const base = {
      format: 'layershift.forecast.component-model' as const,
      version: 1 as const,
      metric: options.metric,
      stepSeconds: step,
      coverage: o.coverage,
      trainedFrom: series.start,
      trainedUntil: series.start + (n - 1) * step,
      featureNames: [...FEATURE_NAMES],
    };
    const alpha = (1 - o.coverage) / 2;
    const observedCount = series.report.observedSlots;
    const firstRow = Math.max(LOOKBACK_SLOTS, n - maxH - Math.round(o.trainDays * STEPS_PER_DAY));
    const lastRow = n - 1 - maxH;
    const rowsAvailable = lastRow - firstRow + 1;

    if (series.report.empty || observedCount < 24 || n < 24) {
      let level = 0;
      let maxSeen = 0;
      let c = 0;
      for (let k = 0; k < n; k++)
        if (series.observed[k]) {
          level += series.values[k];
          c++;
          maxSeen = Math.max(maxSeen, series.values[k]);
        }
      level = c ? level / c : 0;
      return new ComponentModel({
        ...base,
        kind: 'constant',
        transform: 'none',
        trainRows: c,
        horizons: o.horizonsSeconds.map((s, k) => ({ horizonSeconds: s, steps: steps[k], lo: 0, hi: 0 })),
        level,
        maxSeen,
        fallbackReason: `${observedCount} observed samples (< 24, two hours): constant at the mean, interval 0 .. 2 x max seen`,
      });
    }
    if (rowsAvailable < o.minTrainRows || series.report.tooShort) {
      const seasonal = n >= 2 * STEPS_PER_DAY;
      const kind: ModelKind = seasonal ? 'seasonal-naive' : 'naive';
      const horizons = o.horizonsSeconds.map((s, k) => {
        const h = steps[k];
        const errs: number[] = [];
        for (let j = seasonal ? STEPS_PER_DAY - h : 0; j + h < n; j++) {
          if (j < 0 || !series.observed[j + h]) continue;
          const f = seasonal ? series.values[j + h - STEPS_PER_DAY] : series.values[j];
          errs.push(series.values[j + h] - f);
        }
        let lo = 0;
        let hi = 0;
        if (errs.length >= 10) {
          lo = quantile(errs, alpha) * o.intervalInflation;
          hi = quantile(errs, 1 - alpha) * o.intervalInflation;
        } else {
          // not even ten h-step pairs: scale the 1-step changes by sqrt(h)
          const d: number[] = [];
          for (let j = 0; j + 1 < n; j++) d.push(series.values[j + 1] - series.values[j]);
          lo = quantile(d, alpha) * Math.sqrt(h) * o.intervalInflation;
          hi = quantile(d, 1 - alpha) * Math.sqrt(h) * o.intervalInflation;
        }
        return { horizonSeconds: s, steps: h, lo, hi };
      });
      const days = (observedCount / STEPS_PER_DAY).toFixed(1);
      return new ComponentModel({
        ...base,
        kind,
        transform: 'none',
        trainRows: n,
        horizons,
        fallbackReason: `${days} days observed, regression needs ${((LOOKBACK_SLOTS + maxH + o.minTrainRows) / STEPS_PER_DAY).toFixed(1)}: ${kind} baseline with empirical error quantiles`,
      });
    }

    const z = new Float64Array(n);
    for (let k = 0; k < n; k++) z[k] = fwd(transform, series.values[k]);
    const p = prefixSums(z);
    const schedule = normaliseSchedule(options.schedule);
    const cols = FEATURE_COUNT;
    const stride = Math.max(1, Math.floor(o.rowStride));
    const minH = Math.min(...steps);
    const maxRows = Math.floor((n - 1 - minH - firstRow) / stride) + 1;
    const x = new Float64Array(maxRows * cols);
    const y = new Float64Array(maxRows);
    const rowIndex = new Int32Array(maxRows);
    const feat = new Float64Array(cols);
    const residualFrom = n - 1 - Math.round(o.residualDays * STEPS_PER_DAY);
    const horizons: HorizonModel[] = [];
    let trainRows = 0;
    for (let k = 0; k < steps.length; k++) {
      const h = steps[k];
      let rows = 0;
      // every horizon uses the rows up to its own last target
      for (let i = n - 1 - h; i >= firstRow && rows < maxRows; i -= stride) {
        if (!series.observed[i + h]) continue;
        writeFeatures(z, p, i, h, series.start + i * step, step, schedule, feat, o.levelFeature);
        x.set(feat, rows * cols);
        y[rows] = z[i + h] - z[i];
        rowIndex[rows] = i;
        rows++;
      }
      // rows were collected newest first: the hold-out rows (targets after residualFrom) lead
      let holdout = 0;
      while (holdout < rows && rowIndex[holdout] + h >= residualFrom) holdout++;
      const useHoldout =
        o.intervalSource === 'holdout' && rows - holdout >= o.minTrainRows / stride && holdout >= 20;
      const fitFrom = useHoldout ? holdout : 0;
      const linear = fitRidge(
        x.subarray(fitFrom * cols, rows * cols),
        y.subarray(fitFrom, rows),
        rows - fitFrom,
        cols,
        { lambda: o.lambda, loss: o.loss, huberK: o.huberK },
      );
      // hold-out errors of the regression and of the two baselines it must beat; the horizon keeps whichever
      // has the lowest mean absolute error there (in the original units), and that method's residual quantiles
      const w = linear.weights;
      const cand: Record<HorizonMethod, { res: number[]; abs: number; sum: number }> = {
        ridge: { res: [], abs: 0, sum: 0 },
        naive: { res: [], abs: 0, sum: 0 },
        'seasonal-naive': { res: [], abs: 0, sum: 0 },
      };
      let actualSum = 0;
      for (let r = 0; r < holdout; r++) {
        let s = w[cols][0];
        const off = r * cols;
        for (let c = 0; c < cols; c++) s += w[c][0] * x[off + c];
        const i = rowIndex[r];
        const actual = series.values[i + h];
        const zs = z[i + h - STEPS_PER_DAY * Math.ceil(h / STEPS_PER_DAY)];
        const points: Record<HorizonMethod, number> = {
          ridge: Math.max(0, inv(transform, z[i] + s)),
          naive: series.values[i],
          'seasonal-naive': Math.max(0, inv(transform, zs)),
        };
        actualSum += actual;
        cand.ridge.res.push(y[r] - s);
        cand.naive.res.push(y[r]);
        cand['seasonal-naive'].res.push(z[i + h] - zs);
        for (const m of HORIZON_METHODS) {
          cand[m].abs += Math.abs(actual - points[m]);
          cand[m].sum += points[m];
        }
      }
      let method: HorizonMethod = 'ridge';
      if (o.selectOnHoldout && holdout >= 20)
        for (const m of o.baselines) if (cand[m].abs < cand[method].abs) method = m;
      let final = linear;
      if (o.refitAfterHoldout && fitFrom > 0 && method === 'ridge')
        final = fitRidge(x.subarray(0, rows * cols), y.subarray(0, rows), rows, cols, {
          lambda: o.lambda,
          loss: o.loss,
          huberK: o.huberK,
        });
      trainRows = Math.max(trainRows, rows);
      const res = cand[method].res;
      horizons.push({
        horizonSeconds: o.horizonsSeconds[k],
        steps: h,
        method,
        linear: method === 'ridge' ? final : undefined,
        lo: quantile(res, alpha) * o.intervalInflation,
        hi: quantile(res, 1 - alpha) * o.intervalInflation,
        meanRatio:
          holdout >= 20 && cand[method].sum > 0
            ? Math.min(MEAN_RATIO_MAX, Math.max(MEAN_RATIO_MIN, actualSum / cand[method].sum))
            : undefined,
        holdout:
          holdout > 0
            ? {
                rows: holdout,
                mae: {
                  ridge: cand.ridge.abs / holdout,
                  naive: cand.naive.abs / holdout,
                  'seasonal-naive': cand['seasonal-naive'].abs / holdout,
                },
              }
            : undefined,
      });
    }
    return new ComponentModel({
      ...base,
      kind: 'ridge',
      transform,
      trainRows,
      horizons,
      levelFeature: o.levelFeature,
    });
  }

  /**
   * Forecast from the last slot of `history` (already cleaned). A ridge model given less history than its
   * features need degrades to a naive forecast with its own residual quantiles, and says so. `ceiling` (the
   * component's configured size, seriesCeiling) caps the points and bounds and is carried on the forecast.
   */
  forecast(history: CleanSeries, options: PrepareOptions = {}): SeriesForecast {
    const n = history.values.length;
    // only the tail the features read, and within it only the slots they read, are transformed (lags and the
    // last day's windows, plus a 13-slot window a week before each regression horizon's target); window means
    // are summed directly (no prefix sums)
    const from = Math.max(0, n - LOOKBACK_SLOTS - 1);
    const values = history.values.subarray(from);
    const len = values.length;
    if (scratchZ.length < len) scratchZ = new Float64Array(Math.max(len, LOOKBACK_SLOTS + 1));
    const z = scratchZ.subarray(0, len);
    const i = len - 1;
    const t = this.json.transform;
    const fill = (a: number, b: number) => {
      for (let k = Math.max(0, a); k <= Math.min(i, b); k++) z[k] = fwd(t, values[k]);
    };
    if (this.json.kind === 'ridge' && i >= LOOKBACK_SLOTS) {
      let lo = i;
      for (const hm of this.json.horizons) {
        if (hm.method === 'naive') continue;
        lo = Math.min(lo, i - STEPS_PER_DAY + 1, i + hm.steps - STEPS_PER_DAY - 6);
        if (hm.method !== 'seasonal-naive') {
          const cw = i + hm.steps - 7 * STEPS_PER_DAY;
          fill(cw - 6, cw + 6);
        }
      }
      fill(lo, i);
    } else fill(0, i);
    const ctx: PreparedSeries = {
      values,
      z,
      p: undefined,
      start: history.start + from * history.stepSeconds,
      stepSeconds: history.stepSeconds,
      schedule: normaliseSchedule(options.schedule),
      ceiling: options.ceiling,
      recentMax: undefined,
      historyHeadroom: options.historyHeadroom ?? FORECAST_HISTORY_HEADROOM,
    };
    return this.forecastAt(ctx, i);
  }

  /** Transform a whole (filled) series once, to forecast from many origins in it (evaluation, replays). */
  prepare(
    values: Float64Array,
    start: number,
    stepSeconds: number,
    options: PrepareOptions = {},
  ): PreparedSeries {
    const z = new Float64Array(values.length);
    for (let k = 0; k < values.length; k++) z[k] = fwd(this.json.transform, values[k]);
    return {
      values,
      z,
      p: prefixSums(z),
      start,
      stepSeconds,
      schedule: normaliseSchedule(options.schedule),
      ceiling: options.ceiling,
      recentMax: slidingMax(values),
      historyHeadroom: options.historyHeadroom ?? FORECAST_HISTORY_HEADROOM,
    };
  }

  /** Forecast from origin slot i of a prepared series (only slots up to i are read). */
  forecastAt(ctx: PreparedSeries, i: number): SeriesForecast {
    const j = this.json;
    const step = ctx.stepSeconds;
    const origin = ctx.start + i * step;
    const out: HorizonForecast[] = [];
    let fallback: SeriesForecast['fallback'];
    if (j.fallbackReason) fallback = { kind: j.kind, reason: j.fallbackReason };
    const noise = i >= 0 ? noiseScale(ctx.values, i) : undefined;
    const trend = i >= 0 ? recentTrend(ctx.values, i, step) : undefined;
    const shortTrend = i >= 0 ? shortTrendAt(ctx.values, i, step) : undefined;
    const ramp = noise !== undefined ? fitRampOnset(ctx.values, i, step, noise) : undefined;
    const ceiling = ctx.ceiling ?? Infinity;
    const weekHigh = i < 0 ? Infinity : (ctx.recentMax?.[i] ?? maxOf(ctx.values, i - LOOKBACK_SLOTS, i));
    const top = Math.min(
      ceiling,
      ctx.historyHeadroom === Infinity ? Infinity : ctx.historyHeadroom * weekHigh,
    );

    if (j.kind === 'ridge' && i >= LOOKBACK_SLOTS) {
      const feat = scratchFeat;
      for (let k = 0; k < j.horizons.length; k++) {
        const hm = j.horizons[k];
        if (hm.method === 'naive' || hm.method === 'seasonal-naive') {
          const back =
            hm.method === 'naive' ? i : i + hm.steps - STEPS_PER_DAY * Math.ceil(hm.steps / STEPS_PER_DAY);
          out.push(this.horizonOut(hm, origin, ctx.z[Math.max(0, back)], j.transform, top));
          continue;
        }
        writeFeatures(ctx.z, ctx.p, i, hm.steps, origin, step, ctx.schedule, feat, j.levelFeature !== false);
        // the stored ml-regression weights, applied as a plain dot product (no per-call matrix allocations)
        const zHat = ctx.z[i] + predictRow(hm.linear!.weights, feat);
        out.push(this.horizonOut(hm, origin, zHat, j.transform, top));
      }
    } else this.baselineHorizons(ctx, i, origin, top, ceiling, out);
    if (j.kind === 'ridge' && i < LOOKBACK_SLOTS)
      fallback = {
        kind: 'naive',
        reason: `history of ${i + 1} slots < ${LOOKBACK_SLOTS + 1} the features need`,
      };
    return withTrend(
      {
        metric: j.metric,
        origin,
        horizons: out,
        coverage: j.coverage,
        fallback,
        current: currentAt(ctx, i),
        ceiling: ctx.ceiling,
      },
      trend,
      shortTrend,
      ramp,
    );
  }

  /**
   * The horizons of a baseline model, or of a ridge model handed too little history (naive then): the constant
   * model's level, the last value, or the same time yesterday, with the model's residual quantiles.
   */
  private baselineHorizons(
    ctx: PreparedSeries,
    i: number,
    origin: number,
    top: number,
    ceiling: number,
    out: HorizonForecast[],
  ): void {
    const j = this.json;
    const last = i >= 0 ? ctx.values[i] : (j.level ?? 0);
    for (const hm of j.horizons) {
      if (j.kind === 'constant') {
        const point = Math.min(ceiling, j.level ?? 0);
        out.push({
          horizonSeconds: hm.horizonSeconds,
          at: origin + hm.horizonSeconds,
          point,
          // the constant model's level is the mean already
          expected: point,
          lower: 0,
          // too little history for the week's high to say much: the constant model's own 2 x max seen, sized
          upper: Math.max(point, Math.min(ceiling, 2 * (j.maxSeen ?? 0))),
        });
        continue;
      }
      let base = last;
      if (j.kind === 'seasonal-naive' && i + hm.steps - STEPS_PER_DAY >= 0)
        base = ctx.values[i + hm.steps - STEPS_PER_DAY];
      out.push(this.horizonOut(hm, origin, fwd(j.transform, base), j.transform, top));
    }
  }

  private horizonOut(
    hm: HorizonModel,
    origin: number,
    zHat: number,
    t: Transform,
    top: number,
  ): HorizonForecast {
    const point = Math.min(top, Math.max(0, inv(t, zHat)));
    const lower = Math.max(0, Math.min(point, inv(t, zHat + hm.lo)));
    const upper = Math.max(point, Math.min(top, inv(t, zHat + hm.hi)));
    const expected = Math.min(top, point * (hm.meanRatio ?? 1));
    return {
      horizonSeconds: hm.horizonSeconds,
      at: origin + hm.horizonSeconds,
      point,
      lower,
      upper,
      expected,
    };
  }
}
