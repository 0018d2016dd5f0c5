import { parentPort, workerData } from 'node:worker_threads';
import {
  evaluateSeries,
  seasonalNaiveForecast,
  seriesCeiling,
  STEPS_PER_DAY,
  type ErrorAccumulator,
  type Metric,
  type ModelName,
  type SeriesForecast,
} from '@app/forecast';
import { loadTrace } from './data';
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

export interface WorkerResult {
  vm: string;
  metric: Metric;
  scale: number;
  fallbacks: number;
  byHorizon: Record<number, Record<ModelName, ErrorAccumulator>>;
  /** with `record`: our forecasts at every scored origin, for the rollup section (rollup.ts) */
  recorded?: RecordedForecasts;
}

const { files, originStep, extra, record } = workerData as {
  files: string[];
  originStep: number;
  extra: Record<string, string>;
  record?: boolean;
};
const out: WorkerResult[] = [];
const train: Record<string, unknown> = {};
if (extra.transform) train.transform = extra.transform;
if (extra.lambda) train.lambda = Number(extra.lambda);
if (extra['train-days']) train.trainDays = Number(extra['train-days']);
if (extra.level) train.levelFeature = extra.level === 'true';
if (extra.loss) train.loss = extra.loss;
if (extra['interval-source']) train.intervalSource = extra['interval-source'];
if (extra['residual-days']) train.residualDays = Number(extra['residual-days']);
if (extra.select) train.selectOnHoldout = extra.select === 'true';
if (extra.refit) train.refitAfterHoldout = extra.refit === 'true';
if (extra.stride) train.rowStride = Number(extra.stride);
if (extra.inflation) train.intervalInflation = Number(extra.inflation);
for (const f of files) {
  const tr = loadTrace(f);
  for (const metric of ['cpuMhz', 'memMb'] as const) {
    const t = { ...train };
    if (metric === 'memMb' && extra['mem-transform']) t.transform = extra['mem-transform'];
    if (metric === 'cpuMhz' && extra['cpu-transform']) t.transform = extra['cpu-transform'];
    const s = tr[metric];
    let recorded: RecordedForecasts | undefined;
    const onForecast = record
      ? (i: number, fc: SeriesForecast) => {
          if (!recorded) {
            const horizonSlots = fc.horizons.map((h) => Math.round(h.horizonSeconds / s.stepSeconds));
            const origins = Math.ceil(s.values.length / originStep);
            recorded = {
              start: s.start,
              stepSeconds: s.stepSeconds,
              originStep,
              horizonSlots,
              values: new Float64Array(origins * horizonSlots.length * RECORD_FIELDS).fill(NaN),
            };
          }
          const r = recorded;
          r.horizonSlots.forEach((h, k) => {
            const at = (Math.floor(i / originStep) * r.horizonSlots.length + k) * RECORD_FIELDS;
            if (i + h >= s.values.length || !s.observed[i + h]) return;
            const x = fc.horizons[k];
            r.values[at + F_POINT] = x.point;
            r.values[at + F_LOWER] = x.lower;
            r.values[at + F_UPPER] = x.upper;
            r.values[at + F_ACTUAL] = s.values[i + h];
            r.values[at + F_SNAIVE] = seasonalNaiveForecast(s.values, i, h, STEPS_PER_DAY);
            r.values[at + F_EXPECTED] = x.expected ?? x.point;
          });
        }
      : undefined;
    // --ceiling off: as if the VMs' configured sizes were unknown (only the week's-high cap then); --caps off:
    // neither cap, the forecasts as they were before the caps
    const ceiling =
      extra.ceiling === 'off' || extra.caps === 'off'
        ? undefined
        : seriesCeiling(metric, metric === 'cpuMhz' ? tr.cpuCapacityMhz : tr.memCapacityMb);
    const historyHeadroom = extra.caps === 'off' ? Infinity : undefined;
    const ev = evaluateSeries(s, { metric, originStep, train: t, onForecast, ceiling, historyHeadroom });
    out.push({
      vm: tr.id,
      metric,
      scale: ev.scale,
      fallbacks: ev.fallbacks.length,
      byHorizon: ev.byHorizon,
      recorded,
    });
  }
}
parentPort!.postMessage(out);
