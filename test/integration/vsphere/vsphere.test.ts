import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EventReader,
  InvalidLoginFault,
  InventoryWatcher,
  ManagedObjectNotFoundFault,
  MigrationFault,
  NotAuthenticatedFault,
  PreconditionFailed,
  TagService,
  TaskFailed,
  VimClient,
  VsphereConnectionError,
  enterMaintenance,
  exitMaintenance,
  findExtension,
  hostLiveState,
  migrateVm,
  perfCounters,
  powerOnVm,
  queryPerf,
  queryPerfProviderSummary,
  readInventory,
  registerExtension,
  relocateVm,
  retrieveOne,
  shutdownVm,
  toDomain,
  toPowerEvent,
  unregisterExtension,
  vmLiveState,
  type InventoryDelta,
  type InventorySnapshot,
} from '@app/vsphere';
import { startVcsim, type Vcsim } from '../../support/vcsim';
import { control, memoryLogger, topology, until } from './support';

// A password no other string in the run contains, so the log grep at the end means something.
const PASSWORD = `pw-${Math.random().toString(36).slice(2)}-Zq9`;
const HOSTS_PER_CLUSTER = 16;
const CLUSTERS = 4;
const VMS_PER_HOST = 40; // 64 hosts x 40 = 2,560 VMs (vcsim places VMs per host)

