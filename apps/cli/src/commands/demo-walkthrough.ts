import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import type { CliCommand, CliIo } from '../command';
import { EXIT, parseFlags, UsageError } from '../command';

const run = promisify(execFile);

/** The sidecar tools/vcsim writes: vCenter knows nothing of UPSes and PDUs. */
interface VcsimTopology {
  ups: { id: string; capacityW: number; runtimeSeconds: number }[];
  pdus: { id: string; ups: string; capacityW: number }[];
  hosts: {
    id: string;
    name: string;
    cluster?: string;
    pdus: string[];
    powerIdleW: number;
    powerPeakW: number;
  }[];
}

interface PlanView {
  id: string;
  state: string;
  document: { summary: Record<string, unknown>; unplaced: { component: string; reason: string }[] };
  actions: {
    seq: number;
    wave: number;
    kind: string;
    component: string | null;
    host: string | null;
    from: string | null;
    to: string | null;
    state: string;
    reason: string;
    lastError: string | null;
    attempts: { taskId: string | null }[];
  }[];
}

class Api {
  constructor(
    private readonly base: string,
    private readonly token: string,
  ) {}
  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.token}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 500)}`);
    return JSON.parse(text) as T;
  }
}

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > until)
      throw new Error(`gave up waiting for ${what} after ${Math.round(timeoutMs / 1000)} s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

function line(io: CliIo, text = ''): void {
  io.out(`${text}\n`);
}

/**
 * The demo's story on a running stack: the topology goes in, the inventory arrives from vCenter, a UPS sends a real
 * SNMP trap, the worker plans, the operator approves, vMotions run in vCenter, and the result is shown.
 */
