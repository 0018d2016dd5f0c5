import { describe, expect, it } from 'vitest';
import { listObjects, vimLogin } from '../../support/soap';
import { startVcsim } from '../../support/vcsim';

// A 64-host / 2,560-VM model (4 clusters x 16 hosts x 40 VMs) starts and serves every object. The start-up time is
// printed, not asserted: a timing depends on the machine's load.
describe('vcsim at scale', () => {
  it('starts 64 hosts and 2,560 VMs and serves them', async () => {
    const t0 = Date.now();
    const sim = await startVcsim({ clusters: 4, hostsPerCluster: 16, vmsPerHost: 40, datastores: 4 });
    const wall = Date.now() - t0;
    try {
      console.log(
        `vcsim 64 hosts / 2560 VMs: ready in ${wall} ms (simulator's own measure ${sim.startupMs} ms)`,
      );
      expect(sim.env.VCSIM_INVENTORY).toBe('hosts=64 vms=2560 clusters=4 datastores=4');
      const { soap, content } = await vimLogin(sim.sdkUrl, sim.username, sim.password);
      const vms = await listObjects(soap, content, 'VirtualMachine', ['name', 'runtime.powerState']);
      expect(vms).toHaveLength(2560);
      expect(vms.every((v) => v.props['runtime.powerState'] === 'poweredOn')).toBe(true);
      const topo = (await (await fetch(`${sim.controlUrl}/topology`)).json()) as any;
      expect(topo.hosts).toHaveLength(64);
      expect(Object.keys(topo.layers.byVm)).toHaveLength(2048);
    } finally {
      await sim.stop();
    }
  });
});
