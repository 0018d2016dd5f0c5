/**
 * npm run bench:vsphere
 * Reads the 64-host inventory from one vcsim with our client and with govmomi (VMware's Go SDK, the peer in
 * ../shared/tools/govmomi-inventory, built into /tmp), same properties, same process-free conditions: each run logs in,
 * creates a ContainerView, retrieves VMs and hosts, logs out. Then: the delay from a change in vcsim (a vMotion task
 * completing) to the InventoryWatcher delivering it. Then (SYNC=0 skips) the sync into PostgreSQL: see ./sync.ts.
 * RUNS (7) interleaved runs of the read; SYNC_RUNS (5) full syncs.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, copyFileSync } from 'node:fs';
import {
  InventoryWatcher,
  VimClient,
  createContainerView,
  readInventory,
  relocateVm,
  retrieve,
  type InventoryDelta,
} from '@app/vsphere';
import { startVcsim } from '../../test/support/vcsim';
import { benchSync } from './sync';

const RUNS = Number(process.env.RUNS ?? 7);
const GOVMOMI_SRC = '../shared/tools/govmomi-inventory/main.go';
const GOVMOMI_DIR = '/tmp/layershift-govmomi-inventory';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p95 = (xs: number[]) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.95) - 1)];

function buildGovmomi(): string {
  const bin = `${GOVMOMI_DIR}/govmomi-inventory`;
  if (!existsSync(bin)) {
    mkdirSync(GOVMOMI_DIR, { recursive: true });
    copyFileSync(GOVMOMI_SRC, `${GOVMOMI_DIR}/main.go`);
    execFileSync('go', ['build', '-o', bin, '.'], {
      cwd: GOVMOMI_DIR,
      env: { ...process.env, GO111MODULE: 'off', GOPATH: '/usr/share/gocode' },
      stdio: 'inherit',
    });
  }
  return bin;
}

/** Exactly what govmomi-inventory reads. */
async function oursSameProperties(
  sdkUrl: string,
  username: string,
  password: string,
  parallel = false,
): Promise<{ ms: number; vms: number; hosts: number }> {
  const t0 = performance.now();
  const c = new VimClient({ url: sdkUrl, username, password });
  await c.connect();
  const view = await createContainerView(c, ['VirtualMachine', 'HostSystem']);
  const readVms = () =>
    retrieve(c, {
      propSet: [
        {
          type: 'VirtualMachine',
          pathSet: [
            'name',
            'runtime.host',
            'runtime.powerState',
            'config.hardware.memoryMB',
            'config.hardware.numCPU',
            'datastore',
            'network',
          ],
        },
      ],
      objectSet: [{ obj: view, viaContainerView: true }],
    });
  const readHosts = () =>
    retrieve(c, {
      propSet: [
        {
          type: 'HostSystem',
          pathSet: [
            'name',
            'runtime.connectionState',
            'runtime.inMaintenanceMode',
            'summary.hardware',
            'datastore',
            'network',
          ],
        },
      ],
      objectSet: [{ obj: view, viaContainerView: true }],
    });
  let vms, hosts;
  if (parallel) [vms, hosts] = await Promise.all([readVms(), readHosts()]);
  else {
    vms = await readVms(); // the order govmomi-inventory uses
    hosts = await readHosts();
  }
  const ms = performance.now() - t0;
  await c.close();
  return { ms, vms: vms.length, hosts: hosts.length };
}

