import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MetricSampleEntity } from '@app/persistence';
import { readInventory, VimClient } from '@app/vsphere';
import { PerfCollectorService } from '../../../apps/worker/src/forecast/perf-collector.service';
import { createTestDatabase, type TestDatabase } from '../../support/db';
import { startVcsim, type Vcsim } from '../../support/vcsim';

describe('perf samples from vCenter (vcsim) into metric_samples', () => {
  let sim: Vcsim;
  let client: VimClient;
  let db: TestDatabase;

  beforeAll(async () => {
    sim = await startVcsim({ clusters: 1, hostsPerCluster: 2, vmsPerHost: 3 });
    client = new VimClient({ url: sim.sdkUrl, username: sim.username, password: sim.password });
    await client.connect();
    db = await createTestDatabase({ migrate: true });
  });
  afterAll(async () => {
    await client?.close();
    await db?.drop();
    await sim?.stop();
  });

  it('stores 5-minute means of CPU MHz and consumed memory per VM, idempotently', async () => {
    const inv = await readInventory(client);
    for (const vm of inv.vms)
      await db.dataSource.query(`INSERT INTO components (id, name, host_id) VALUES ($1, $2, $3)`, [
        vm.id,
        vm.name,
        vm.host,
      ]);
    const collector = new PerfCollectorService(db.dataSource, client);
    const written = await collector.collect();
    expect(written).toBeGreaterThan(0);
    const repo = db.dataSource.getRepository(MetricSampleEntity);
    const rows = await repo.find();
    expect(new Set(rows.map((r) => r.entityId))).toEqual(new Set(inv.vms.map((v) => v.id)));
    expect(new Set(rows.map((r) => r.metric))).toEqual(new Set(['cpuMhz', 'memMb']));
    expect(rows.every((r) => r.ts.getTime() % 300_000 === 0 && r.value >= 0)).toBe(true);
    // A second read of (almost) the same window upserts the same buckets instead of failing or duplicating; at most
    // one new bucket per series appears if the clock crossed a 5-minute boundary in between.
    await collector.collect();
    const series = new Set(rows.map((r) => `${r.entityId}|${r.metric}`)).size;
    expect((await repo.count()) - rows.length).toBeLessThanOrEqual(series);
  });
});
