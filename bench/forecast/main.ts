/**
 * Forecast evaluation harness: `npm run eval:forecast -- [--data DIR] [--json] [--vms N] [--origin-step S]
 * [--sections accuracy,training,speed,trigger,rollup] [--group-sizes 1,3,6,15,60]`.
 * Reads the Bitbrains GWA-T-12 Rnd traces (Shen, van Beek, Iosup, CCGrid 2015) from --data (default
 * ../shared/data/bitbrains-rnd relative to the repo root) and prints what it measured and how.
 */
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { runAccuracy, printAccuracy, runWorkers } from './accuracy';
import { runRollup } from './rollup';
import { listTraces } from './data';
import { runSpeed } from './speed';
import { runTrigger } from './trigger-replay';

export interface Args {
  data: string;
  json: boolean;
  vms: number;
  originStep: number;
  sections: Set<string>;
  workers: number;
  extra: Record<string, string>;
}

function parseArgs(argv: string[]): Args {
  const a: Args = {
    data: resolve(__dirname, '../../..', '../shared/data/bitbrains-rnd'),
    json: false,
    vms: Infinity,
    originStep: 12,
    sections: new Set(['accuracy', 'training', 'speed', 'trigger', 'rollup']),
    workers: Math.max(1, Math.min(2, cpus().length)),
    extra: {},
  };
  for (let k = 0; k < argv.length; k++) {
    const f = argv[k];
    const next = () => argv[++k] ?? '';
    if (f === '--data') a.data = resolve(next());
    else if (f === '--json') a.json = true;
    else if (f === '--vms') a.vms = Number(next());
    else if (f === '--origin-step') a.originStep = Number(next());
    else if (f === '--workers') a.workers = Number(next());
    else if (f === '--sections') a.sections = new Set(next().split(','));
    else if (f.startsWith('--')) a.extra[f.slice(2)] = next();
  }
  return a;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const files = listTraces(args.data).slice(0, args.vms);
  if (files.length === 0) throw new Error(`no vm-*.csv.gz traces in ${args.data}`);
  const out: Record<string, unknown> = { data: args.data, vms: files.length };
  console.log(`# forecast evaluation: ${files.length} traces from ${args.data}`);
  const rollup = args.sections.has('rollup');
  if (args.sections.has('accuracy') || args.sections.has('training') || rollup) {
    // one rolling-origin evaluation serves both the per-VM table and the rollups
    const t0 = performance.now();
    const results = args.sections.has('accuracy') || rollup ? await runWorkers(files, args, rollup) : [];
    const acc = runAccuracy(files, args, results, (performance.now() - t0) / 1000);
    printAccuracy(acc);
    if (acc.ran) out.accuracy = acc.table;
    if (args.sections.has('training')) out.training = acc.training;
    if (rollup) out.rollup = runRollup(files, args, results);
  }
  if (args.sections.has('speed')) out.speed = runSpeed(args);
  if (args.sections.has('trigger')) out.trigger = await runTrigger(files, args);
  if (args.json) console.log(JSON.stringify(out));
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