export const demoWalkthroughCommand: CliCommand = {
  name: 'demo-walkthrough',
  summary: 'walk a running demo stack through a UPS-on-battery event (used by npm run demo)',
  usage:
    'layershift demo-walkthrough --api URL --token-file FILE --topology FILE --community-file FILE [--snmp-port 1162] [--runtime-minutes 12]',
  async run(argv, io) {
    const { flags } = parseFlags(argv, {
      api: 'string',
      'token-file': 'string',
      topology: 'string',
      'snmp-port': 'string',
      'community-file': 'string',
      'runtime-minutes': 'string',
    });
    const apiUrl = flags.api;
    const tokenFile = flags['token-file'];
    const topologyFile = flags.topology;
    const communityFile = flags['community-file'];
    if (
      typeof apiUrl !== 'string' ||
      typeof tokenFile !== 'string' ||
      typeof topologyFile !== 'string' ||
      typeof communityFile !== 'string'
    )
      throw new UsageError('--api, --token-file, --topology and --community-file are required');
    const community = (await readFile(communityFile, 'utf8')).split(/\s+/)[0];
    const api = new Api(apiUrl, (await readFile(tokenFile, 'utf8')).trim());
    const topo = JSON.parse(await readFile(topologyFile, 'utf8')) as VcsimTopology;

    line(io, `\n1. Inventory: waiting for the worker to read ${topo.hosts.length} hosts from vCenter`);
    const hosts = await waitFor(
      'the inventory sync',
      async () => {
        const h = await api.call<{ id: string }[]>('GET', '/api/v1/hosts');
        return h.length >= topo.hosts.length ? h : undefined;
      },
      120_000,
    );
    const components = await api.call<{ layer: string; layerTagged: boolean }[]>('GET', '/api/v1/components');
    const byLayer = new Map<string, number>();
    for (const c of components) byLayer.set(c.layer, (byLayer.get(c.layer) ?? 0) + 1);
    line(
      io,
      `   ${hosts.length} hosts, ${components.length} VMs: ${[...byLayer].map(([l, n]) => `${n} ${l}`).join(', ')} (${components.filter((c) => !c.layerTagged).length} untagged, counted as medium)`,
    );

    const target = topo.ups[0];
    // The demo datacenter: the first cluster's hosts have a single power supply, on the PDUs of the first UPS;
    // the others are dual-fed. When that UPS runs out, the first cluster goes dark: its work must move or stop.
    const firstCluster = topo.hosts[0]?.cluster;
    const pdusOfTarget = new Set(topo.pdus.filter((p) => p.ups === target.id).map((p) => p.id));
    const feeds = topo.hosts.map((h) => ({
      host: h.id,
      pdus: h.cluster === firstCluster ? h.pdus.filter((p) => pdusOfTarget.has(p)) : h.pdus,
      powerIdleW: h.powerIdleW,
      powerPeakW: h.powerPeakW,
    }));
    const single = feeds.filter((f) => f.pdus.length === 1).length;
    line(
      io,
      `\n2. Power topology: ${topo.ups.length} UPSes, ${topo.pdus.length} PDUs; ${single} hosts (cluster ${firstCluster ?? '-'}) have one power supply on ${target.id}, the rest two; ${target.id} sends its traps from 127.0.0.1`,
    );
    await api.call('PUT', '/api/v1/topology', {
      ups: topo.ups.map((u) => ({
        id: u.id,
        capacityW: u.capacityW,
        ...(u.id === target.id ? { address: '127.0.0.1' } : {}),
      })),
      pdus: topo.pdus.map((p) => ({ id: p.id, ups: p.ups, capacityW: p.capacityW })),
      feeds,
    });
    // The trap receiver re-reads the topology every few seconds; give it one round before the UPS speaks.
    await new Promise((r) => setTimeout(r, 6000));

    const minutes = Number(flags['runtime-minutes'] ?? '12');
    const port = String(flags['snmp-port'] ?? '1162');
    line(
      io,
      `\n3. ${target.id} goes on battery: snmptrap sends UPS-MIB upsTrapOnBattery (${minutes} min left) to 127.0.0.1:${port}`,
    );
    const before = new Set((await api.call<{ id: string }[]>('GET', '/api/v1/plans')).map((p) => p.id));
    await run('snmptrap', [
      '-v',
      '2c',
      '-c',
      community,
      `127.0.0.1:${port}`,
      '',
      '1.3.6.1.2.1.33.2.0.1',
      '1.3.6.1.2.1.33.1.2.2.0',
      'i',
      '5',
      '1.3.6.1.2.1.33.1.2.3.0',
      'i',
      String(minutes),
      '1.3.6.1.2.1.33.1.2.4.0',
      'i',
      '80',
    ]);

    const planId = await waitFor(
      'the plan for the on-battery event',
      async () =>
        (await api.call<{ id: string }[]>('GET', '/api/v1/plans')).find((p) => !before.has(p.id))?.id,
      60_000,
    );
    let plan = await api.call<PlanView>('GET', `/api/v1/plans/${planId}`);
    const s = plan.document.summary;
    line(
      io,
      `\n4. Plan ${planId} (${plan.state}): ${String(s.moves)} moves, ${String(s.shutdowns)} shutdowns, ${String(s.hostsEvacuated)} hosts evacuated; makespan ${String(s.makespanSeconds)} s of a ${String(s.deadlineSeconds)} s deadline (lower bound ${String(s.lowerBoundSeconds)} s); critical at risk: ${String(s.criticalAtRisk)}`,
    );
    for (const a of plan.actions.slice(0, 12))
      line(
        io,
        `   wave ${a.wave} ${a.kind.padEnd(11)} ${(a.component ?? a.host ?? '').padEnd(10)} ${a.from ? `${a.from} -> ` : ''}${a.to ?? ''}  ${a.reason}`,
      );
    if (plan.actions.length > 12) line(io, `   ... and ${plan.actions.length - 12} more`);
    for (const u of plan.document.unplaced.slice(0, 5)) line(io, `   unplaced ${u.component}: ${u.reason}`);

    if (plan.state === 'proposed') {
      line(io, `\n5. The operator approves the plan (POST /api/v1/plans/${planId}/approve)`);
      await api.call('POST', `/api/v1/plans/${planId}/approve`);
    } else line(io, `\n5. The plan was approved by policy (${plan.state})`);

    plan = await waitFor(
      'the plan to finish in vCenter',
      async () => {
        const p = await api.call<PlanView>('GET', `/api/v1/plans/${planId}`);
        return ['succeeded', 'failed'].includes(p.state) ? p : undefined;
      },
      300_000,
    );
    const byState = new Map<string, number>();
    for (const a of plan.actions) byState.set(a.state, (byState.get(a.state) ?? 0) + 1);
    line(
      io,
      `\n6. Done in vCenter: plan ${plan.state}; actions ${[...byState].map(([k, n]) => `${n} ${k}`).join(', ')}`,
    );
    for (const a of plan.actions.filter((x) => x.state === 'failed').slice(0, 5))
      line(io, `   failed: ${a.kind} ${a.component ?? a.host ?? ''}: ${a.lastError ?? ''}`);
    const tasks = plan.actions.flatMap((a) => a.attempts.map((t) => t.taskId)).filter(Boolean);
    line(
      io,
      `   ${tasks.length} vCenter tasks recorded (e.g. ${tasks.slice(0, 3).join(', ')}); the audit log has every step`,
    );
    if (plan.state !== 'succeeded') return EXIT.failure;

    // Scheduled maintenance: an announced patch window of a host that still runs VMs is planned ahead of time.
    const live = await api.call<{ id: string; cluster: string | null; maintenance: boolean }[]>(
      'GET',
      '/api/v1/hosts',
    );
    const running = await api.call<{ host: string | null; poweredOn: boolean }[]>(
      'GET',
      '/api/v1/components',
    );
    const vmsOn = (h: string) => running.filter((c) => c.host === h && c.poweredOn).length;
    const patched = live
      .filter((h) => !h.maintenance && h.cluster !== firstCluster && vmsOn(h.id) > 0)
      .sort((a, b) => vmsOn(a.id) - vmsOn(b.id))[0];
    if (!patched) return EXIT.ok;
    const at = new Date(Math.ceil((Date.now() + 30 * 60_000) / 60_000) * 60_000).toISOString();
    line(
      io,
      `\n7. Scheduled maintenance: the operator announces patching of ${patched.id} (${vmsOn(patched.id)} VMs) at ${at} (PUT /api/v1/work-windows); the worker plans its evacuation ahead`,
    );
    const seen = new Set((await api.call<{ id: string }[]>('GET', '/api/v1/plans')).map((p) => p.id));
    await api.call('PUT', '/api/v1/work-windows', {
      windows: [
        { id: `patch-${patched.id}`, kind: 'maintenance', at, durationMinutes: 60, hosts: [patched.id] },
      ],
    });
    const maintenanceId = await waitFor(
      'the plan for the scheduled maintenance',
      async () => (await api.call<{ id: string }[]>('GET', '/api/v1/plans')).find((p) => !seen.has(p.id))?.id,
      120_000,
    );
    const m = await api.call<PlanView>('GET', `/api/v1/plans/${maintenanceId}`);
    const ms = m.document.summary;
    line(
      io,
      `   plan ${maintenanceId} (${m.state}: it waits for an operator): ${String(ms.moves)} moves, ${String(ms.shutdowns)} shutdowns, ${m.actions.filter((a) => a.kind === 'maintenance').length} host into maintenance; makespan ${String(ms.makespanSeconds)} s, ${Math.round((Date.parse(at) - Date.now()) / 60_000)} min before the window`,
    );
    return EXIT.ok;
  },
};
