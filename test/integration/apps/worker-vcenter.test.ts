import type { INestApplication } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../support/wait';
import type { Scenario } from '@app/domain';
import { ActionAttemptEntity, ActionEntity, PowerEventEntity, VcenterEventEntity } from '@app/persistence';
import { readInventory, toDomain, VimClient, vmLiveState } from '@app/vsphere';
import { VcenterEventsService } from '../../../apps/worker/src/vcenter/vcenter-events.service';
import { auth, testConfig } from '../../support/app-config';
import { startApiAndWorker, type RunningApps } from '../../support/apps';
import { createTestDatabase, type TestDatabase } from '../../support/db';
import { startVcsim, type Vcsim } from '../../support/vcsim';

interface Topo {
  ups: { id: string; capacityW: number; runtimeSeconds: number; onBattery: boolean }[];
  pdus: { id: string; ups: string; capacityW: number }[];
  hosts: { id: string; pdus: string[]; powerIdleW: number; powerPeakW: number; tpmAttestation: string }[];
}

/** The scenario a maintenance audit would see, read from vcsim with our client and the simulator's power sidecar. */
async function scenarioFromVcsim(client: VimClient, sim: Vcsim, target: string): Promise<Scenario> {
  const topo = (await (await fetch(`${sim.controlUrl}/topology`)).json()) as Topo;
  const byHost = new Map(topo.hosts.map((h) => [h.id, h]));
  const { hosts, components } = toDomain(await readInventory(client), new Map(), {
    pdus: (h) => byHost.get(h.id)?.pdus ?? [],
  });
  return {
    version: 1,
    clock: new Date().toISOString(),
    limits: {
      vmotionPerHost: 8,
      vmotionPerDatastore: 128,
      svmotionPerHost: 2,
      svmotionPerDatastore: 8,
      vmotionGbps: 10,
      svmotionMBps: 400,
      maxHostUtilization: 0.9,
    },
    power: {
      ups: topo.ups.map((u) => ({
        id: u.id,
        onBattery: false,
        runtimeSeconds: u.runtimeSeconds,
        capacityW: u.capacityW,
      })),
      pdus: topo.pdus.map((p) => ({ id: p.id, ups: p.ups, capacityW: p.capacityW })),
    },
    hosts: hosts.map((h) => ({
      ...h,
      powerIdleW: byHost.get(h.id)!.powerIdleW,
      powerPeakW: byHost.get(h.id)!.powerPeakW,
    })),
    components,
    event: { type: 'maintenance', target },
  };
}

