import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listObjects, vimLogin } from '../../support/soap';
import { startVcsim, type Vcsim } from '../../support/vcsim';

// Extension (a): power topology sidecar and Layershift.Layer tags.
describe('vcsim power topology and layer tags', () => {
  let sim: Vcsim;
  const file = join(mkdtempSync(join(tmpdir(), 'vcsim-topo-')), 'topology.json');

  beforeAll(async () => {
    sim = await startVcsim({ clusters: 2, hostsPerCluster: 6, vmsPerHost: 3, topologyFile: file });
  });
  afterAll(async () => {
    await sim?.stop();
  });

  it('serves the topology: two UPSes, an A and a B PDU per rack, every host on both', async () => {
    const res = await fetch(`${sim.controlUrl}/topology`);
    expect(res.status).toBe(200);
    const topo = (await res.json()) as any;
    expect(topo.ups.map((u: any) => u.id)).toEqual(['ups-a', 'ups-b']);
    expect(topo.hosts).toHaveLength(12);
    expect(topo.pdus).toHaveLength(4); // 12 hosts, 8 per rack -> 2 racks
    const pdus = new Map(topo.pdus.map((p: any) => [p.id, p]));
    for (const h of topo.hosts) {
      expect(h.pdus).toHaveLength(2);
      const ups = h.pdus.map((id: string) => (pdus.get(id) as any).ups).sort();
      expect(ups).toEqual(['ups-a', 'ups-b']); // dual feeds from different UPSes
      expect(h.id).toMatch(/^host-\d+$/);
    }
    for (const p of topo.pdus) expect(p.capacityW).toBeGreaterThan(0);
    // The file sidecar has the same content.
    const onDisk = JSON.parse(readFileSync(file, 'utf8'));
    expect(onDisk.hosts).toEqual(topo.hosts);
  });

  it('topology host ids are the HostSystem morefs vCenter reports', async () => {
    const topo = (await (await fetch(`${sim.controlUrl}/topology`)).json()) as any;
    const { soap, content } = await vimLogin(sim.sdkUrl, sim.username, sim.password);
    const hosts = await listObjects(soap, content, 'HostSystem', ['name']);
    const byId = new Map(hosts.map((h) => [h.ref.value, h.props.name]));
    for (const h of topo.hosts) expect(byId.get(h.id)).toBe(h.name);
  });

  it('creates the Layershift.Layer category with four tags attached in a deterministic mix', async () => {
    const auth = Buffer.from(`${sim.username}:${sim.password}`).toString('base64');
    const login = await fetch(`${sim.url}/rest/com/vmware/cis/session`, {
      method: 'POST',
      headers: { Authorization: `Basic ${auth}` },
    });
    expect(login.status).toBe(200);
    const session = ((await login.json()) as any).value as string;
    const get = async (path: string, init: RequestInit = {}) => {
      // The 0.24 vAPI simulator decodes a JSON body even for actions without parameters: send {}.
      const r = await fetch(`${sim.url}/rest/com/vmware/cis${path}`, {
        ...(init.method === 'POST' ? { body: '{}' } : {}),
        ...init,
        headers: { 'vmware-api-session-id': session, 'Content-Type': 'application/json' },
      });
      expect(r.status).toBe(200);
      return ((await r.json()) as any).value;
    };
    const categories: string[] = await get('/tagging/category');
    const cats = await Promise.all(categories.map((id) => get(`/tagging/category/id:${id}`)));
    const layer = cats.find((c: any) => c.name === 'Layershift.Layer');
    expect(layer).toBeDefined();
    expect(layer.cardinality).toBe('SINGLE');
    const tagIds: string[] = await get(`/tagging/tag/id:${layer.id}?~action=list-tags-for-category`, {
      method: 'POST',
    });
    const tags = await Promise.all(tagIds.map((id) => get(`/tagging/tag/id:${id}`)));
    expect(tags.map((t: any) => t.name).sort()).toEqual(['Critical', 'High', 'Low', 'Medium']);

    const topo = (await (await fetch(`${sim.controlUrl}/topology`)).json()) as any;
    const seen: Record<string, string> = {};
    for (const t of tags) {
      const objs: Array<{ type: string; id: string }> = await get(
        `/tagging/tag-association/id:${t.id}?~action=list-attached-objects`,
        { method: 'POST' },
      );
      for (const o of objs) {
        expect(o.type).toBe('VirtualMachine');
        seen[o.id] = t.name;
      }
    }
    expect(seen).toEqual(topo.layers.byVm);
    const counts = Object.values(seen).reduce<Record<string, number>>(
      (acc, l) => ({ ...acc, [l]: (acc[l] ?? 0) + 1 }),
      {},
    );
    // 36 VMs in the 10-cycle Critical, High, Medium, Low, High, Medium, -, Critical, Medium, -
    expect(counts).toEqual({ Critical: 7, High: 8, Medium: 11, Low: 4 });
    expect(36 - Object.keys(seen).length).toBe(6); // untagged
  });
});
