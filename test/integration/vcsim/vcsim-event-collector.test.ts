import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SoapSession, asRef, moref, toArray, vimLogin, type MoRef } from '../../support/soap';
import { startVcsim, type Vcsim } from '../../support/vcsim';

// EventHistoryCollector as a cursor over the collector's whole history (0.24's ReadNextEvents only
// indexes its latestPage and returns nothing once that page is full).
describe('vcsim EventHistoryCollector cursor', () => {
  let sim: Vcsim;
  let soap: SoapSession;
  let content: any;
  const HOST = 'DC0_C0_H0';
  const TYPES = ['HostConnectionLostEvent', 'HostConnectedEvent'];
  const post = (path: string) => fetch(`${sim.controlUrl}/control/${path}`, { method: 'POST', body: '{}' });

  /** Posts `pairs` HostConnectionLostEvent + HostConnectedEvent pairs through the control endpoint. */
  async function flap(pairs: number): Promise<void> {
    for (let i = 0; i < pairs; i++) {
      expect((await post(`hosts/${HOST}/disconnect`)).status).toBe(200);
      expect((await post(`hosts/${HOST}/reconnect`)).status).toBe(200);
    }
  }

  async function createCollector(maxCount: number, extra = ''): Promise<MoRef> {
    const r = await soap.call(
      'CreateCollectorForEvents',
      asRef(content.eventManager),
      `<filter>${TYPES.map((t) => `<eventTypeId>${t}</eventTypeId>`).join('')}${extra}<maxCount>${maxCount}</maxCount></filter>`,
    );
    expect(r.fault).toBeUndefined();
    return asRef(r.returnval);
  }

  async function read(
    collector: MoRef,
    method: 'ReadNextEvents' | 'ReadPreviousEvents',
    maxCount: number,
  ): Promise<Array<{ key: number; type: string }>> {
    const r = await soap.call(method, collector, `<maxCount>${maxCount}</maxCount>`);
    expect(r.fault).toBeUndefined();
    return toArray<any>(r.returnval).map((e) => ({ key: Number(e.key), type: e['@_type'] }));
  }

  async function readAll(collector: MoRef, maxCount: number) {
    const out: Array<{ key: number; type: string }> = [];
    for (;;) {
      const page = await read(collector, 'ReadNextEvents', maxCount);
      expect(page.length).toBeLessThanOrEqual(maxCount);
      if (page.length === 0) return out;
      out.push(...page);
    }
  }

  beforeAll(async () => {
    sim = await startVcsim({ clusters: 1, hostsPerCluster: 2, vmsPerHost: 1 });
    ({ soap, content } = await vimLogin(sim.sdkUrl, sim.username, sim.password));
  });
  afterAll(async () => {
    await sim?.stop();
  });

  it('ReadNextEvents pages oldest to newest past a full latestPage, honouring maxCount', async () => {
    await flap(3); // 6 events before the collector exists
    const collector = await createCollector(2); // latestPage holds 2 of them
    const { latestPage } = await soap.props(collector, ['latestPage']);
    expect(toArray(latestPage?.Event)).toHaveLength(2);

    const first = await readAll(collector, 4);
    expect(first).toHaveLength(6);
    expect(first.map((e) => e.type)).toEqual([
      'HostConnectionLostEvent',
      'HostConnectedEvent',
      'HostConnectionLostEvent',
      'HostConnectedEvent',
      'HostConnectionLostEvent',
      'HostConnectedEvent',
    ]);
    const keys = first.map((e) => e.key);
    expect([...keys].sort((a, b) => a - b)).toEqual(keys); // oldest first
    expect(new Set(keys).size).toBe(6);
    // latestPage holds the two newest (0.24 filled it with the newest and the oldest).
    const pageKeys = toArray<any>(latestPage.Event).map((e) => Number(e.key));
    expect(pageKeys.sort((a, b) => a - b)).toEqual(keys.slice(-2));

    // Events posted after the collector was created (and after its page filled) come next.
    await flap(2);
    const later = await readAll(collector, 3);
    expect(later).toHaveLength(4);
    expect(later[0].key).toBeGreaterThan(keys[5]);
    expect(await read(collector, 'ReadNextEvents', 10)).toEqual([]);

    // RewindCollector goes back to the oldest; ReadPreviousEvents walks back newest first.
    expect((await soap.call('RewindCollector', collector)).fault).toBeUndefined();
    const again = await readAll(collector, 100);
    expect(again.map((e) => e.key)).toEqual([...keys, ...later.map((e) => e.key)]);
    const back = await read(collector, 'ReadPreviousEvents', 3);
    expect(back.map((e) => e.key)).toEqual(
      again
        .slice(-3)
        .map((e) => e.key)
        .reverse(),
    );
    await soap.call('DestroyCollector', collector);
  });

  it('ResetCollector puts the cursor just before latestPage', async () => {
    const collector = await createCollector(3);
    expect((await soap.call('ResetCollector', collector)).fault).toBeUndefined();
    const next = await readAll(collector, 10);
    expect(next).toHaveLength(3); // exactly the latest page
    const { latestPage } = await soap.props(collector, ['latestPage']);
    const pageKeys = toArray<any>(latestPage?.Event)
      .map((e) => Number(e.key))
      .sort((a, b) => a - b);
    expect(next.map((e) => e.key)).toEqual(pageKeys);

    expect((await soap.call('ResetCollector', collector)).fault).toBeUndefined();
    const older = await read(collector, 'ReadPreviousEvents', 2);
    expect(older).toHaveLength(2);
    expect(older[0].key).toBeLessThan(pageKeys[0]);
    expect(older[0].key).toBeGreaterThan(older[1].key); // newest first
  });

  it('applies the filter: entity and type; maxCount <= 0 is InvalidArgument; cursors are per collector', async () => {
    const other = 'DC0_C0_H1';
    expect((await post(`hosts/${other}/disconnect`)).status).toBe(200);
    expect((await post(`hosts/${other}/reconnect`)).status).toBe(200);
    const topo = (await (await fetch(`${sim.controlUrl}/topology`)).json()) as any;
    const hostId = topo.hosts.find((h: any) => h.name === other).id as string;

    const byEntity = await createCollector(
      1,
      `<entity>${moref({ type: 'HostSystem', value: hostId }, 'entity')}<recursion>self</recursion></entity>`,
    );
    const mine = await readAll(byEntity, 5);
    expect(mine.map((e) => e.type)).toEqual(['HostConnectionLostEvent', 'HostConnectedEvent']);

    const all = await createCollector(1);
    expect((await readAll(all, 1000)).length).toBeGreaterThan(10);
    // byEntity's cursor did not move with the other collector's reads.
    expect(await read(byEntity, 'ReadNextEvents', 5)).toEqual([]);

    const bad = await soap.call('ReadNextEvents', all, '<maxCount>0</maxCount>');
    expect(bad.fault).toBe('InvalidArgument');
  });

  it('a collector of another session is not found', async () => {
    const collector = await createCollector(1);
    const { soap: other } = await vimLogin(sim.sdkUrl, sim.username, sim.password);
    const r = await other.call('ReadNextEvents', collector, '<maxCount>1</maxCount>');
    expect(r.fault).toBe('ManagedObjectNotFound');
  });
});
