import { parentPort, workerData } from 'node:worker_threads';
import { evaluateSeries, type ErrorAccumulator, type Metric, type ModelName } from '@app/forecast';
import { loadTrace } from './data';

export interface WorkerResult {
  vm: string;
  metric: Metric;
  scale: number;
  fallbacks: number;
  byHorizon: Record<number, Record<ModelName, ErrorAccumulator>>;
}

const { files, originStep, extra } = workerData as {
  files: string[];
  originStep: number;
  extra: Record<string, string>;
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
    const ev = evaluateSeries(tr[metric], { metric, originStep, train: t });
    out.push({ vm: tr.id, metric, scale: ev.scale, fallbacks: ev.fallbacks.length, byHorizon: ev.byHorizon });
  }
}
parentPort!.postMessage(out);