describe('vSphere client against vcsim (64 hosts, 2,560 VMs)', () => {
  let sim: Vcsim;
  let client: VimClient;
  let snap: InventorySnapshot;
  const { logger, lines } = memoryLogger();

  beforeAll(async () => {
    sim = await startVcsim({
      clusters: CLUSTERS,
      hostsPerCluster: HOSTS_PER_CLUSTER,
      vmsPerHost: VMS_PER_HOST,
      datastores: 3,
      password: PASSWORD,
      startTimeoutMs: 240_000,
    });
    client = new VimClient({ url: sim.sdkUrl, username: sim.username, password: PASSWORD, logger });
    await client.connect();
    snap = await readInventory(client);
  }, 300_000);

  afterAll(async () => {
    await client?.close();
    await sim?.stop();
  });

  /** A VM in the cluster of `host`, not on it, powered on; and a second host of the same cluster. */
  function pickMove(skip: Set<string>): { vm: string; from: string; to: string } {
    for (const vm of snap.vms) {
      if (skip.has(vm.id) || !vm.poweredOn) continue;
      const from = snap.hosts.find((h) => h.id === vm.host)!;
      const to = snap.hosts.find(
        (h) => h.cluster === from.cluster && h.id !== from.id && h.connected && !h.maintenance,
      );
      if (to) {
        skip.add(vm.id);
        return { vm: vm.id, from: from.id, to: to.id };
      }
    }
    throw new Error('no movable VM');
  }
  const used = new Set<string>();

  /** vMotions every powered-on VM off `host` (8 at a time) so it can enter maintenance, as DRS would. */
  async function evacuate(host: string): Promise<void> {
    const h = snap.hosts.find((x) => x.id === host)!;
    const dest = snap.hosts.filter((x) => x.cluster === h.cluster && x.id !== host);
    const onHost = (await retrieveOne(client, { type: 'HostSystem', value: host }, ['vm'])).vm;
    const ids = (Array.isArray(onHost) ? onHost : onHost ? [onHost] : []).map((r: any) => String(r.value));
    const vms = snap.vms.filter((v) => ids.includes(v.id) && v.poweredOn);
    let i = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let vm = vms[i++]; vm; vm = vms[i++]) {
          const to = dest[vm.id.length % dest.length].id;
          await relocateVm(client, { vm: vm.id, host: to });
          vm.host = to;
          used.add(vm.id);
        }
      }),
    );
  }

  it('logs in and reads the service content', async () => {
    expect(client.serviceContent.about.apiType).toBe('VirtualCenter');
    const s = await client.currentSession();
    expect(s?.userName).toBe(sim.username);
  });

  it('clones the session from a ticket and acts as the same user', async () => {
    const ticket = await client.acquireCloneTicket();
    expect(ticket.length).toBeGreaterThan(8);
    const clone = new VimClient({ url: sim.sdkUrl, logger });
    try {
      const s = await clone.cloneSession(ticket);
      expect(s.userName).toBe(sim.username);
      const who = await clone.currentSession();
      expect(who?.userName).toBe(sim.username);
      expect(who?.key).not.toBe((await client.currentSession())?.key);
      // A ticket is single-use.
      const again = new VimClient({ url: sim.sdkUrl, logger });
      await expect(again.cloneSession(ticket)).rejects.toBeInstanceOf(InvalidLoginFault);
      await again.close();
    } finally {
      await clone.close();
    }
  });

  it('reads the whole inventory in domain shape', async () => {
    expect(snap.hosts).toHaveLength(CLUSTERS * HOSTS_PER_CLUSTER);
    expect(snap.vms).toHaveLength(CLUSTERS * HOSTS_PER_CLUSTER * VMS_PER_HOST);
    expect(snap.clusters).toHaveLength(CLUSTERS);
    expect(snap.datastores.length).toBeGreaterThanOrEqual(3);
    const hostIds = new Set(snap.hosts.map((h) => h.id));
    const clusterIds = new Set(snap.clusters.map((c) => c.id));
    const dsIds = new Set(snap.datastores.map((d) => d.id));
    for (const h of snap.hosts) {
      expect(clusterIds.has(h.cluster)).toBe(true);
      expect(h.cpuMhz).toBeGreaterThan(0);
      expect(h.memMb).toBeGreaterThan(0);
      expect(h.datastores.every((d) => dsIds.has(d))).toBe(true);
      expect(h.networks.length).toBeGreaterThan(0);
    }
    for (const vm of snap.vms) {
      expect(hostIds.has(vm.host)).toBe(true);
      expect(vm.memMb).toBeGreaterThan(0);
      expect(vm.numCpu).toBeGreaterThan(0);
      expect(vm.datastores.length).toBeGreaterThan(0);
    }
    const { hosts, components, untagged } = toDomain(snap);
    expect(hosts).toHaveLength(snap.hosts.length);
    expect(components.every((c) => c.layer === 'medium')).toBe(true);
    expect(untagged).toHaveLength(components.length);
  });

  it('reads TPM attestation per host as the simulator set it (summary.tpmAttestation)', async () => {
    const topo = await topology(sim.controlUrl);
    const byId = new Map(snap.hosts.map((h) => [h.id, h]));
    const statuses = new Set<string>();
    for (const t of topo.hosts) {
      const h = byId.get(t.id)!;
      const expected = t.tpmAttestation === '' ? 'unknown' : t.tpmAttestation;
      expect(h.attestation).toBe(expected);
      expect(h.attested).toBe(expected === 'accepted');
      statuses.add(h.attestation);
    }
    expect(statuses.size).toBeGreaterThan(1); // accepted and notAccepted (or unknown) both occur
  });

  it('round-trips layer, sensitivity and shutdown tags', async () => {
    const tags = new TagService(client);
    const vmIds = snap.vms.map((v) => v.id);
    const before = await tags.readLayers(vmIds);
    expect(tags.flavour).toBe('rest'); // vcsim 0.24 only serves /rest
    const [a, b] = [snap.vms[10].id, snap.vms[11].id];
    await tags.setLayer(a, 'critical');
    await tags.setLayer(b, 'low');
    let after = await tags.readLayers(vmIds);
    expect(after.layers.get(a)).toBe('critical');
    expect(after.layers.get(b)).toBe('low');
    await tags.setLayer(a, 'high'); // replaces, never two layer tags
    after = await tags.readLayers(vmIds);
    expect(after.layers.get(a)).toBe('high');
    expect(after.conflicts).not.toContain(a);
    await tags.setLayer(b, undefined);
    after = await tags.readLayers(vmIds);
    expect(after.layers.has(b)).toBe(false);
    expect(after.untagged).toContain(b);
    expect(after.untagged.length + after.layers.size).toBe(vmIds.length);
    expect(after.untagged.length).toBe(
      before.untagged.length - (before.layers.has(a) ? 0 : 1) + (before.layers.has(b) ? 1 : 0),
    );
    const dom = toDomain(snap, after.layers);
    expect(dom.components.find((c) => c.id === a)?.layer).toBe('high');
    expect(dom.components.find((c) => c.id === b)?.layer).toBe('medium');

    await tags.setSensitive(a, true);
    expect((await tags.readSensitive()).has(a)).toBe(true);
    await tags.setSensitive(a, false);
    expect((await tags.readSensitive()).has(a)).toBe(false);
    await tags.setShutdownPolicy(b, 'poweroff');
    expect((await tags.readShutdownPolicies()).get(b)).toBe('poweroff');
    await tags.setShutdownPolicy(b, 'never');
    expect((await tags.readShutdownPolicies()).get(b)).toBe('never');
    await tags.logout();
  });

  it('reads cpu.usage.average and mem.consumed samples with maxSample', async () => {
    const counters = await perfCounters(client);
    const cpu = counters.find((c) => c.name === 'cpu.usage.average');
    const mem = counters.find((c) => c.name === 'mem.consumed.average');
    expect(cpu && mem).toBeTruthy();
    const vms = snap.vms.slice(0, 3).map((v) => ({ type: 'VirtualMachine', value: v.id }));
    const summary = await queryPerfProviderSummary(client, vms[0]);
    expect(summary.currentSupported).toBe(true);
    const samples = await queryPerf(client, vms, {
      counters: ['cpu.usage.average', 'mem.consumed'],
      maxSample: 6,
      known: counters,
    });
    for (const vm of vms) {
      for (const name of ['cpu.usage.average', 'mem.consumed.average']) {
        const s = samples.filter((x) => x.entity === vm.value && x.counter === name);
        expect(s.length).toBeGreaterThan(0);
        expect(s.length).toBeLessThanOrEqual(6);
        for (const x of s) {
          expect(Number.isNaN(Date.parse(x.timestamp))).toBe(false);
          if (name === 'cpu.usage.average') {
            expect(x.value).toBeGreaterThanOrEqual(0);
            expect(x.value).toBeLessThanOrEqual(100);
            expect(x.value).toBeCloseTo(x.raw / 100, 6);
          } else expect(x.value).toBeCloseTo(x.raw / 1024, 6);
        }
      }
    }
  });

  it('vMotions a VM with RelocateVM_Task and reports the task', async () => {
    const m = pickMove(used);
    const r = await relocateVm(client, { vm: m.vm, host: m.to, expectedHost: m.from });
    expect(r.taskId).toMatch(/^task-/);
    expect(r.state).toBe('success');
    expect((await vmLiveState(client, m.vm)).host).toBe(m.to);
  });

  it('Storage vMotions, and moves host and datastore together', async () => {
    // Datastore.host (the mounts) is the constraint vCenter checks; pick a VM and two datastores that fit it.
    const mounts = new Map<string, Set<string>>();
    for (const d of snap.datastores) {
      const p = await retrieveOne(client, { type: 'Datastore', value: d.id }, ['host']);
      mounts.set(
        d.id,
        new Set((Array.isArray(p.host) ? p.host : p.host ? [p.host] : []).map((m: any) => m.key.value)),
      );
    }
    // A target host that mounts two datastores, and a running VM of its cluster elsewhere.
    const target = snap.hosts.find((h) => [...mounts.values()].filter((hs) => hs.has(h.id)).length >= 2);
    expect(target).toBeDefined();
    const [ds, ds2] = [...mounts].filter(([, hs]) => hs.has(target!.id)).map(([id]) => id);
    const vm = snap.vms.find(
      (v) =>
        !used.has(v.id) &&
        v.poweredOn &&
        v.host !== target!.id &&
        snap.hosts.find((h) => h.id === v.host)!.cluster === target!.cluster,
    )!;
    used.add(vm.id);
    const live = await vmLiveState(client, vm.id);
    const notMounted = [...mounts].find(
      ([id, hs]) => !hs.has(live.host) && !live.datastores.includes(id),
    )?.[0];
    if (notMounted) {
      await expect(relocateVm(client, { vm: vm.id, datastore: notMounted })).rejects.toThrow(
        /is not mounted on host/,
      );
    }
    // host and datastore together (xvmotion)...
    const dsFirst = live.datastores.includes(ds) ? ds2 : ds;
    const dsNext = dsFirst === ds ? ds2 : ds;
    await relocateVm(client, { vm: vm.id, host: target!.id, datastore: dsFirst });
    let after = await vmLiveState(client, vm.id);
    expect(after.host).toBe(target!.id);
    expect(after.datastores).toEqual([dsFirst]);
    // ...then storage only
    await relocateVm(client, { vm: vm.id, datastore: dsNext });
    after = await vmLiveState(client, vm.id);
    expect(after.host).toBe(target!.id);
    expect(after.datastores).toEqual([dsNext]);
  });

  it('MigrateVM_Task with high priority', async () => {
    const m = pickMove(used);
    const r = await migrateVm(client, { vm: m.vm, host: m.to, priority: 'highPriority' });
    expect(r.action).toBe('MigrateVM_Task');
    expect((await vmLiveState(client, m.vm)).host).toBe(m.to);
  });

  it('a failed migration leaves the VM where it was and says why', async () => {
    const m = pickMove(used);
    await control(sim.controlUrl, '/control/fail-migration', {
      vm: m.vm,
      fault: 'MigrationDisabled',
      message: 'vMotion disabled for test',
    });
    const err = await relocateVm(client, { vm: m.vm, host: m.to }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TaskFailed);
    const tf = err as TaskFailed;
    expect(tf.fault).toBeInstanceOf(MigrationFault);
    expect(tf.fault.faultType).toBe('MigrationDisabled');
    expect(tf.message).toContain(client.vcenter);
    expect(tf.message).toContain('vMotion disabled for test');
    expect((await vmLiveState(client, m.vm)).host).toBe(m.from);
    // the injected fault was for one attempt only: a retry goes through
    await relocateVm(client, { vm: m.vm, host: m.to });
    expect((await vmLiveState(client, m.vm)).host).toBe(m.to);
  });

  it('refuses when the world changed: already there, target in maintenance, VM off, VM moved', async () => {
    const m = pickMove(used);
    await expect(relocateVm(client, { vm: m.vm, host: m.from })).rejects.toThrow(/already on host/);
    await expect(relocateVm(client, { vm: m.vm, host: m.to, expectedHost: m.to })).rejects.toThrow(
      /not on .* as planned/,
    );
    await evacuate(m.to);
    await enterMaintenance(client, m.to);
    try {
      const e = await relocateVm(client, { vm: m.vm, host: m.to }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(PreconditionFailed);
      expect((e as Error).message).toMatch(/maintenance mode/);
      expect((e as Error).message).toContain(client.vcenter);
    } finally {
      await exitMaintenance(client, m.to);
    }
    await shutdownVm(client, m.vm, { mode: 'poweroff' });
    await expect(relocateVm(client, { vm: m.vm, host: m.to })).rejects.toThrow(/poweredOff, not poweredOn/);
    await expect(shutdownVm(client, m.vm)).rejects.toBeInstanceOf(PreconditionFailed);
    expect((await vmLiveState(client, m.vm)).host).toBe(m.from);
  });

  it('shuts down through the guest, powers on, and enters/exits maintenance', async () => {
    const m = pickMove(used);
    const s = await shutdownVm(client, m.vm, { guestTimeoutMs: 5_000, pollMs: 100 });
    expect(s.method).toBe('guest');
    expect((await vmLiveState(client, m.vm)).powerState).toBe('poweredOff');
    const on = await powerOnVm(client, m.vm);
    expect(on.state).toBe('success');
    expect((await vmLiveState(client, m.vm)).powerState).toBe('poweredOn');
    await expect(powerOnVm(client, m.vm)).rejects.toThrow(/already poweredOn/);

    const host = snap.hosts.find(
      (h) => h.id !== m.from && h.id !== m.to && h.connected && snap.vms.some((v) => v.host === h.id),
    )!;
    // vCenter without DRS: the task waits for the host to be empty and times out otherwise.
    const busy = await enterMaintenance(client, host.id, { timeoutSeconds: 1 }).catch((e: unknown) => e);
    expect(busy).toBeInstanceOf(TaskFailed);
    expect((busy as TaskFailed).fault.faultType).toBe('Timedout');
    expect((await hostLiveState(client, host.id)).maintenance).toBe(false);
    await evacuate(host.id);
    const enter = await enterMaintenance(client, host.id);
    expect(enter.taskId).toMatch(/^task-/);
    expect((await hostLiveState(client, host.id)).maintenance).toBe(true);
    await expect(enterMaintenance(client, host.id)).rejects.toThrow(/already in maintenance/);
    await exitMaintenance(client, host.id);
    expect((await hostLiveState(client, host.id)).maintenance).toBe(false);
  });

  it('streams inventory changes incrementally and events once each', async () => {
    const watcher = new InventoryWatcher(client, { maxWaitSeconds: 5 });
    const events = new EventReader(client, { since: new Date(Date.now() - 1000) });
    try {
      const first = await watcher.next();
      expect(first?.reset).toBe(true);
      expect(watcher.snapshot.vms).toHaveLength(snap.vms.length);
      await events.poll(); // drain whatever happened before

      const m = pickMove(used);
      const deltas: InventoryDelta[] = [];
      const pending = (async () => {
        for (let i = 0; i < 10; i++) {
          const d = await watcher.next();
          if (d) deltas.push(d);
          if (
            deltas.some((x) =>
              x.changes.some(
                (c) => c.op === 'upsert' && c.kind === 'vm' && c.item.id === m.vm && c.item.host === m.to,
              ),
            )
          )
            return;
        }
      })();
      await relocateVm(client, { vm: m.vm, host: m.to });
      await pending;
      const change = deltas
        .flatMap((d) => d.changes)
        .find((c) => c.op === 'upsert' && c.kind === 'vm' && c.item.id === m.vm);
      expect(change).toBeDefined();
      expect(deltas.every((d) => !d.reset)).toBe(true);
      expect(deltas.flatMap((d) => d.changes).length).toBeLessThan(20); // incremental, not a reload
      expect(watcher.snapshot.vms.find((v) => v.id === m.vm)?.host).toBe(m.to);

      const victim = snap.hosts.find((h) => h.id !== m.from && h.id !== m.to)!;
      await control(sim.controlUrl, `/control/hosts/${victim.id}/disconnect`, { mode: 'lost' });
      try {
        const got = await until('host and migration events', async () => {
          const evs = await events.poll();
          seen.push(...evs);
          const mig = seen.find((e) => e.kind === 'vm_migrated' && e.vm === m.vm);
          const lost = seen.find((e) => e.kind === 'host_disconnected' && e.host === victim.id);
          return mig && lost ? { mig, lost } : undefined;
        });
        expect(got.mig.sourceHost ?? m.from).toBe(m.from);
        const pe = toPowerEvent(got.lost);
        expect(pe).toMatchObject({
          kind: 'host_failure',
          source: 'vcenter-event',
          device: victim.id,
          deviceKind: 'host',
        });
        expect(new Set(seen.map((e) => e.dedupeKey)).size).toBe(seen.length);
        expect(await events.poll()).toEqual([]); // nothing twice
        // the host's state change reaches the inventory stream too
        await until('host disconnect in the inventory stream', async () => {
          await watcher.next();
          const h = watcher.snapshot.hosts.find((x) => x.id === victim.id);
          return h && !h.connected ? h : undefined;
        });
      } finally {
        await control(sim.controlUrl, `/control/hosts/${victim.id}/reconnect`, {});
      }
    } finally {
      await events.close();
      await watcher.stop();
    }
  });
  const seen: Awaited<ReturnType<EventReader['poll']>> = [];

  it('registers, finds and unregisters our extension', async () => {
    const key = `com.layershift.test.${Date.now()}`;
    await registerExtension(client, {
      key,
      version: '0.1.0',
      company: 'Layershift',
      label: 'Layershift',
      summary: 'test',
      server: [
        {
          url: 'https://layershift.example/plugin.json',
          type: 'MANIFEST_SERVER',
          adminEmail: 'ops@example.com',
        },
      ],
    });
    const found = await findExtension(client, key);
    expect(found?.key).toBe(key);
    expect(found?.serverUrls).toEqual(['https://layershift.example/plugin.json']);
    await unregisterExtension(client, key);
    expect(await findExtension(client, key)).toBeUndefined();
  });

  it('re-logs in once when the session expires in the middle of work', async () => {
    const watcher = new InventoryWatcher(client, { maxWaitSeconds: 2 });
    try {
      await watcher.next();
      const relogins = client.relogins;
      const gen = client.generation;
      await control(sim.controlUrl, '/control/invalidate-sessions', {});
      const again = await readInventory(client);
      expect(again.vms).toHaveLength(snap.vms.length);
      expect(client.relogins).toBe(relogins + 1);
      expect(client.generation).toBe(gen + 1);
      // the watcher's collector died with the old session: it rebuilds and says so (reset)
      const d = await until('watcher reset after re-login', async () => {
        const x = await watcher.next().catch(() => undefined);
        return x?.reset ? x : undefined;
      });
      expect(watcher.snapshot.vms).toHaveLength(snap.vms.length);
      expect(d.reset).toBe(true);
    } finally {
      await watcher.stop();
    }
    expect(lines.some((l) => l.includes('NotAuthenticated'))).toBe(true);
  });

  it('a cloned session does not re-log in: NotAuthenticated is final for it', async () => {
    const clone = new VimClient({ url: sim.sdkUrl, logger });
    await clone.cloneSession(await client.acquireCloneTicket());
    const relogins = client.relogins;
    await control(sim.controlUrl, '/control/invalidate-sessions', {});
    const e = await clone.acquireCloneTicket().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(NotAuthenticatedFault);
    expect((e as Error).message).toContain(clone.vcenter);
    expect(clone.relogins).toBe(0);
    await clone.close();
    // while the client with credentials simply logs in again
    await client.acquireCloneTicket();
    expect(client.relogins).toBe(relogins + 1);
  });

  it('gives clear errors: wrong credentials, unreachable, SOAP fault, HTTP 503', async () => {
    const wrong = new VimClient({
      url: sim.sdkUrl,
      username: sim.username,
      password: 'not-the-password',
      logger,
    });
    const e1 = await wrong.connect().catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(InvalidLoginFault);
    expect((e1 as Error).message).toContain(wrong.vcenter);
    expect((e1 as Error).message).toMatch(/InvalidLogin/);
    await wrong.close();

    const dead = new VimClient({
      url: 'http://127.0.0.1:9/sdk',
      username: 'u',
      password: PASSWORD,
      logger,
      readRetries: 0,
    });
    const e2 = await dead.connect().catch((e: unknown) => e);
    expect(e2).toBeInstanceOf(VsphereConnectionError);
    expect((e2 as VsphereConnectionError).problem).toBe('unreachable');
    expect((e2 as Error).message).toContain('127.0.0.1:9');
    expect((e2 as Error).message).toMatch(/ECONNREFUSED/);
    await dead.close();

    const e3 = await retrieveOne(client, { type: 'VirtualMachine', value: 'vm-does-not-exist' }, [
      'name',
    ]).catch((e: unknown) => e);
    expect(e3).toBeInstanceOf(ManagedObjectNotFoundFault);
    expect((e3 as Error).message).toContain(client.vcenter);

    await control(sim.controlUrl, '/control/sdk-unavailable', { count: 1, status: 503 });
    expect((await retrieveOne(client, client.serviceContent.rootFolder, ['name'])).name).toBeDefined(); // retried
    await control(sim.controlUrl, '/control/sdk-unavailable', { count: 10, status: 503 });
    const e4 = await client
      .call('ShutdownGuest', { type: 'VirtualMachine', value: snap.vms[0].id })
      .catch((e: unknown) => e);
    expect(e4).toBeInstanceOf(VsphereConnectionError);
    expect((e4 as VsphereConnectionError).status).toBe(503);
    expect((e4 as Error).message).toContain(client.vcenter);
    await control(sim.controlUrl, '/control/sdk-unavailable', { count: 0 });
  });

  it('never logs the password', () => {
    expect(lines.length).toBeGreaterThan(20);
    expect(lines.filter((l) => l.includes(PASSWORD))).toEqual([]);
    expect(
      lines.filter((l) => l.includes(Buffer.from(`${sim.username}:${PASSWORD}`).toString('base64'))),
    ).toEqual([]);
  });
});
