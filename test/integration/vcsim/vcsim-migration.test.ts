import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SoapSession,
  asRef,
  listObjects,
  moref,
  refValues,
  text,
  toArray,
  vimLogin,
  type MoRef,
} from '../../support/soap';
import { startVcsim, type Vcsim } from '../../support/vcsim';

// Extensions (c) RelocateVM_Task / MigrateVM_Task keep inverse lists and post VmMigratedEvent,
// (d) asynchronous tasks with progress, and (b) injected migration faults.
describe('vcsim migrations and tasks', () => {
  let sim: Vcsim;
  let soap: SoapSession;
  let content: any;
  let hosts: Array<{ ref: MoRef; props: Record<string, any> }>;
  let vms: Array<{ ref: MoRef; props: Record<string, any> }>;
  const post = (path: string, body: unknown) =>
    fetch(`${sim.controlUrl}/control/${path}`, { method: 'POST', body: JSON.stringify(body) });

  beforeAll(async () => {
    sim = await startVcsim({ clusters: 2, hostsPerCluster: 2, vmsPerHost: 2, datastores: 2 });
    ({ soap, content } = await vimLogin(sim.sdkUrl, sim.username, sim.password));
    hosts = await listObjects(soap, content, 'HostSystem', ['name', 'vm', 'parent']);
    vms = await listObjects(soap, content, 'VirtualMachine', [
      'name',
      'runtime.host',
      'datastore',
      'resourcePool',
    ]);
  });
  afterAll(async () => {
    await sim?.stop();
  });

  const vmNamed = (name: string) => vms.find((v) => v.props.name === name)!;
  const hostNamed = (name: string) => hosts.find((h) => h.props.name === name)!;

  async function recentEvents(type: string): Promise<any[]> {
    const r = await soap.call(
      'QueryEvents',
      asRef(content.eventManager),
      `<filter><eventTypeId>${type}</eventTypeId></filter>`,
    );
    expect(r.fault).toBeUndefined();
    return toArray(r.returnval);
  }

  it('RelocateVM_Task across clusters updates the VM, both hosts, datastores and posts VmMigratedEvent', async () => {
    const vm = vmNamed('DC0_C0_H0_VM0');
    const src = hostNamed('DC0_C0_H0');
    const dst = hostNamed('DC0_C1_H1');
    const dsNow = refValues(vm.props.datastore)[0];
    const allDs = await listObjects(soap, content, 'Datastore', ['name', 'vm']);
    const otherDs = allDs.find((d) => d.ref.value !== dsNow)!;

    const r = await soap.call(
      'RelocateVM_Task',
      vm.ref,
      `<spec>${moref(otherDs.ref, 'datastore')}${moref(dst.ref, 'host')}</spec>`,
    );
    expect(r.fault).toBeUndefined();
    const info = await soap.waitTask(asRef(r.returnval));
    expect(info.state).toBe('success');
    expect(info.name).toBe('RelocateVM_Task');
    expect(text(info.entity)).toBe(vm.ref.value);

    const after = await soap.props(vm.ref, [
      'runtime.host',
      'summary.runtime.host',
      'datastore',
      'resourcePool',
    ]);
    expect(text(after['runtime.host'])).toBe(dst.ref.value);
    expect(text(after['summary.runtime.host'])).toBe(dst.ref.value);
    expect(refValues(after.datastore)).toEqual([otherDs.ref.value]);
    const dstCluster = await soap.props(asRef(dst.props.parent), ['resourcePool']);
    expect(text(after.resourcePool)).toBe(text(dstCluster.resourcePool));

    expect(refValues((await soap.props(src.ref, ['vm'])).vm)).not.toContain(vm.ref.value);
    expect(refValues((await soap.props(dst.ref, ['vm'])).vm)).toContain(vm.ref.value);
    expect(refValues((await soap.props(otherDs.ref, ['vm'])).vm)).toContain(vm.ref.value);
    expect(refValues((await soap.props({ type: 'Datastore', value: dsNow }, ['vm'])).vm)).not.toContain(
      vm.ref.value,
    );

    const events = await recentEvents('VmMigratedEvent');
    const ev = events.find((e) => text(e.vm.vm) === vm.ref.value);
    expect(ev).toBeDefined();
    expect(text(ev.sourceHost.host)).toBe(src.ref.value);
    expect(text(ev.host.host)).toBe(dst.ref.value);
    expect(ev.fullFormattedMessage).toContain('Migration of virtual machine DC0_C0_H0_VM0 from DC0_C0_H0');
    expect(ev.fullFormattedMessage).toContain('to DC0_C1_H1');
  });

  it('MigrateVM_Task (missing in govmomi 0.24) moves the VM between hosts', async () => {
    const vm = vmNamed('DC0_C0_H1_VM0');
    const dst = hostNamed('DC0_C0_H0');
    const r = await soap.call(
      'MigrateVM_Task',
      vm.ref,
      `${moref(dst.ref, 'host')}<priority>defaultPriority</priority>`,
    );
    expect(r.fault).toBeUndefined();
    const info = await soap.waitTask(asRef(r.returnval));
    expect(info.state).toBe('success');
    expect(info.name).toBe('MigrateVM_Task');
    expect(text((await soap.props(vm.ref, ['runtime.host']))['runtime.host'])).toBe(dst.ref.value);
    expect(refValues((await soap.props(dst.ref, ['vm'])).vm)).toContain(vm.ref.value);
    expect(refValues((await soap.props(hostNamed('DC0_C0_H1').ref, ['vm'])).vm)).not.toContain(vm.ref.value);
  });

  it('fails the next migration of a named VM with an injected MigrationFault, then succeeds', async () => {
    const vm = vmNamed('DC0_C1_H0_VM1');
    const dst = hostNamed('DC0_C1_H1');
    const inj = await post('fail-migration', { vm: 'DC0_C1_H0_VM1', message: 'vMotion network down' });
    expect(inj.status).toBe(200);

    const first = await soap.call('RelocateVM_Task', vm.ref, `<spec>${moref(dst.ref, 'host')}</spec>`);
    const failed = await soap.waitTask(asRef(first.returnval));
    expect(failed.state).toBe('error');
    expect(failed.error.fault['@_type']).toBe('MigrationFault');
    expect(failed.error.localizedMessage).toBe('vMotion network down');
    expect(text((await soap.props(vm.ref, ['runtime.host']))['runtime.host'])).toBe(
      hostNamed('DC0_C1_H0').ref.value,
    );
    const failEvents = await recentEvents('VmFailedMigrateEvent');
    expect(failEvents.some((e) => text(e.vm.vm) === vm.ref.value)).toBe(true);

    const second = await soap.call('RelocateVM_Task', vm.ref, `<spec>${moref(dst.ref, 'host')}</spec>`);
    expect((await soap.waitTask(asRef(second.returnval))).state).toBe('success');
  });

  it('refuses a destination host that is in maintenance mode or not connected', async () => {
    const vm = vmNamed('DC0_C1_H1_VM0');
    const target = hostNamed('DC0_C1_H0');
    await post(`hosts/${target.props.name}/disconnect`, { mode: 'lost' });
    try {
      const r = await soap.call('RelocateVM_Task', vm.ref, `<spec>${moref(target.ref, 'host')}</spec>`);
      const info = await soap.waitTask(asRef(r.returnval));
      expect(info.state).toBe('error');
      expect(info.error.fault['@_type']).toBe('HostNotConnected');
    } finally {
      await post(`hosts/${target.props.name}/reconnect`, {});
    }
  });

  it('with a task delay, tasks go queued -> running (with progress) -> success, observed via WaitForUpdatesEx', async () => {
    expect((await post('task-delay', { ms: 1000 })).status).toBe(200);
    try {
      const vm = vmNamed('DC0_C0_H0_VM1');
      const dst = hostNamed('DC0_C0_H1');
      const started = Date.now();
      const r = await soap.call(
        'MigrateVM_Task',
        vm.ref,
        `${moref(dst.ref, 'host')}<priority>defaultPriority</priority>`,
      );
      const task = asRef(r.returnval);
      const first = await soap.props(task, ['info.state']);
      expect(['queued', 'running']).toContain(first['info.state']);

      const pc = asRef(content.propertyCollector);
      const filter = await soap.call(
        'CreateFilter',
        pc,
        `<spec><propSet><type>Task</type><pathSet>info.state</pathSet><pathSet>info.progress</pathSet></propSet>` +
          `<objectSet>${moref(task, 'obj')}</objectSet></spec><partialUpdates>false</partialUpdates>`,
      );
      expect(filter.fault).toBeUndefined();
      const states: string[] = [];
      const progress: number[] = [];
      let version = '';
      while (!states.includes('success') && Date.now() - started < 10_000) {
        const u = await soap.call(
          'WaitForUpdatesEx',
          pc,
          `<version>${version}</version><options><maxWaitSeconds>5</maxWaitSeconds></options>`,
        );
        expect(u.fault).toBeUndefined();
        if (!u.returnval) continue;
        version = u.returnval.version;
        for (const fs of toArray<any>(u.returnval.filterSet))
          for (const os of toArray<any>(fs.objectSet))
            for (const c of toArray<any>(os.changeSet)) {
              if (c.name === 'info.state') states.push(text(c.val));
              if (c.name === 'info.progress' && c.val !== undefined) progress.push(Number(text(c.val)));
            }
      }
      await soap.call('DestroyPropertyFilter', asRef(filter.returnval));
      expect(states).toContain('running');
      expect(states[states.length - 1]).toBe('success');
      expect(progress.some((p) => p > 0 && p < 100)).toBe(true);
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      expect(text((await soap.props(vm.ref, ['runtime.host']))['runtime.host'])).toBe(dst.ref.value);
    } finally {
      await post('task-delay', { ms: 0 });
    }
  });
});
