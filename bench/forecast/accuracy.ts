import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import {
  ComponentModel,
  ErrorAccumulator,
  HORIZONS_SECONDS,
  median,
  MODEL_NAMES,
  type Metric,
  type ModelName,
} from '@app/forecast';
import type { Args } from './main';
import { loadTrace } from './data';
import type { WorkerResult } from './accuracy-worker';

export interface AccuracyCell {
  medianMase: number;
  wape: number;
  coverage: number;
  /** pooled mean interval width / mean actual */
  relativeWidth: number;
  /** VMs with a non-zero MASE scale (flat series have none) */
  vms: number;
}
export type AccuracyTable = Record<Metric, Record<string, Record<ModelName, AccuracyCell>>>;

export interface AccuracyResult {
  table: AccuracyTable;
  /** per metric and horizon: share of VMs where ours has a lower MAE than the daily seasonal naive */
  oursBeatsSnaive: Record<string, number>;
  training: Record<string, unknown>;
  evalSeconds: number;
  /** false when the accuracy section was not asked for (--sections training): no table to print */
  ran: boolean;
  method: string;
  fallbacks: number;
}

const METRICS: Metric[] = ['cpuMhz', 'memMb'];

/** The rolling-origin evaluation of every trace, split over worker threads; `record` keeps our forecasts too. */
export function runWorkers(files: string[], args: Args, record = false): Promise<WorkerResult[]> {
  const k = Math.max(1, Math.min(args.workers, files.length));
  const chunks: string[][] = Array.from({ length: k }, () => []);
  files.forEach((f, i) => chunks[i % k].push(f));
  return Promise.all(
    chunks.map(
      (chunk) =>
        new Promise<WorkerResult[]>((res, rej) => {
          const w = new Worker(join(__dirname, 'accuracy-worker.js'), {
            workerData: { files: chunk, originStep: args.originStep, extra: args.extra, record },
          });
          w.once('message', (m: WorkerResult[]) => res(m));
          w.once('error', rej);
        }),
    ),
  ).then((r) => r.flat());
}

/** The accuracy table from the workers' results (`results`: evaluated once, shared with the rollup section). */
export function runAccuracy(
  files: string[],
  args: Args,
  results: WorkerResult[],
  evalSeconds: number,
): AccuracyResult {
  const table = {} as AccuracyTable;
  const beats: Record<string, number> = {};
  for (const metric of METRICS) {
    table[metric] = {};
    for (const hs of HORIZONS_SECONDS) {
      const row = {} as Record<ModelName, AccuracyCell>;
      const mine = results.filter((r) => r.metric === metric);
      for (const m of MODEL_NAMES) {
        const pooled = new ErrorAccumulator();
        const mases: number[] = [];
        for (const r of mine) {
          const acc = Object.assign(new ErrorAccumulator(), r.byHorizon[hs][m]);
          pooled.merge(acc);
          const v = acc.mase(r.scale);
          if (Number.isFinite(v)) mases.push(v);
        }
        row[m] = {
          medianMase: median(mases),
          wape: pooled.wape(),
          coverage: pooled.coverage(),
          relativeWidth: pooled.relativeWidth(),
          vms: mases.length,
        };
      }
      table[metric][`${hs / 3600}h`] = row;
      const scaled = mine.filter((r) => r.scale > 0);
      beats[`${metric}@${hs / 3600}h`] =
        scaled.filter((r) => r.byHorizon[hs].ours.absError < r.byHorizon[hs]['snaive-day'].absError).length /
        Math.max(1, scaled.length);
    }
  }
  const training = args.sections.has('training') ? measureTraining(files, args) : {};
  return {
    table,
    oursBeatsSnaive: beats,
    training,
    evalSeconds,
    ran: args.sections.has('accuracy'),
    fallbacks: results.reduce((s, r) => s + r.fallbacks, 0),
    method: `rolling origin: first 28 days training only, then weekly refits on all data before the week; origins every ${args.originStep * 5} min in each week; targets missing in the trace are not scored; MASE = MAE / in-sample MAE of the daily seasonal naive over the first 28 days (VMs where that is 0 are left out of the median); WAPE and coverage pooled over all VMs; baselines' 90% intervals = empirical 5%/95% quantiles of their own h-step errors over the last 14 days of training; ours capped, as in the product, at the VM's configured size (capacity column, x 1.1 for CPU; --ceiling off: not) and 1.2 x its last week's high (--caps off: neither); width / actual = pooled mean interval width over mean actual`,
  };
}

function measureTraining(files: string[], args: Args): Record<string, unknown> {
  const t0 = performance.now();
  const traces = files.map((f) => loadTrace(f));
  const parseMs = performance.now() - t0;
  const t1 = performance.now();
  let models = 0;
  let slots = 0;
  for (const tr of traces) {
    for (const metric of METRICS) {
      const s = tr[metric];
      slots += s.values.length;
      ComponentModel.train(s, { metric });
      models++;
    }
  }
  const trainMs = performance.now() - t1;
  const t2 = performance.now();
  for (const tr of traces)
    for (const metric of METRICS) ComponentModel.train(tr[metric], { metric, trainDays: 120, rowStride: 1 });
  const trainAllMs = performance.now() - t2;
  void args;
  return {
    vms: traces.length,
    models,
    days: +(slots / traces.length / 2 / 288).toFixed(1),
    parseAndCleanSeconds: +(parseMs / 1000).toFixed(2),
    trainSeconds: +(trainMs / 1000).toFixed(2),
    trainAllRowsSeconds: +(trainAllMs / 1000).toFixed(2),
    method:
      'one thread; ComponentModel.train for CPU and memory of every VM on its whole cleaned trace (3 horizons each); default = last 35 days, every 2nd origin; "all rows" = every origin of the whole trace',
  };
}

const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : '-');
export function printAccuracy(r: AccuracyResult): void {
  if (Object.keys(r.training).length) console.log('\n## training\n' + JSON.stringify(r.training, null, 1));
  if (!r.ran) return;
  console.log(`\n## accuracy (${r.evalSeconds.toFixed(1)} s)\n${r.method}`);
  console.log('| metric | horizon | model | median MASE | WAPE | 90% coverage | width / actual | VMs |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const [metric, byH] of Object.entries(r.table))
    for (const [h, row] of Object.entries(byH))
      for (const [m, c] of Object.entries(row))
        console.log(
          `| ${metric} | ${h} | ${m} | ${f3(c.medianMase)} | ${f3(c.wape)} | ${f3(c.coverage)} | ${f3(c.relativeWidth)} | ${c.vms} |`,
        );
  console.log(
    'share of VMs where ours beats the daily seasonal naive (MAE):',
    JSON.stringify(r.oursBeatsSnaive),
  );
  console.log('fallback models used during evaluation:', r.fallbacks);
}