describe('the worker carries a plan out in vCenter (vcsim), safely', () => {
  let sim: Vcsim;
  let client: VimClient;
  let db: TestDatabase;
  let apps: RunningApps;
  let worker: INestApplication;
  let base: string;

  beforeAll(async () => {
    sim = await startVcsim({ clusters: 1, hostsPerCluster: 4, vmsPerHost: 3, taskDelayMs: 150 });
    client = new VimClient({ url: sim.sdkUrl, username: sim.username, password: sim.password });
    await client.connect();
    db = await createTestDatabase({ migrate: true });
    const config = testConfig(db.url, {
      VCENTER_URL: sim.sdkUrl,
      VCENTER_USERNAME: sim.username,
      VCENTER_PASSWORD: sim.password,
    });
    apps = await startApiAndWorker(config);
    ({ worker, base } = apps);
  });
  afterAll(async () => {
    await apps?.close();
    await client?.close();
    await db?.drop();
    await sim?.stop();
  });

  it('evacuates a host by vMotion; a failed migration leaves its VM in place and says why; maintenance is refused', async () => {
    const snapshot = await readInventory(client);
    const source = snapshot.hosts[0].id;
    const scenario = await scenarioFromVcsim(client, sim, source);
    const onSource = scenario.components.filter((c) => c.host === source).map((c) => c.id);
    expect(onSource.length).toBeGreaterThan(1);

    const victim = onSource[0];
    const inject = await fetch(`${sim.controlUrl}/control/fail-migration`, {
      method: 'POST',
      body: JSON.stringify({ vm: victim, fault: 'MigrationFault', message: 'injected by the test' }),
    });
    expect(inject.status).toBe(200);

    const audit = await (
      await fetch(`${base}/api/v1/audits`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ scenario }),
      })
    )
      .json()
      .then((x): any => x);
    expect(audit.planId).toBeDefined();
    await fetch(`${base}/api/v1/plans/${audit.planId}/approve`, { method: 'POST', headers: auth });

    const plan = await waitFor('the plan to end', async () => {
      const p = await (
        await fetch(`${base}/api/v1/plans/${audit.planId}`, { headers: auth })
      )
        .json()
        .then((x): any => x);
      return ['succeeded', 'failed'].includes(p.state) ? p : undefined;
    });

    const moves = plan.actions.filter((a: any) => a.kind === 'vmotion');
    expect(moves.map((a: any) => a.component).sort()).toEqual([...onSource].sort());
    for (const move of moves) {
      const live = await vmLiveState(client, move.component);
      if (move.component === victim) {
        expect(move.state).toBe('failed');
        expect(move.lastError).toMatch(/MigrationFault/);
        expect(move.lastError).toMatch(/stays where it was/);
        expect(move.attempts[0].taskId).toMatch(/^task-/);
        expect(live.host).toBe(source);
      } else {
        expect(move.state).toBe('succeeded');
        expect(live.host).toBe(move.to);
      }
    }
    const maintenance = plan.actions.find((a: any) => a.kind === 'maintenance' && a.host === source);
    expect(maintenance.state).toBe('failed');
    expect(maintenance.lastError).toMatch(/still runs 1 powered-on VM/);
    expect(plan.state).toBe('failed');

    // Every attempt was written before vCenter was called, and each vMotion has the task id vCenter gave it.
    const attempts = await db.dataSource.getRepository(ActionAttemptEntity).find();
    const actions = await db.dataSource.getRepository(ActionEntity).findBy({ planId: audit.planId });
    expect(attempts.length).toBe(actions.length);
  });

  it('does not move a VM twice: re-running a succeeded move finds it already done', async () => {
    const actions = await db.dataSource
      .getRepository(ActionEntity)
      .findBy({ kind: 'vmotion', state: 'succeeded' });
    expect(actions.length).toBeGreaterThan(0);
    const one = actions[0];
    // Simulate a redelivered job after a crash: put it back to queued with its plan executing.
    await db.dataSource.query(`UPDATE actions SET state = 'queued' WHERE id = $1`, [one.id]);
    await db.dataSource.query(`UPDATE plans SET state = 'executing' WHERE id = $1`, [one.planId]);
    const { ExecuteActionUseCase } = await import('@app/application');
    const outcome = await worker.get(ExecuteActionUseCase).execute(one.id, 'test');
    expect(outcome).toEqual({
      status: 'succeeded',
      note: 'live state already matched the goal; nothing sent',
    });
  });

  it('stores each vCenter event once and turns a lost host into a host_failure event', async () => {
    const events = worker.get(VcenterEventsService);
    await events.pollOnce(); // whatever happened so far (the migrations above)
    const snapshot = await readInventory(client);
    const lost = snapshot.hosts[1].id;
    const res = await fetch(`${sim.controlUrl}/control/hosts/${lost}/disconnect`, {
      method: 'POST',
      body: JSON.stringify({ mode: 'lost' }),
    });
    expect(res.status).toBe(200);
    const stored = await events.pollOnce();
    expect(stored.map((e) => e.type)).toContain('HostConnectionLostEvent');
    expect(await events.pollOnce()).toEqual([]);
    const rows = await db.dataSource
      .getRepository(VcenterEventEntity)
      .findBy({ type: 'HostConnectionLostEvent' });
    expect(rows).toHaveLength(1);
    const failures = await db.dataSource.getRepository(PowerEventEntity).findBy({ kind: 'host_failure' });
    expect(failures.map((f) => [f.device, f.source])).toEqual([[lost, 'vcenter-event']]);
  });
});
