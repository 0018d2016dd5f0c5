import {
  fitHoltWinters,
  holtWintersForecast,
  holtWintersInit,
  holtWintersUpdate,
  naiveForecast,
  seasonalNaiveForecast,
  type HoltWintersParams,
} from './baselines';
import type { CleanSeries } from './clean';
import { ComponentModel, type PreparedSeries, type TrainOptions } from './model';
import { ErrorAccumulator, quantile, seasonalNaiveScale } from './stats';
import { HORIZONS_SECONDS, STEPS_PER_DAY, STEPS_PER_WEEK, type Metric, type SeriesForecast } from './types';

export const MODEL_NAMES = ['ours', 'naive', 'snaive-day', 'snaive-week', 'holt-winters'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

export interface EvaluationOptions {
  metric: Metric;
  /** days before the first origin (training only) */
  initialTrainDays?: number;
  /** refit every model this often; origins in between use the last fit */
  refitDays?: number;
  /** slots between origins (12 = hourly) */
  originStep?: number;
  /** baselines' intervals: empirical quantiles of their h-step errors over these last days of training */
  residualDays?: number;
  /** Holt-Winters parameters are fitted on these last days of training */
  holtWintersDays?: number;
  coverage?: number;
  train?: Partial<Omit<TrainOptions, 'metric'>>;
  /** the series' ceiling (seriesCeiling of the VM's configured size): caps our points and bounds, as in the product */
  ceiling?: number;
  /** our forecasts' history cap (FORECAST_HISTORY_HEADROOM by default; Infinity: none, to measure what it does) */
  historyHeadroom?: number;
  /**
   * called with our forecast at every scored origin (slot index), e.g. to sum several series' forecasts into a
   * host's or a layer's and score the rollup against the summed actuals
   */
  onForecast?: (origin: number, forecast: SeriesForecast) => void;
}

export interface SeriesEvaluation {
  metric: Metric;
  /** in-sample MAE of the daily seasonal naive over the initial training days; 0 when the series is flat */
  scale: number;
  origins: number;
  /** horizonSeconds -> model -> errors */
  byHorizon: Record<number, Record<ModelName, ErrorAccumulator>>;
  trainMs: number;
  fallbacks: string[];
}

function accumulators(): Record<ModelName, ErrorAccumulator> {
  const r = {} as Record<ModelName, ErrorAccumulator>;
  for (const m of MODEL_NAMES) r[m] = new ErrorAccumulator();
  return r;
}

/** Sub-series [0, end) as a CleanSeries (the report's observed count recomputed). */
export function headOf(series: CleanSeries, end: number): CleanSeries {
  const observed = series.observed.subarray(0, end);
  let c = 0;
  for (let k = 0; k < end; k++) c += observed[k];
  return {
    start: series.start,
    stepSeconds: series.stepSeconds,
    values: series.values.subarray(0, end),
    observed,
    report: { ...series.report, slots: end, observedSlots: c, tooShort: series.report.tooShort, notes: [] },
  };
}

/**
 * Rolling-origin evaluation of one series: train on everything before a week, forecast 1 h, 4 h and 24 h ahead
 * from every `originStep`-th slot of that week with every model, score against the observed values, move on.
 */
export function evaluateSeries(series: CleanSeries, options: EvaluationOptions): SeriesEvaluation {
  const initial = Math.round((options.initialTrainDays ?? 28) * STEPS_PER_DAY);
  const refit = Math.round((options.refitDays ?? 7) * STEPS_PER_DAY);
  const originStep = options.originStep ?? 12;
  const residualSlots = Math.round((options.residualDays ?? 14) * STEPS_PER_DAY);
  const hwSlots = Math.round((options.holtWintersDays ?? 28) * STEPS_PER_DAY);
  const coverage = options.coverage ?? options.train?.coverage ?? 0.9;
  const alpha = (1 - coverage) / 2;
  const horizons = (options.train?.horizonsSeconds ?? HORIZONS_SECONDS).map((s) => ({
    s,
    h: Math.round(s / series.stepSeconds),
  }));
  const y = series.values;
  const obs = series.observed;
  const n = y.length;
  const byHorizon: SeriesEvaluation['byHorizon'] = {};
  for (const { s } of horizons) byHorizon[s] = accumulators();
  const result: SeriesEvaluation = {
    metric: options.metric,
    scale: seasonalNaiveScale(y, obs, STEPS_PER_DAY, 0, Math.min(n, initial)),
    origins: 0,
    byHorizon,
    trainMs: 0,
    fallbacks: [],
  };
  // features read only slots up to the origin, so the whole series is transformed once per transform
  const prepared = new Map<string, PreparedSeries>();

  for (let weekStart = initial; weekStart < n; weekStart += refit) {
    const weekEnd = Math.min(n, weekStart + refit);
    const t0 = performance.now();
    const model = ComponentModel.train(headOf(series, weekStart), {
      ...options.train,
      metric: options.metric,
    });
    result.trainMs += performance.now() - t0;
    if (model.json.fallbackReason) result.fallbacks.push(model.json.fallbackReason);
    let ctx = prepared.get(model.json.transform);
    if (!ctx) {
      ctx = model.prepare(y, series.start, series.stepSeconds, {
        ceiling: options.ceiling,
        historyHeadroom: options.historyHeadroom,
      });
      prepared.set(model.json.transform, ctx);
    }

    // baseline interval quantiles from their h-step errors in the last residual days of training
    const bq: Record<string, { lo: number; hi: number }> = {};
    const hwFrom = Math.max(0, weekStart - hwSlots);
    const hwParams: HoltWintersParams = fitHoltWinters(y, hwFrom, weekStart, STEPS_PER_DAY);
    const hwState = holtWintersInit(y, hwFrom, STEPS_PER_DAY);
    const resFrom = Math.max(STEPS_PER_WEEK, weekStart - residualSlots);
    const hwErr: number[][] = horizons.map(() => []);
    const pending: { j: number; f: number[] }[] = [];
    for (const { s, h } of horizons) {
      const e: Record<string, number[]> = { naive: [], 'snaive-day': [], 'snaive-week': [] };
      for (let j = resFrom - h; j + h < weekStart; j++) {
        if (j < 0 || !obs[j + h]) continue;
        e.naive.push(y[j + h] - naiveForecast(y, j, h));
        e['snaive-day'].push(y[j + h] - seasonalNaiveForecast(y, j, h, STEPS_PER_DAY));
        e['snaive-week'].push(y[j + h] - seasonalNaiveForecast(y, j, h, STEPS_PER_WEEK));
      }
      for (const k of Object.keys(e))
        bq[`${k}@${s}`] = { lo: quantile(e[k], alpha), hi: quantile(e[k], 1 - alpha) };
    }

    // Holt-Winters: run the filter through training (collecting h-step errors) and the test week
    const hwTest = new Map<number, number[]>();
    for (let t = hwState.t + 1; t < weekEnd; t++) {
      holtWintersUpdate(hwState, y[t], hwParams);
      if (t >= resFrom - 288 && t < weekStart)
        pending.push({ j: t, f: horizons.map(({ h }) => holtWintersForecast(hwState, h, hwParams)) });
      if (t >= weekStart && (t - weekStart) % originStep === 0)
        hwTest.set(
          t,
          horizons.map(({ h }) => holtWintersForecast(hwState, h, hwParams)),
        );
    }
    for (const { j, f } of pending)
      horizons.forEach(({ h }, k) => {
        if (j + h < weekStart && j + h >= resFrom && obs[j + h]) hwErr[k].push(y[j + h] - f[k]);
      });
    horizons.forEach(
      ({ s }, k) =>
        (bq[`holt-winters@${s}`] = { lo: quantile(hwErr[k], alpha), hi: quantile(hwErr[k], 1 - alpha) }),
    );

    for (let i = weekStart; i < weekEnd; i += originStep) {
      result.origins++;
      const ours = model.forecastAt(ctx, i);
      options.onForecast?.(i, ours);
      const hw = hwTest.get(i)!;
      horizons.forEach(({ s, h }, k) => {
        if (i + h >= n || !obs[i + h]) return;
        const actual = y[i + h];
        const acc = byHorizon[s];
        const f = ours.horizons[k];
        acc.ours.add(actual, f.point, f.lower, f.upper);
        const add = (name: ModelName, point: number) => {
          const q = bq[`${name}@${s}`];
          const p = Math.max(0, point);
          acc[name].add(actual, p, Math.max(0, p + q.lo), Math.max(0, p + q.hi));
        };
        add('naive', naiveForecast(y, i, h));
        add('snaive-day', seasonalNaiveForecast(y, i, h, STEPS_PER_DAY));
        add('snaive-week', seasonalNaiveForecast(y, i, h, STEPS_PER_WEEK));
        add('holt-winters', hw[k]);
      });
    }
  }
  return result;
}
