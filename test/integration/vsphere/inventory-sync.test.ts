import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  InventorySync,
  PgInventoryStore,
  TagService,
  VimClient,
  readInventory,
  relocateVm,
  tagReaderOf,
  toDomain,
  type InventoryDelta,
  type InventorySnapshot,
  type InventoryStore,
  type VmTags,
} from '@app/vsphere';
import { createTestDatabase, type TestDatabase } from '../../support/db';
import { startVcsim, type Vcsim } from '../../support/vcsim';
import { control, memoryLogger, topology, until } from './support';

const PASSWORD = `pw-${Math.random().toString(36).slice(2)}-Sy7`;
const HOSTS = 64;
const VMS = 2560;

interface HostRow {
  id: string;
  vcenter: string;
  cluster_id: string | null;
  cpu_mhz: number;
  mem_mb: number;
  networks: string[];
  connected: boolean;
  attested: boolean;
  maintenance: boolean;
  power_idle_w: number;
  power_peak_w: number;
}
interface ComponentRow {
  id: string;
  name: string;
  host_id: string;
  layer: string;
  layer_tagged: boolean;
  sensitive: boolean;
  shutdown_policy: string;
  cpu_mhz: number;
  mem_mb: number;
  networks: string[];
  datastores: string[];
  powered_on: boolean;
  io_mbps: number | null;
}

