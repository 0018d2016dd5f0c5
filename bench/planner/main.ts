import { execFileSync } from 'node:child_process';
import { checkScenario, EVENT_TYPES, LAYERS, type Scenario } from '@app/domain';
import { generateScenario, outcome, plan, verifyPlan } from '@app/planner';
import { baselinePlan } from './baseline';
import { milpOptimum } from './milp';

/**
 * npm run bench:planner [-- --sizes 16x200,96x2000 --runs 5 --check 1000 --milp 10 --verify-max-vms N]
 * Every number printed is measured here; nothing is asserted.
 */
const SIZES: [number, number][] = [
  [16, 200],
  [96, 2000],
  [500, 10000],
  [2500, 40000],
];
const arg = (name: string): string | undefined => {
  const k = process.argv.indexOf('--' + name);
  return k >= 0 ? process.argv[k + 1] : undefined;
};
const scenarioFor = (hosts: number, vms: number, seed = 42): Scenario =>
  generateScenario({
    seed,
    hosts,
    vms,
    event: 'ups_on_battery',
    fill: 0.6,
    powerSlack: 1.3,
    hostsPerCluster: 16,
  });
const median = (a: number[]): number => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];

/** Child mode: plan one size `runs` times; print times and this process's peak RSS. */
function one(hosts: number, vms: number, runs: number): void {
  const s = scenarioFor(hosts, vms);
  const rssBefore = process.memoryUsage().rss;
  const times: number[] = [];
  const cpu: number[] = [];
  let p = plan(s);
  for (let k = 0; k < runs; k++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    p = plan(s);
    const c1 = process.cpuUsage(c0);
    times.push(performance.now() - t0);
    cpu.push((c1.user + c1.system) / 1000);
  }
  process.stdout.write(
    JSON.stringify({
      times,
      cpu,
      maxRssMb: process.resourceUsage().maxRSS / 1024,
      rssBeforeMb: rssBefore / 2 ** 20,
      summary: p.summary,
    }) + '\n',
  );
}

const fmt = (r: Record<string, number>): string => LAYERS.map((l) => r[l]).join('/');