async function main(): Promise<void> {
  const gobin = buildGovmomi();
  const sim = await startVcsim({
    clusters: 4,
    hostsPerCluster: 16,
    vmsPerHost: 40,
    datastores: 3,
    startTimeoutMs: 300_000,
  });
  try {
    const u = new URL(sim.sdkUrl);
    u.username = sim.username;
    u.password = sim.password;
    const ours: number[] = [];
    const oursParallel: number[] = [];
    const theirs: number[] = [];
    const full: number[] = [];
    let counts = '';
    await oursSameProperties(sim.sdkUrl, sim.username, sim.password); // warm-up (JIT), not counted
    execFileSync(gobin, ['-url', u.toString(), '-n', '1']);
    for (let i = 0; i < RUNS; i++) {
      const r = await oursSameProperties(sim.sdkUrl, sim.username, sim.password);
      ours.push(r.ms);
      oursParallel.push((await oursSameProperties(sim.sdkUrl, sim.username, sim.password, true)).ms);
      counts = `${r.hosts} hosts, ${r.vms} VMs`;
      const out = execFileSync(gobin, ['-url', u.toString(), '-n', '1']).toString();
      const m = /run \d+: (\d+) ms, (\d+) VMs, (\d+) hosts/.exec(out);
      if (!m) throw new Error(`unexpected govmomi output: ${out}`);
      if (Number(m[2]) !== Number(counts.split(', ')[1].split(' ')[0]))
        throw new Error('govmomi saw a different inventory');
      theirs.push(Number(m[1]));
      const c = new VimClient({ url: sim.sdkUrl, username: sim.username, password: sim.password });
      const t0 = performance.now();
      await c.connect();
      await readInventory(c);
      full.push(performance.now() - t0);
      await c.close();
    }

    // change -> delta delay
    const c = new VimClient({ url: sim.sdkUrl, username: sim.username, password: sim.password });
    await c.connect();
    const snap = await readInventory(c);
    const watcher = new InventoryWatcher(c, { maxWaitSeconds: 10 });
    await watcher.next();
    const delays: number[] = [];
    const waiting = new Map<string, { target: string; done?: number; resolve: () => void }>();
    watcher.start((d: InventoryDelta) => {
      const now = performance.now();
      for (const ch of d.changes) {
        if (ch.op !== 'upsert' || ch.kind !== 'vm') continue;
        const w = waiting.get(ch.item.id);
        if (w && ch.item.host === w.target && w.done !== undefined) {
          delays.push(now - w.done);
          waiting.delete(ch.item.id);
          w.resolve();
        }
      }
    });
    const worker = new VimClient({ url: sim.sdkUrl, username: sim.username, password: sim.password });
    await worker.connect();
    for (let i = 0; i < 20; i++) {
      const vm = snap.vms[i * 7];
      const from = snap.hosts.find((h) => h.id === vm.host)!;
      const to = snap.hosts.find((h) => h.cluster === from.cluster && h.id !== from.id)!;
      const seen = new Promise<void>((resolve) => waiting.set(vm.id, { target: to.id, resolve }));
      await relocateVm(worker, { vm: vm.id, host: to.id });
      const w = waiting.get(vm.id);
      if (w) w.done = performance.now();
      await Promise.race([seen, new Promise((r) => setTimeout(r, 15_000))]);
    }
    await watcher.stop();
    await worker.close();
    await c.close();

    const f = (x: number) => x.toFixed(0);
    console.log(
      `inventory: ${counts} (vcsim ${sim.env.VCSIM_INVENTORY ?? ''}), ${RUNS} runs each, interleaved`,
    );
    console.log(`| measure | median ms | p95 ms |`);
    console.log(`| --- | ---: | ---: |`);
    console.log(
      `| govmomi (Go SDK): login + view + VMs and hosts, same properties | ${f(median(theirs))} | ${f(p95(theirs))} |`,
    );
    console.log(
      `| layershift vim25 client: same properties, VMs then hosts | ${f(median(ours))} | ${f(p95(ours))} |`,
    );
    console.log(
      `| layershift vim25 client: same properties, VMs and hosts at once | ${f(median(oursParallel))} | ${f(p95(oursParallel))} |`,
    );
    console.log(
      `| layershift readInventory (all types and properties we sync) | ${f(median(full))} | ${f(p95(full))} |`,
    );
    console.log(
      `| change in vcsim (task done) -> InventoryWatcher delta (n=${delays.length}) | ${f(median(delays))} | ${f(p95(delays))} |`,
    );
    console.log(
      `ratio ours/govmomi (median): sequential ${(median(ours) / median(theirs)).toFixed(2)}, ` +
        `at once ${(median(oursParallel) / median(theirs)).toFixed(2)}`,
    );
    if (process.env.SYNC !== '0') await benchSync(sim, Number(process.env.SYNC_RUNS ?? 5), 20);
  } finally {
    await sim.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
