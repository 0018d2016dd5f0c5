import type { ForecastModelView, TrainingStatus } from '@app/domain';
import type { CliCommand, CliIo } from '../command';
import { EXIT, UsageError, parseFlags } from '../command';
import {
  API_FLAGS,
  ApiUnreachable,
  apiTarget,
  callApi,
  wholeNumberFlag,
  type ApiTarget,
} from '../api-client';

const USAGE =
  'layershift forecast train [--component ID]... [--force] [--wait] [--wait-seconds N] | layershift forecast models [--component ID]... [--json]  (both: [--api URL] [--token-file F] [--timeout MS])';

/** `--component` may be given several times and each may list ids separated by commas. */
function componentsOf(argv: string[]): string[] {
  const ids: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = a === '--component' ? argv[i + 1] : a.startsWith('--component=') ? a.slice(12) : undefined;
    if (value !== undefined)
      ids.push(
        ...value
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean),
      );
  }
  return ids;
}

/** The API refused or failed: its status and message, for stderr. */
function refused(res: { status: number; text: string }): string {
  try {
    const b = JSON.parse(res.text) as { message?: unknown };
    if (typeof b.message === 'string') return `API answered ${res.status}: ${b.message}`;
  } catch {
    /* not JSON: print as it came */
  }
  return `API answered ${res.status}: ${res.text.slice(0, 500)}`;
}

function describeStatus(s: TrainingStatus): string {
  if (s.state === 'completed' && s.result)
    return `training ${s.jobId} completed: ${s.result.models} models stored (${s.result.fallbacks} on a baseline: too little history), ${s.result.unchanged} unchanged, ${s.result.components} components`;
  if (s.state === 'failed') return `training ${s.jobId} failed: ${s.failedReason ?? 'no reason given'}`;
  return `training ${s.jobId} ${s.state}`;
}

async function train(target: ApiTarget, argv: string[], flags: Record<string, string | boolean>, io: CliIo) {
  const components = componentsOf(argv);
  const waitSeconds = wholeNumberFlag(flags, 'wait-seconds', 600);
  const body = { ...(components.length ? { components } : {}), ...(flags.force ? { force: true } : {}) };
  const res = await callApi(target, 'POST', '/api/v1/forecasts/train', body);
  if (res.status !== 202) {
    io.err(`layershift forecast train: ${refused(res)}\n`);
    return EXIT.failure;
  }
  const queued = JSON.parse(res.text) as { jobId: string; deduplicated: boolean };
  io.out(
    `training ${queued.jobId} queued for ${components.length ? `${components.length} components` : 'all components'}${queued.deduplicated ? ' (the same request was already waiting or running: this is that one)' : ''}\n`,
  );
  if (!flags.wait) return EXIT.ok;
  const deadline = Date.now() + 1000 * waitSeconds;
  for (;;) {
    const s = await callApi(target, 'GET', `/api/v1/forecasts/train/${encodeURIComponent(queued.jobId)}`);
    if (s.status !== 200) {
      io.err(`layershift forecast train: ${refused(s)}\n`);
      return EXIT.failure;
    }
    const status = JSON.parse(s.text) as TrainingStatus;
    if (status.state === 'completed' || status.state === 'failed') {
      (status.state === 'completed' ? io.out : io.err)(`${describeStatus(status)}\n`);
      return status.state === 'completed' ? EXIT.ok : EXIT.failure;
    }
    if (Date.now() > deadline) {
      io.err(`${describeStatus(status)}; stopped waiting (--wait-seconds); the worker goes on\n`);
      return EXIT.failure;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

async function models(target: ApiTarget, argv: string[], flags: Record<string, string | boolean>, io: CliIo) {
  const res = await callApi(target, 'GET', '/api/v1/forecasts/models');
  if (res.status !== 200) {
    io.err(`layershift forecast models: ${refused(res)}\n`);
    return EXIT.failure;
  }
  const only = new Set(componentsOf(argv));
  const rows = (JSON.parse(res.text) as ForecastModelView[]).filter(
    (m) => only.size === 0 || only.has(m.component),
  );
  if (flags.json) {
    io.out(JSON.stringify(rows, null, 2) + '\n');
    return EXIT.ok;
  }
  const day = (iso: string) => iso.slice(0, 16).replace('T', ' ');
  // per horizon: the method and its hold-out mean absolute error, naive's in brackets
  const errors = (m: ForecastModelView) =>
    m.holdout
      .map(
        (h) =>
          `${h.horizonSeconds / 3600} h ${h.method} ${h.mae.toPrecision(3)} (${h.naiveMae.toPrecision(3)})`,
      )
      .join(', ') || '-';
  io.out('component\tmetric\tmodel\thold-out MAE (naive)\ttrained on\ttrained at\n');
  for (const m of rows)
    io.out(
      `${m.component}\t${m.metric}\t${m.kind}${m.fallbackReason ? ` (${m.fallbackReason})` : ''}\t${errors(m)}\t${day(m.trainedFrom)} .. ${day(m.trainedTo)}\t${day(m.trainedAt)}\n`,
    );
  if (rows.length === 0) io.out('(no models: nothing trained yet, or no such component)\n');
  return EXIT.ok;
}

/**
 * `layershift forecast`: the forecast models through the API. `train` asks the worker to train now instead of at
 * the nightly run (all components, or the listed ones; unchanged ones keep their model unless --force) and with
 * --wait follows it to the end; `models` lists which model each component forecasts with and on what window.
 * Exit 0 done, 2 bad options, 1 the API could not be reached, refused, or the training failed.
 */
export const forecastCommand: CliCommand = {
  name: 'forecast',
  summary: 'train the forecast models now (`forecast train`), or list them (`forecast models`)',
  usage: USAGE,
  async run(argv: string[], io: CliIo): Promise<number> {
    const { flags, positional } = parseFlags(argv, {
      ...API_FLAGS,
      component: 'string',
      force: 'boolean',
      wait: 'boolean',
      'wait-seconds': 'string',
      json: 'boolean',
    });
    const [sub, ...extra] = positional;
    if (extra.length) throw new UsageError(`unexpected argument '${extra[0]}'`);
    if (sub !== 'train' && sub !== 'models')
      throw new UsageError(sub ? `unknown subcommand '${sub}': train or models` : 'say train or models');
    const target = apiTarget(flags, io);
    try {
      return sub === 'train' ? await train(target, argv, flags, io) : await models(target, argv, flags, io);
    } catch (e) {
      if (!(e instanceof ApiUnreachable)) throw e;
      io.err(`layershift forecast ${sub}: ${e.message}\n`);
      return EXIT.failure;
    }
  },
};