async function main(): Promise<void> {
  if (arg('one')) {
    const [h, v] = arg('one')!.split('x').map(Number);
    return one(h, v, Number(arg('runs') ?? 5));
  }
  const runs = Number(arg('runs') ?? 5);
  const sizes = arg('sizes')
    ? arg('sizes')!
        .split(',')
        .map((x) => x.split('x').map(Number) as [number, number])
    : SIZES;
  const verifyMax = Number(arg('verify-max-vms') ?? 1e9);
  console.log(
    `# Layershift planner benchmark (node ${process.version}, ${process.platform}/${process.arch})`,
  );
  console.log(
    `scenarios: generateScenario({seed: 42, event: 'ups_on_battery', fill: 0.6, powerSlack: 1.3, hostsPerCluster: 16})`,
  );
  console.log(
    `planner time: median of ${runs} runs after one warm-up, in a fresh child process per size (wall ms, and CPU ms = user+system of the process, GC threads included); peak = that process's max RSS (includes the generated scenario)`,
  );
  console.log(
    `load average at start: ${(await import('node:os'))
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')} on ${(await import('node:os')).cpus().length} CPUs\n`,
  );
  console.log(
    '| hosts/VMs | planner median wall ms / CPU ms | peak RSS MiB | value kept C/H/M/L (of total) | moves | shutdowns | makespan / lower bound s | deadline s | violations | baseline: kept C/H/M/L, moves, shutdowns, violations (by rule) |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const [h, v] of sizes) {
    const child = JSON.parse(
      execFileSync(process.execPath, [__filename, '--one', `${h}x${v}`, '--runs', String(runs)], {
        encoding: 'utf8',
        maxBuffer: 1 << 26,
      }),
    ) as {
      times: number[];
      cpu: number[];
      maxRssMb: number;
    };
    const s = scenarioFor(h, v);
    const p = plan(s);
    const o = outcome(s, p);
    const total = s.components.reduce(
      (acc, c) => ((acc[c.layer] = (acc[c.layer] ?? 0) + 1), acc),
      {} as Record<string, number>,
    );
    const doVerify = v <= verifyMax;
    const viol = doVerify ? verifyPlan(s, p).length : NaN;
    const b = baselinePlan(s);
    const bo = outcome(s, b);
    const bv = doVerify ? verifyPlan(s, b) : [];
    const byRule = bv.reduce(
      (acc, x) => ((acc[x.rule] = (acc[x.rule] ?? 0) + 1), acc),
      {} as Record<number, number>,
    );
    console.log(
      `| ${h}/${v} | ${median(child.times).toFixed(0)} / ${median(child.cpu).toFixed(0)} | ${child.maxRssMb.toFixed(0)} | ${fmt(o.safeByLayer)} (${fmt(total)}) | ${p.summary.moves} | ${p.summary.shutdowns} | ${p.summary.makespanSeconds} / ${p.summary.lowerBoundSeconds} | ${p.summary.deadlineSeconds} | ${doVerify ? viol : 'not run'} | ${fmt(bo.safeByLayer)}, ${b.summary.moves}, ${b.summary.shutdowns}, ${doVerify ? `${bv.length} ${JSON.stringify(byRule)}` : 'not run'} |`,
    );
  }

  const nCheck = Number(arg('check') ?? 1000);
  if (nCheck > 0) {
    const byRule: Record<number, number> = {};
    let withV = 0;
    let unused = 0;
    const t0 = performance.now();
    for (let k = 0; k < nCheck; k++) {
      const s0 = generateScenario({
        seed: 1000 + k,
        event: EVENT_TYPES[k % EVENT_TYPES.length],
        hosts: 3 + (k % 14),
        vms: 10 + ((k * 37) % 150),
        fill: 0.3 + ((k * 13) % 59) / 100,
        powerSlack: 0.8 + ((k * 7) % 100) / 100,
        hostsPerCluster: 4 + (k % 3) * 4,
      });
      const parsed = checkScenario(JSON.parse(JSON.stringify(s0)));
      if (!parsed.ok) throw new Error(`generator produced an invalid scenario (seed ${1000 + k})`);
      const room: string[] = [];
      const vs = verifyPlan(parsed.scenario, plan(parsed.scenario), { unusedRoom: room });
      if (vs.length) withV++;
      for (const x of vs) byRule[x.rule] = (byRule[x.rule] ?? 0) + 1;
      unused += room.length;
    }
    console.log(
      `\nchecker over ${nCheck} generated scenarios (seeds 1000..${999 + nCheck}, all 7 event types, 3-16 hosts, 10-159 VMs, fill 0.30-0.88, power slack 0.80-1.79): ` +
        `${withV} scenarios with violations; violations by rule ${JSON.stringify(byRule)}; components left unplaced although the end state had free room for them: ${unused}; ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
  }

  const nMilp = Number(arg('milp') ?? 10);
  if (nMilp > 0) {
    console.log(
      `\nMILP (HiGHS, exact, mip_rel_gap 0, 60 s limit) vs planner, placement value (sum of layer weights of components kept running on a live host):`,
    );
    console.log(
      '| instance | planner value | planner value ignoring the deadline | MILP optimum | MILP status | binaries | solve s | gap to optimum |',
    );
    console.log('|---|---|---|---|---|---|---|---|');
    let sumP = 0;
    let sumM = 0;
    for (let k = 0; k < nMilp; k++) {
      const [h, v] = k % 2 === 0 ? [8, 80] : [16, 200];
      const s = generateScenario({
        seed: 500 + k,
        hosts: h,
        vms: v,
        event: (
          ['ups_on_battery', 'pdu_overload', 'host_failure', 'forecast_shortage', 'maintenance'] as const
        )[k % 5],
        fill: 0.75,
        powerSlack: 1.0,
        hostsPerCluster: 8,
      });
      const p = plan(s);
      const o = outcome(s, p);
      const noDeadline = outcome(
        { ...s, event: { ...s.event } },
        { ...p, actions: p.actions.map((a) => ({ ...a, startSeconds: 0, endSeconds: 0 })) },
      );
      const m = await milpOptimum(s);
      sumP += noDeadline.value;
      sumM += m.value;
      console.log(
        `| seed ${500 + k} ${s.event.type} ${h}/${v} | ${o.value} | ${noDeadline.value} | ${m.value} | ${m.status} | ${m.vars} | ${m.seconds.toFixed(1)} | ${(((m.value - noDeadline.value) / Math.max(1, m.value)) * 100).toFixed(2)}% |`,
      );
    }
    console.log(
      `total: planner ${sumP} vs MILP ${sumM}: planner keeps ${((100 * sumP) / Math.max(1, sumM)).toFixed(2)}% of the optimum's value`,
    );
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
