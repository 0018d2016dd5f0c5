import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SoapSession,
  asRef,
  listObjects,
  moref,
  text,
  toArray,
  vimLogin,
  type MoRef,
} from '../../support/soap';
import { startVcsim, type Vcsim } from '../../support/vcsim';

// Extensions (e) maintenance mode and connection state visible to WaitForUpdatesEx, with events,
// and (f) TPM attestation per host.
describe('vcsim host state', () => {
  let sim: Vcsim;
  let soap: SoapSession;
  let content: any;
  let hosts: Array<{ ref: MoRef; props: Record<string, any> }>;
  const post = (path: string, body: unknown) =>
    fetch(`${sim.controlUrl}/control/${path}`, { method: 'POST', body: JSON.stringify(body) });

  beforeAll(async () => {
    sim = await startVcsim({ clusters: 2, hostsPerCluster: 6, vmsPerHost: 1 });
    ({ soap, content } = await vimLogin(sim.sdkUrl, sim.username, sim.password));
    hosts = await listObjects(soap, content, 'HostSystem', [
      'name',
      'vm',
      'summary.tpmAttestation',
      'capability.tpmSupported',
      'summary.hardware',
    ]);
  });
  afterAll(async () => {
    await sim?.stop();
  });
  const hostNamed = (name: string) => hosts.find((h) => h.props.name === name)!;

  /** Watches the given host properties; returns a function that collects changes until `done`. */
  async function watch(host: MoRef, paths: string[]) {
    const pc = asRef(content.propertyCollector);
    const f = await soap.call(
      'CreateFilter',
      pc,
      `<spec><propSet><type>HostSystem</type>${paths.map((p) => `<pathSet>${p}</pathSet>`).join('')}</propSet>` +
        `<objectSet>${moref(host, 'obj')}</objectSet></spec><partialUpdates>false</partialUpdates>`,
    );
    expect(f.fault).toBeUndefined();
    let version = '';
    const initial = await soap.call(
      'WaitForUpdatesEx',
      pc,
      `<version></version><options><maxWaitSeconds>1</maxWaitSeconds></options>`,
    );
    version = initial.returnval.version;
    return {
      async next(done: (changes: Record<string, string>) => boolean): Promise<Record<string, string>> {
        const seen: Record<string, string> = {};
        const deadline = Date.now() + 10_000;
        while (Date.now() < deadline) {
          const u = await soap.call(
            'WaitForUpdatesEx',
            pc,
            `<version>${version}</version><options><maxWaitSeconds>2</maxWaitSeconds></options>`,
          );
          expect(u.fault).toBeUndefined();
          if (!u.returnval) continue;
          version = u.returnval.version;
          for (const fs of toArray<any>(u.returnval.filterSet))
            for (const os of toArray<any>(fs.objectSet))
              for (const c of toArray<any>(os.changeSet))
                seen[c.name] =
                  c.val && typeof c.val === 'object' && !('#text' in c.val)
                    ? JSON.stringify(c.val)
                    : text(c.val);
          if (done(seen)) return seen;
        }
        return seen;
      },
      destroy: () => soap.call('DestroyPropertyFilter', asRef(f.returnval)),
    };
  }

  async function events(type: string, hostRef: MoRef): Promise<any[]> {
    const r = await soap.call(
      'QueryEvents',
      asRef(content.eventManager),
      `<filter><eventTypeId>${type}</eventTypeId></filter>`,
    );
    expect(r.fault).toBeUndefined();
    return toArray<any>(r.returnval).filter((e) => text(e.host?.host) === hostRef.value);
  }

  it('EnterMaintenanceMode_Task waits for evacuation, then WaitForUpdatesEx reports inMaintenanceMode', async () => {
    const host = hostNamed('DC0_C0_H0');
    const other = hostNamed('DC0_C0_H1');
    const w = await watch(host.ref, ['runtime.inMaintenanceMode']);
    const task = asRef(
      (await soap.call('EnterMaintenanceMode_Task', host.ref, '<timeout>30</timeout>')).returnval,
    );
    // A powered-on VM is still on the host: the task keeps running.
    await new Promise((r) => setTimeout(r, 300));
    expect((await soap.props(task, ['info.state']))['info.state']).toBe('running');
    expect((await soap.props(host.ref, ['runtime.inMaintenanceMode']))['runtime.inMaintenanceMode']).toBe(
      'false',
    );

    const vm = { type: 'VirtualMachine', value: text(host.props.vm.ManagedObjectReference) };
    const mig = await soap.call(
      'MigrateVM_Task',
      vm,
      `${moref(other.ref, 'host')}<priority>defaultPriority</priority>`,
    );
    expect((await soap.waitTask(asRef(mig.returnval))).state).toBe('success');
    expect((await soap.waitTask(task)).state).toBe('success');

    const seen = await w.next((c) => c['runtime.inMaintenanceMode'] === 'true');
    expect(seen['runtime.inMaintenanceMode']).toBe('true');
    await w.destroy();
    expect(await events('EnteredMaintenanceModeEvent', host.ref)).toHaveLength(1);
    const ev = (await events('EnteredMaintenanceModeEvent', host.ref))[0];
    expect(ev.fullFormattedMessage).toBe('Host DC0_C0_H0 in DC0 has entered maintenance mode');

    const exit = await soap.call('ExitMaintenanceMode_Task', host.ref, '<timeout>0</timeout>');
    expect((await soap.waitTask(asRef(exit.returnval))).state).toBe('success');
    expect(
      (await soap.props(host.ref, ['summary.runtime.inMaintenanceMode']))[
        'summary.runtime.inMaintenanceMode'
      ],
    ).toBe('false');
    expect(await events('ExitMaintenanceModeEvent', host.ref)).toHaveLength(1);
  });

  it('EnterMaintenanceMode_Task times out with Timedout when VMs stay', async () => {
    const host = hostNamed('DC0_C0_H2');
    const task = asRef(
      (await soap.call('EnterMaintenanceMode_Task', host.ref, '<timeout>1</timeout>')).returnval,
    );
    const info = await soap.waitTask(task);
    expect(info.state).toBe('error');
    expect(info.error.fault['@_type']).toBe('Timedout');
  });

  it('host connection lost / disconnected / reconnected are visible to WaitForUpdatesEx with events', async () => {
    const host = hostNamed('DC0_C1_H0');
    const w = await watch(host.ref, ['runtime.connectionState']);
    await post(`hosts/${host.props.name}/disconnect`, { mode: 'lost' });
    expect(
      (await w.next((c) => c['runtime.connectionState'] === 'notResponding'))['runtime.connectionState'],
    ).toBe('notResponding');
    expect(await events('HostConnectionLostEvent', host.ref)).toHaveLength(1);

    await post(`hosts/${host.ref.value}/disconnect`, { mode: 'disconnected', reason: 'userRequest' });
    expect(
      (await w.next((c) => c['runtime.connectionState'] === 'disconnected'))['runtime.connectionState'],
    ).toBe('disconnected');
    const disc = await events('HostDisconnectedEvent', host.ref);
    expect(disc).toHaveLength(1);
    expect(disc[0].reason).toBe('userRequest');

    await post(`hosts/${host.props.name}/reconnect`, {});
    expect(
      (await w.next((c) => c['runtime.connectionState'] === 'connected'))['runtime.connectionState'],
    ).toBe('connected');
    expect(await events('HostConnectedEvent', host.ref)).toHaveLength(1);
    await w.destroy();

    // The SOAP methods work too.
    const d = await soap.call('DisconnectHost_Task', host.ref);
    expect((await soap.waitTask(asRef(d.returnval))).state).toBe('success');
    expect((await soap.props(host.ref, ['runtime.connectionState']))['runtime.connectionState']).toBe(
      'disconnected',
    );
    const rc = await soap.call('ReconnectHost_Task', host.ref);
    expect((await soap.waitTask(asRef(rc.returnval))).state).toBe('success');
    expect((await soap.props(host.ref, ['runtime.connectionState']))['runtime.connectionState']).toBe(
      'connected',
    );
  });

  it('publishes TPM attestation in summary.tpmAttestation: most accepted, a deterministic few not', async () => {
    const topo = (await (await fetch(`${sim.controlUrl}/topology`)).json()) as any;
    const byName = new Map<string, any>(topo.hosts.map((h: any) => [h.name, h]));
    const statuses: Record<string, string> = {};
    for (const h of hosts) {
      const att = h.props['summary.tpmAttestation'];
      const status = att ? att.status : '';
      statuses[h.props.name] = status;
      expect(status).toBe(byName.get(h.props.name).tpmAttestation);
      expect(h.props['capability.tpmSupported']).toBe(status === '' ? 'false' : 'true');
      if (status === 'notAccepted') expect(att.message.message).toMatch(/attestation failed/);
    }
    // 12 hosts sorted by name: index 3 notAccepted, index 10 has no TPM, the rest accepted.
    const values = Object.values(statuses);
    expect(values.filter((s) => s === 'accepted')).toHaveLength(10);
    expect(values.filter((s) => s === 'notAccepted')).toHaveLength(1);
    expect(values.filter((s) => s === '')).toHaveLength(1);

    const hw = hosts[0].props['summary.hardware'];
    expect(Number(hw.cpuMhz) * Number(hw.numCpuCores)).toBe(76800);
    expect(Number(hw.memorySize)).toBe(512 * 1024 ** 3);
  });

  it('the control endpoint flips a host attestation, visible to WaitForUpdatesEx', async () => {
    const host = hosts.find((h) => h.props['summary.tpmAttestation']?.status === 'accepted')!;
    const w = await watch(host.ref, ['summary.tpmAttestation']);
    expect((await post(`hosts/${host.props.name}/tpm`, { status: 'notAccepted' })).status).toBe(200);
    const seen = await w.next((c) => 'summary.tpmAttestation' in c);
    await w.destroy();
    expect(seen['summary.tpmAttestation']).toContain('notAccepted');
    const now = await soap.props(host.ref, ['summary.tpmAttestation']);
    expect(now['summary.tpmAttestation'].status).toBe('notAccepted');
  });
});
