import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SoapSession, asRef, listObjects, moref, toArray, vimLogin, type MoRef } from '../../support/soap';
import { startVcsim, type Vcsim } from '../../support/vcsim';

// Extensions (g) PerformanceManager samples and (h) ExtensionManager.
describe('vcsim perf and extension manager', () => {
  let sim: Vcsim;
  let soap: SoapSession;
  let content: any;
  let counters: Map<string, number>;

  beforeAll(async () => {
    sim = await startVcsim({ clusters: 1, hostsPerCluster: 2, vmsPerHost: 2 });
    ({ soap, content } = await vimLogin(sim.sdkUrl, sim.username, sim.password));
    const { perfCounter } = await soap.props(asRef(content.perfManager), ['perfCounter']);
    counters = new Map();
    for (const c of toArray<any>(perfCounter.PerfCounterInfo))
      counters.set(`${c.groupInfo.key}.${c.nameInfo.key}.${c.rollupType}`, Number(c.key));
  });
  afterAll(async () => {
    await sim?.stop();
  });

  it('QueryPerfCounter returns counter infos (0.24 panics)', async () => {
    const id = counters.get('cpu.usage.average')!;
    const r = await soap.call('QueryPerfCounter', asRef(content.perfManager), `<counterId>${id}</counterId>`);
    expect(r.fault).toBeUndefined();
    expect(r.returnval.nameInfo.key).toBe('usage');
    expect(r.returnval.unitInfo.key).toBe('percent');
    const bad = await soap.call(
      'QueryPerfCounter',
      asRef(content.perfManager),
      `<counterId>999999</counterId>`,
    );
    expect(bad.fault).toBe('InvalidArgument');
  });

  async function query(entity: MoRef, extra = ''): Promise<any> {
    const cpu = counters.get('cpu.usage.average')!;
    const mem = counters.get('mem.consumed.average')!;
    const r = await soap.call(
      'QueryPerf',
      asRef(content.perfManager),
      `<querySpec>${moref(entity, 'entity')}${extra}<metricId><counterId>${cpu}</counterId><instance></instance></metricId>` +
        `<metricId><counterId>${mem}</counterId><instance></instance></metricId><intervalId>20</intervalId></querySpec>`,
    );
    expect(r.fault).toBeUndefined();
    const metric = r.returnval;
    const series = new Map<number, number[]>();
    for (const v of toArray<any>(metric.value))
      series.set(
        Number(v.id.counterId),
        String(v.value).split(',').length > 1
          ? String(v.value).split(',').map(Number)
          : toArray<any>(v.value).map(Number),
      );
    return {
      metric,
      cpu: series.get(cpu)!,
      mem: series.get(mem)!,
      times: toArray<any>(metric.sampleInfo).map((s) => Date.parse(s.timestamp)),
    };
  }

  it('QueryPerf without maxSample returns an hour of 20 s samples, oldest first, plausible and deterministic', async () => {
    const vms = await listObjects(soap, content, 'VirtualMachine', ['name', 'config.hardware.memoryMB']);
    const vm = vms[0];
    const a = await query(vm.ref);
    expect(a.times.length).toBe(180);
    expect(a.cpu).toHaveLength(180);
    for (let i = 1; i < a.times.length; i++) expect(a.times[i] - a.times[i - 1]).toBe(20_000);
    for (const v of a.cpu) {
      expect(v).toBeGreaterThan(0);
      expect(v).toBeLessThanOrEqual(10000);
    }
    const memKb = Number(vm.props['config.hardware.memoryMB']) * 1024;
    for (const v of a.mem) {
      expect(v).toBeGreaterThan(0.05 * memKb);
      expect(v).toBeLessThanOrEqual(memKb);
    }
    expect(new Set(a.cpu).size).toBeGreaterThan(10); // not a constant

    // Same window, same answer (no random noise).
    const start = new Date(a.times[0] - 20_000).toISOString();
    const end = new Date(a.times[a.times.length - 1]).toISOString();
    const b = await query(vm.ref, `<startTime>${start}</startTime><endTime>${end}</endTime>`);
    expect(b.cpu).toEqual(a.cpu);
    expect(b.times).toEqual(a.times);

    const c = await query(vm.ref, `<maxSample>1</maxSample>`);
    expect(c.cpu).toHaveLength(1);
  });

  it('host samples follow the VMs on the host', async () => {
    const hosts = await listObjects(soap, content, 'HostSystem', ['name', 'summary.hardware.memorySize']);
    const h = await query(hosts[0].ref, `<maxSample>3</maxSample>`);
    expect(h.cpu).toHaveLength(3);
    for (const v of h.cpu) expect(v).toBeGreaterThan(0);
    for (const v of h.mem) expect(v).toBeGreaterThan(4 * 1024 * 1024); // VMs + hypervisor overhead, KB
  });

  it('RegisterExtension, FindExtension, extensionList, UnregisterExtension', async () => {
    const em = asRef(content.extensionManager);
    const ext =
      `<extension><description><label>Layershift</label><summary>Layered relocation</summary></description>` +
      `<key>com.layershift.plugin</key><company>Layershift</company><version>0.1.0</version>` +
      `<server><url>https://layershift.example/plugin.json</url><description><label>manifest</label><summary>m</summary></description>` +
      `<company>Layershift</company><type>HTTPS</type><adminEmail>ops@example.com</adminEmail><serverThumbprint>AA:BB</serverThumbprint></server>` +
      `<lastHeartbeatTime>2026-01-01T00:00:00Z</lastHeartbeatTime></extension>`;
    const reg = await soap.call('RegisterExtension', em, ext);
    expect(reg.fault).toBeUndefined();
    expect((await soap.call('RegisterExtension', em, ext)).fault).toBe('AlreadyExists');

    const found = await soap.call('FindExtension', em, '<extensionKey>com.layershift.plugin</extensionKey>');
    expect(found.returnval.key).toBe('com.layershift.plugin');
    expect(found.returnval.version).toBe('0.1.0');
    expect(found.returnval.server.url).toBe('https://layershift.example/plugin.json');

    const list = await soap.props(em, ['extensionList']);
    expect(toArray<any>(list.extensionList.Extension).map((e) => e.key)).toContain('com.layershift.plugin');

    expect(
      (await soap.call('UnregisterExtension', em, '<extensionKey>com.layershift.plugin</extensionKey>'))
        .fault,
    ).toBeUndefined();
    const gone = await soap.call('FindExtension', em, '<extensionKey>com.layershift.plugin</extensionKey>');
    expect(gone.fault).toBeUndefined();
    expect(gone.returnval).toBeUndefined();
    expect(
      (await soap.call('UnregisterExtension', em, '<extensionKey>com.layershift.plugin</extensionKey>'))
        .fault,
    ).toBe('NotFound');
  });
});