describe('inventory sync into PostgreSQL (64 hosts, 2,560 VMs in vcsim)', () => {
  let sim: Vcsim;
  let db: TestDatabase;
  let client: VimClient;
  let sync: InventorySync;
  let store: PgInventoryStore;
  let snap: InventorySnapshot;
  let vcenter: string;
  const { logger, lines } = memoryLogger();
  const q = <T>(sql: string, params: unknown[] = []): Promise<T[]> => db.dataSource.query(sql, params);
  const host = (id: string) => q<HostRow>('SELECT * FROM hosts WHERE id = $1', [id]).then((r) => r[0]);
  const component = (id: string) =>
    q<ComponentRow>('SELECT * FROM components WHERE id = $1', [id]).then((r) => r[0]);

  beforeAll(async () => {
    [sim, db] = await Promise.all([
      startVcsim({
        clusters: 4,
        hostsPerCluster: 16,
        vmsPerHost: 40,
        datastores: 3,
        password: PASSWORD,
        startTimeoutMs: 240_000,
      }),
      createTestDatabase({ migrate: true }),
    ]);
    client = new VimClient({ url: sim.sdkUrl, username: sim.username, password: PASSWORD, logger });
    await client.connect();
    vcenter = client.serviceContent.about.instanceUuid;
    snap = await readInventory(client);
    // The operator's power topology was imported before the first sync (as `layershift topology import` does).
    const topo = await topology(sim.controlUrl);
    const h0 = topo.hosts[0] as unknown as { id: string; powerIdleW: number; powerPeakW: number };
    await q(
      `INSERT INTO hosts (id, name, cpu_mhz, mem_mb, power_idle_w, power_peak_w) VALUES ($1, 'from topology', 0, 0, $2, $3)`,
      [h0.id, h0.powerIdleW, h0.powerPeakW],
    );
    // A VM an operator described by hand (another "vCenter"): a sync must never delete it.
    await q(`INSERT INTO components (id, name, vcenter) VALUES ('manual-1', 'appliance', 'default')`);
    store = new PgInventoryStore(db.dataSource);
    sync = new InventorySync(client, store, tagReaderOf(new TagService(client)), logger, {
      maxWaitSeconds: 2,
      tagRefreshMs: 1_000,
      backoffMs: 200,
    });
    sync.start();
    await sync.initialSync();
  }, 300_000);

  afterAll(async () => {
    await sync?.stop();
    await client?.close();
    await Promise.all([sim?.stop(), db?.drop()]);
  });

  it('stores the whole inventory: row counts match vCenter', async () => {
    const count = async (table: string) =>
      Number((await q<{ n: string }>(`SELECT count(*) n FROM ${table} WHERE vcenter = $1`, [vcenter]))[0].n);
    expect(snap.hosts).toHaveLength(HOSTS);
    expect(snap.vms).toHaveLength(VMS);
    expect(await count('hosts')).toBe(HOSTS);
    expect(await count('components')).toBe(snap.vms.filter((v) => !v.template).length);
    expect(await count('clusters')).toBe(snap.clusters.length);
    expect(await count('datastores')).toBe(snap.datastores.length);
    expect(await store.lastVersion(vcenter)).toBe(sync.status.version);
    expect(sync.status.fullSyncs).toBeGreaterThanOrEqual(1);
  });

  it('rows carry the domain view: cpu from vCPUs x core MHz, network names, cluster', async () => {
    const dom = toDomain(snap);
    const c = dom.components[123];
    const row = await component(c.id);
    expect(row).toMatchObject({ name: c.name, host_id: c.host, mem_mb: c.memMb, powered_on: c.poweredOn });
    expect(row.cpu_mhz).toBe(c.cpuMhz);
    expect(row.cpu_mhz).toBeGreaterThan(0);
    expect(row.networks).toEqual(c.networks);
    expect(row.datastores).toEqual(c.datastores);
    const h = dom.hosts[5];
    const hr = await host(h.id);
    expect(hr).toMatchObject({
      cluster_id: h.cluster,
      cpu_mhz: h.cpuMhz,
      mem_mb: h.memMb,
      attested: h.attested,
    });
    expect(hr.networks).toEqual(h.networks);
  });

  it('layers come from tags: a tagged VM has its layer, an untagged one is medium with layer_tagged=false', async () => {
    const byVm = ((await topology(sim.controlUrl)) as unknown as { layers: { byVm: Record<string, string> } })
      .layers.byVm;
    const tagged = snap.vms.find((v) => byVm[v.id]?.toLowerCase() === 'critical')!;
    const untagged = snap.vms.find((v) => byVm[v.id] === undefined)!;
    expect(tagged).toBeDefined();
    expect(untagged).toBeDefined();
    expect(await component(tagged.id)).toMatchObject({ layer: 'critical', layer_tagged: true });
    expect(await component(untagged.id)).toMatchObject({ layer: 'medium', layer_tagged: false });
    const [{ n }] = await q<{ n: string }>(
      'SELECT count(*) n FROM components WHERE vcenter = $1 AND layer_tagged',
      [vcenter],
    );
    expect(Number(n)).toBe(Object.keys(byVm).filter((id) => snap.vms.some((v) => v.id === id)).length);
  });

  it('keeps the power columns and rows it does not own', async () => {
    const topo = await topology(sim.controlUrl);
    const h0 = topo.hosts[0] as unknown as { id: string; powerIdleW: number; powerPeakW: number };
    expect(h0.powerIdleW).toBeGreaterThan(0);
    const row = await host(h0.id);
    expect(row.vcenter).toBe(vcenter); // the sync took the row over ...
    expect(row.cpu_mhz).toBeGreaterThan(0);
    expect(row.power_idle_w).toBe(h0.powerIdleW); // ... without touching the topology's columns
    expect(row.power_peak_w).toBe(h0.powerPeakW);
    await q('UPDATE components SET io_mbps = 42 WHERE id = $1', [snap.vms[0].id]);
    // A second full sync (as after a reset) changes neither.
    await store.replaceAll(await readInventory(client));
    expect((await host(h0.id)).power_peak_w).toBe(h0.powerPeakW);
    expect((await component(snap.vms[0].id)).io_mbps).toBe(42);
    expect(await component('manual-1')).toBeDefined();
  });

  it('a vMotion in vcsim reaches the component row', async () => {
    const vm = snap.vms[200];
    const from = snap.hosts.find((h) => h.id === vm.host)!;
    const to = snap.hosts.find((h) => h.cluster === from.cluster && h.id !== from.id && h.connected)!;
    expect((await component(vm.id)).host_id).toBe(from.id);
    const deltasBefore = sync.status.deltas;
    await relocateVm(client, { vm: vm.id, host: to.id });
    await until('the relocation in PostgreSQL', async () =>
      (await component(vm.id)).host_id === to.id ? true : undefined,
    );
    expect(sync.status.deltas).toBeGreaterThan(deltasBefore); // by a delta, not a reload
    expect((await component(vm.id)).cpu_mhz).toBe(vm.numCpu * to.coreMhz);
  });

  it('a host losing its connection (control endpoint) reaches the host row; power columns survive', async () => {
    const topo = await topology(sim.controlUrl);
    const h0 = topo.hosts[0] as unknown as { id: string; powerPeakW: number };
    await control(sim.controlUrl, `/control/hosts/${h0.id}/disconnect`, { mode: 'lost' });
    try {
      await until('disconnected in PostgreSQL', async () =>
        (await host(h0.id)).connected ? undefined : true,
      );
      expect((await host(h0.id)).power_peak_w).toBe(h0.powerPeakW);
    } finally {
      await control(sim.controlUrl, `/control/hosts/${h0.id}/reconnect`, {});
    }
    await until('reconnected in PostgreSQL', async () => ((await host(h0.id)).connected ? true : undefined));
  });

  it('a changed tag reaches the row at the next tag read', async () => {
    const tags = new TagService(client);
    const vm = snap.vms.find((v) => v.id !== snap.vms[0].id)!;
    await tags.setLayer(vm.id, 'low');
    await tags.setSensitive(vm.id, true);
    await tags.setShutdownPolicy(vm.id, 'never');
    await until(
      'tags in PostgreSQL',
      async () => {
        const r = await component(vm.id);
        return r.layer === 'low' && r.sensitive && r.shutdown_policy === 'never' ? r : undefined;
      },
      20_000,
    );
    await tags.setLayer(vm.id, undefined);
    await until('untagged in PostgreSQL', async () => {
      const r = await component(vm.id);
      return r.layer === 'medium' && !r.layer_tagged ? r : undefined;
    });
    await tags.logout();
  });

  it('removes rows of objects that left, only for its own vCenter', async () => {
    const s = await readInventory(client);
    const gone = s.vms.pop()!;
    await store.replaceAll(s);
    expect(await component(gone.id)).toBeUndefined();
    expect(await component('manual-1')).toBeDefined();
    await store.replaceAll(await readInventory(client));
    expect(await component(gone.id)).toBeDefined();
  });

  it('survives vCenter outages and store failures: logs, backs off, resyncs, never throws', async () => {
    // vCenter answers 503 more often than the client retries.
    const errorsBefore = sync.status.errors;
    await control(sim.controlUrl, '/control/sdk-unavailable', { count: 8 });
    const vm = snap.vms[300];
    const to = snap.hosts.find(
      (h) => h.cluster === snap.hosts.find((x) => x.id === vm.host)!.cluster && h.id !== vm.host,
    )!;
    await until('errors counted', async () => (sync.status.errors > errorsBefore ? true : undefined));
    await control(sim.controlUrl, '/control/reset');
    await relocateVm(client, { vm: vm.id, host: to.id });
    await until('the relocation after the outage', async () =>
      (await component(vm.id)).host_id === to.id ? true : undefined,
    );
    const logged = lines.filter((l) => l.includes('inventory sync failed'));
    expect(logged.length).toBeGreaterThan(0);
    expect(logged.every((l) => l.includes(client.vcenter))).toBe(true);

    // A store whose applyDelta fails once: the sync must fall back to a full sync and still converge. The first sync
    // stops, so only the second one can bring the row up to date.
    await sync.stop();
    expect(sync.status.phase).toBe('stopped');
    const flaky = new FlakyStore(store);
    const c2 = new VimClient({ url: sim.sdkUrl, username: sim.username, password: PASSWORD, logger });
    const s2 = new InventorySync(c2, flaky, undefined, logger, { maxWaitSeconds: 2, backoffMs: 100 });
    s2.start();
    await s2.initialSync();
    await until('watching', async () =>
      s2.status.phase === 'watching' && s2.status.fullSyncs >= 2 ? true : undefined,
    );
    flaky.failNext = 1;
    const vm2 = snap.vms[400];
    const to2 = snap.hosts.find(
      (h) => h.cluster === snap.hosts.find((x) => x.id === vm2.host)!.cluster && h.id !== vm2.host,
    )!;
    const fullBefore = s2.status.fullSyncs;
    await relocateVm(client, { vm: vm2.id, host: to2.id });
    await until('the relocation through a failed delta', async () =>
      (await component(vm2.id)).host_id === to2.id ? true : undefined,
    );
    expect(flaky.failed).toBe(1);
    expect(s2.status.fullSyncs).toBeGreaterThan(fullBefore);
    await s2.stop();
    expect(s2.status.phase).toBe('stopped');
    await c2.close();
  });

  it('stop() ends the loop promptly even while WaitForUpdatesEx blocks', async () => {
    const c3 = new VimClient({ url: sim.sdkUrl, username: sim.username, password: PASSWORD, logger });
    const s3 = new InventorySync(c3, store, undefined, logger, { maxWaitSeconds: 600 });
    s3.start();
    await s3.initialSync();
    await until('watching', async () => (s3.status.phase === 'watching' ? true : undefined));
    // A 600 s wait would outlast the test's timeout if stop() did not cancel it.
    await s3.stop();
    expect(s3.status.phase).toBe('stopped');
    await c3.close();
  }, 60_000);

  it('never logs the password', () => {
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.some((l) => l.includes(PASSWORD))).toBe(false);
  });
});

class FlakyStore implements InventoryStore {
  failNext = 0;
  failed = 0;
  constructor(private readonly inner: PgInventoryStore) {}
  replaceAll(s: InventorySnapshot, t?: VmTags) {
    return this.inner.replaceAll(s, t);
  }
  async applyDelta(d: InventoryDelta, t?: VmTags) {
    if (!d.reset && this.failNext > 0) {
      this.failNext--;
      this.failed++;
      throw new Error('connection to PostgreSQL lost (simulated)');
    }
    return this.inner.applyDelta(d, t);
  }
  lastVersion(v: string) {
    return this.inner.lastVersion(v);
  }
}
