/**
 * Part of `npm run bench:vsphere` (SYNC=0 skips it): the inventory sync into PostgreSQL.
 *  1. Full initial sync: readInventory + PgInventoryStore.replaceAll into a fresh, migrated database (one per run),
 *     side by side with readInventory alone (the baseline: what vCenter costs), and a second replaceAll of the same
 *     snapshot into the filled database (the reset path: every row compared, none changed).
 *  2. Change -> row: a vMotion in vcsim, until the component row in PostgreSQL shows the new host (polled every 10 ms
 *     on its own connection), side by side with a bare InventoryWatcher on another session seeing the same change
 *     (the baseline: what vcsim's WaitForUpdatesEx costs).
 */
import { Client } from 'pg';
import {
  InventorySync,
  InventoryWatcher,
  PgInventoryStore,
  TagService,
  VimClient,
  readInventory,
  relocateVm,
  tagReaderOf,
} from '@app/vsphere';
import { createTestDatabase } from '../../test/support/db';
import type { Vcsim } from '../../test/support/vcsim';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p95 = (xs: number[]) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.95) - 1)];
const f = (x: number) => x.toFixed(0);

export async function benchSync(sim: Vcsim, runs: number, changes: number): Promise<void> {
  const opts = { url: sim.sdkUrl, username: sim.username, password: sim.password };
  const readOnly: number[] = [];
  const full: number[] = [];
  const writeOnly: number[] = [];
  const again: number[] = [];
  let rows = 0;
  const tagsClient = new VimClient(opts);
  await tagsClient.connect();
  const tags = await tagReaderOf(new TagService(tagsClient)).read();
  for (let i = 0; i < runs; i++) {
    const db = await createTestDatabase({ migrate: true });
    const c = new VimClient(opts);
    try {
      let t0 = performance.now();
      await c.connect();
      await readInventory(c);
      readOnly.push(performance.now() - t0);
      await c.close();

      const store = new PgInventoryStore(db.dataSource);
      const c2 = new VimClient(opts);
      t0 = performance.now();
      await c2.connect();
      const snap = await readInventory(c2);
      const t1 = performance.now();
      await store.replaceAll(snap, tags);
      const t2 = performance.now();
      full.push(t2 - t0);
      writeOnly.push(t2 - t1);
      rows = snap.hosts.length + snap.vms.length + snap.clusters.length + snap.datastores.length;
      const t3 = performance.now();
      await store.replaceAll(snap, tags);
      again.push(performance.now() - t3);
      await c2.close();
    } finally {
      await db.drop();
    }
  }
  await tagsClient.close();

  // change -> row
  const db = await createTestDatabase({ migrate: true });
  const c = new VimClient(opts);
  const base = new VimClient(opts);
  const worker = new VimClient(opts);
  const pg = new Client({ connectionString: db.url });
  const rowDelay: number[] = [];
  const watchDelay: number[] = [];
  try {
    await Promise.all([c.connect(), base.connect(), worker.connect(), pg.connect()]);
    const sync = new InventorySync(
      c,
      new PgInventoryStore(db.dataSource),
      tagReaderOf(new TagService(c)),
      undefined,
      {
        maxWaitSeconds: 10,
      },
    );
    let fulls = 0;
    const resetSeen = new Promise<void>((resolve) => {
      sync.onWrite = (w) => {
        if (w.kind === 'full' && ++fulls === 2) resolve(); // readInventory, then the watcher's first (reset) delta
      };
    });
    sync.start();
    await resetSeen;
    const watcher = new InventoryWatcher(base, { maxWaitSeconds: 10 });
    await watcher.next();
    const waiting = new Map<string, { target: string; done?: number; seen?: number }>();
    watcher.start((d) => {
      const now = performance.now();
      for (const ch of d.changes) {
        if (ch.op !== 'upsert' || ch.kind !== 'vm') continue;
        const w = waiting.get(ch.item.id);
        if (w && ch.item.host === w.target && w.seen === undefined) w.seen = now;
      }
    });
    const snap = await readInventory(worker);
    for (let i = 0; i < changes; i++) {
      const vm = snap.vms[i * 11 + 5];
      const from = snap.hosts.find((h) => h.id === vm.host)!;
      const to = snap.hosts.find((h) => h.cluster === from.cluster && h.id !== from.id)!;
      const w: { target: string; done?: number; seen?: number } = { target: to.id };
      waiting.set(vm.id, w);
      await relocateVm(worker, { vm: vm.id, host: to.id });
      const done = performance.now();
      const deadline = done + 30_000;
      for (;;) {
        const r = await pg.query<{ host_id: string }>('SELECT host_id FROM components WHERE id = $1', [
          vm.id,
        ]);
        if (r.rows[0]?.host_id === to.id) {
          rowDelay.push(performance.now() - done);
          break;
        }
        if (performance.now() > deadline) throw new Error(`row of ${vm.id} not updated in 30 s`);
        await new Promise((res) => setTimeout(res, 10));
      }
      while (w.seen === undefined && performance.now() < deadline)
        await new Promise((res) => setTimeout(res, 10));
      if (w.seen !== undefined) watchDelay.push(w.seen - done);
    }
    await watcher.stop();
    await sync.stop();
  } finally {
    await pg.end().catch(() => undefined);
    await Promise.all([c.close(), base.close(), worker.close()]);
    await db.drop();
  }

  console.log('');
  console.log(
    `inventory sync into PostgreSQL: ${rows} objects (hosts + VMs + clusters + datastores), ${runs} runs`,
  );
  console.log('| measure | median ms | p95 ms |');
  console.log('| --- | ---: | ---: |');
  console.log(`| baseline: login + readInventory alone | ${f(median(readOnly))} | ${f(p95(readOnly))} |`);
  console.log(
    `| full initial sync: login + readInventory + replaceAll into an empty database | ${f(median(full))} | ${f(p95(full))} |`,
  );
  console.log(`| of which replaceAll (one transaction) | ${f(median(writeOnly))} | ${f(p95(writeOnly))} |`);
  console.log(
    `| replaceAll of the same snapshot again (reset path, nothing changed) | ${f(median(again))} | ${f(p95(again))} |`,
  );
  console.log(
    `| baseline: vMotion done -> bare InventoryWatcher delta (n=${watchDelay.length}) | ${f(median(watchDelay))} | ${f(p95(watchDelay))} |`,
  );
  console.log(
    `| vMotion done -> component row updated in PostgreSQL (n=${rowDelay.length}) | ${f(median(rowDelay))} | ${f(p95(rowDelay))} |`,
  );
  console.log(
    `rows/s (replaceAll, median): ${f(rows / (median(writeOnly) / 1000))}; full sync / readInventory alone: ` +
      `${(median(full) / median(readOnly)).toFixed(2)}; change->row / change->delta (median): ` +
      `${(median(rowDelay) / median(watchDelay)).toFixed(2)}`,
  );
}
