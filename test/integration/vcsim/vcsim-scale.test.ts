import { describe, expect, it } from 'vitest';
import { listObjects, refValues, text, toArray, vimLogin } from '../../support/soap';
import { startVcsim } from '../../support/vcsim';

// A 64-host / 2,500-VM model (4 clusters x 16 hosts, -total-vms 2500) starts and serves every object. The start-up
// time is printed, not asserted: a timing depends on the machine's load.
describe('vcsim at scale', () => {
  it('starts 64 hosts and exactly 2,500 VMs and serves them', async () => {
    const t0 = Date.now();
    const sim = await startVcsim({ clusters: 4, hostsPerCluster: 16, totalVms: 2500, datastores: 4 });
    const wall = Date.now() - t0;
    try {
      console.log(
        `vcsim 64 hosts / 2500 VMs: ready in ${wall} ms (simulator's own measure ${sim.startupMs} ms)`,
      );
      expect(sim.env.VCSIM_INVENTORY).toBe('hosts=64 vms=2500 clusters=4 datastores=4');
      const { soap, content } = await vimLogin(sim.sdkUrl, sim.username, sim.password);
      const vms = await listObjects(soap, content, 'VirtualMachine', ['name', 'runtime.powerState']);
      expect(vms).toHaveLength(2500);
      expect(vms.every((v) => v.props['runtime.powerState'] === 'poweredOn')).toBe(true);
      // 2,500 = 64 x 39 + 4: the first four hosts in name order carry 40 VMs, the other 60 carry 39.
      const hosts = await listObjects(soap, content, 'HostSystem', ['name', 'vm']);
      const perHost = hosts
        .sort((a, b) => (a.props.name < b.props.name ? -1 : 1))
        .map((h) => refValues(h.props.vm).length);
      expect(perHost).toEqual([...Array(4).fill(40), ...Array(60).fill(39)]);
      // Every datastore is mounted on all 64 hosts.
      const stores = await listObjects(soap, content, 'Datastore', ['host']);
      for (const ds of stores) {
        expect(new Set(toArray<any>(ds.props.host?.DatastoreHostMount).map((m) => text(m.key))).size).toBe(
          64,
        );
      }
      const topo = (await (await fetch(`${sim.controlUrl}/topology`)).json()) as any;
      expect(topo.hosts).toHaveLength(64);
      expect(Object.keys(topo.layers.byVm)).toHaveLength(2000);
      expect(sim.taggedVms).toBe(2000);
    } finally {
      await sim.stop();
    }
  });
});
