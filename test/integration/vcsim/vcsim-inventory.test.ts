import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listObjects, refValues, text, toArray, vimLogin } from '../../support/soap';
import { startVcsim, type Vcsim } from '../../support/vcsim';

// Datastore.host lists every mounting host; -total-vms spreads exactly N VMs; the layer tags are
// attached by the time startVcsim resolves.
describe('vcsim inventory: datastore mounts, -total-vms, tags at start-up', () => {
  let sim: Vcsim;
  // Read first thing after startVcsim resolved, before any other request.
  let attachedAtStart: Record<string, string>;

  async function attachedTags(): Promise<Record<string, string>> {
    const base = `${sim.url}/rest/com/vmware/cis`;
    const auth = Buffer.from(`${sim.username}:${sim.password}`).toString('base64');
    const login = await fetch(`${base}/session`, {
      method: 'POST',
      headers: { Authorization: `Basic ${auth}` },
    });
    const session = ((await login.json()) as any).value as string;
    const call = async (path: string, method = 'GET') => {
      const r = await fetch(`${base}${path}`, {
        method,
        headers: { 'vmware-api-session-id': session, 'Content-Type': 'application/json' },
        ...(method === 'POST' ? { body: '{}' } : {}),
      });
      expect(r.status).toBe(200);
      return ((await r.json()) as any).value;
    };
    const out: Record<string, string> = {};
    for (const id of (await call('/tagging/tag')) as string[]) {
      const tag = await call(`/tagging/tag/id:${id}`);
      const objs = await call(`/tagging/tag-association/id:${id}?~action=list-attached-objects`, 'POST');
      for (const o of objs as Array<{ id: string }>) out[o.id] = tag.name;
    }
    return out;
  }

  beforeAll(async () => {
    sim = await startVcsim({
      clusters: 2,
      hostsPerCluster: 3,
      standaloneHosts: 1,
      totalVms: 17,
      datastores: 2,
    });
    attachedAtStart = await attachedTags();
  });
  afterAll(async () => {
    await sim?.stop();
  });

  it('Datastore.host has a DatastoreHostMount for every host that mounts it', async () => {
    const { soap, content } = await vimLogin(sim.sdkUrl, sim.username, sim.password);
    const hosts = await listObjects(soap, content, 'HostSystem', ['name', 'datastore']);
    const stores = await listObjects(soap, content, 'Datastore', ['name', 'host', 'summary']);
    expect(hosts).toHaveLength(7);
    expect(stores).toHaveLength(2);
    for (const ds of stores) {
      const mounts = toArray<any>(ds.props.host?.DatastoreHostMount);
      const mounted = mounts.map((m) => text(m.key)).sort();
      const expected = hosts
        .filter((h) => refValues(h.props.datastore).includes(ds.ref.value))
        .map((h) => h.ref.value)
        .sort();
      expect(expected).toHaveLength(7);
      expect(mounted).toEqual(expected);
      for (const m of mounts) {
        expect(m.mountInfo.mounted).toBe('true');
        expect(m.mountInfo.accessMode).toBe('readWrite');
      }
      expect(ds.props.summary.multipleHostAccess).toBe('true');
    }
  });

  it('-total-vms 17 over 7 hosts: the first 3 hosts (name order) get 3 VMs, the others 2', async () => {
    expect(sim.env.VCSIM_INVENTORY).toBe('hosts=7 vms=17 clusters=2 datastores=2');
    const { soap, content } = await vimLogin(sim.sdkUrl, sim.username, sim.password);
    const hosts = await listObjects(soap, content, 'HostSystem', ['name', 'vm']);
    const vms = await listObjects(soap, content, 'VirtualMachine', ['name', 'runtime.host']);
    expect(vms).toHaveLength(17);
    const names = hosts.map((h) => h.props.name as string).sort();
    const counts = names.map((n) => refValues(hosts.find((h) => h.props.name === n)!.props.vm).length);
    expect(counts).toEqual([3, 3, 3, 2, 2, 2, 2]);
    for (const [i, n] of names.entries()) {
      const expected = Array.from({ length: counts[i] }, (_, k) => `${n}_VM${k}`);
      const onHost = vms.filter(
        (v) => text(v.props['runtime.host']) === hosts.find((h) => h.props.name === n)!.ref.value,
      );
      expect(onHost.map((v) => v.props.name).sort()).toEqual(expected);
    }
  });

  it('every layer tag is attached when startVcsim resolves', async () => {
    const topo = (await (await fetch(`${sim.controlUrl}/topology`)).json()) as any;
    // 17 VMs in the cycle Critical, High, Medium, Low, High, Medium, -, Critical, Medium, -: 14 tagged.
    expect(sim.taggedVms).toBe(14);
    expect(Object.keys(topo.layers.byVm)).toHaveLength(14);
    expect(attachedAtStart).toEqual(topo.layers.byVm);
  });
});
