import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PowerEventEntity } from '@app/persistence';
import { MaintenanceScheduleTask } from '../../../apps/worker/src/schedule/maintenance-schedule.task';
import { MaintenanceScheduleService } from '@app/application';
import { auth, testConfig } from '../../support/app-config';
import { startApiAndWorker, type RunningApps } from '../../support/apps';
import { createTestDatabase, type TestDatabase } from '../../support/db';
import { waitFor } from '../../support/wait';

const MIN = 60_000;

/** Three hosts on one UPS and PDU, two VMs on host-1 (shared datastore and network). */
async function seed(db: TestDatabase) {
  await db.dataSource.query(`INSERT INTO clusters (id, name) VALUES ('cl-1', 'cl-1')`);
  await db.dataSource.query(
    `INSERT INTO hosts (id, name, cluster_id, cpu_mhz, mem_mb, datastores, networks, power_idle_w, power_peak_w, attested)
     SELECT 'host-' || n, 'esx-' || n, 'cl-1', 40000, 262144, '{ds-1}', '{net-1}', 150, 450, true FROM generate_series(1, 3) n`,
  );
  await db.dataSource.query(
    `INSERT INTO components (id, name, layer, layer_tagged, host_id, cpu_mhz, mem_mb, datastores, networks)
     VALUES ('vm-a', 'a', 'critical', true, 'host-1', 4000, 8192, '{ds-1}', '{net-1}'),
            ('vm-b', 'b', 'low', true, 'host-1', 2000, 4096, '{ds-1}', '{net-1}')`,
  );
}

describe('scheduled maintenance: a window becomes an evacuation plan ahead of the work', () => {
  let db: TestDatabase;
  let apps: RunningApps;
  let base: string;
  const put = (path: string, body: unknown) =>
    fetch(`${base}${path}`, {
      method: 'PUT',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    db = await createTestDatabase({ migrate: true });
    await seed(db);
    apps = await startApiAndWorker(testConfig(db.url));
    ({ base } = apps);
    const topo = await put('/api/v1/topology', {
      ups: [{ id: 'ups-1', capacityW: 20000 }],
      pdus: [{ id: 'pdu-1', ups: 'ups-1', capacityW: 10000 }],
      feeds: ['host-1', 'host-2', 'host-3'].map((host) => ({ host, pdus: ['pdu-1'] })),
    });
    expect(topo.status).toBe(200);
  });
  afterAll(async () => {
    await apps?.close();
    await db?.drop();
  });

  it('opens one maintenance event per host and occurrence, audits it, and the plan evacuates the host and waits', async () => {
    const start = new Date(Math.ceil((Date.now() + 20 * MIN) / MIN) * MIN);
    const windows = await put('/api/v1/work-windows', {
      windows: [
        {
          id: 'patch-h1',
          kind: 'maintenance',
          at: start.toISOString(),
          durationMinutes: 60,
          hosts: ['host-1', 'host-404'],
        },
        // not due yet: three hours away
        {
          id: 'later',
          kind: 'maintenance',
          at: new Date(start.getTime() + 3 * 60 * MIN).toISOString(),
          durationMinutes: 30,
          hosts: ['host-2'],
        },
      ],
    });
    expect(windows.status).toBe(200);
    const task = apps.worker.get(MaintenanceScheduleTask);
    expect(await task.run()).toBe(1);
    // idempotent: the next tick (or another worker's) opens nothing more
    expect(await task.run()).toBe(0);
    const events = await db.dataSource.getRepository(PowerEventEntity).findBy({ source: 'schedule' });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      kind: 'maintenance',
      device: 'host-1',
      deviceKind: 'host',
      status: 'open',
    });
    expect(events[0].detail).toMatch(/maintenance window "patch-h1" takes host-1 down in (19|20|21) min/);

    const plan = await waitFor('the audit of the scheduled maintenance', async () => {
      const plans = (await (await fetch(`${base}/api/v1/plans`, { headers: auth })).json()) as {
        id: string;
      }[];
      if (!plans.length) return undefined;
      return (await (await fetch(`${base}/api/v1/plans/${plans[0].id}`, { headers: auth })).json()) as {
        state: string;
        actions: { kind: string; component?: string; host?: string; from?: string }[];
      };
    });
    expect(plan.state).toBe('proposed'); // a maintenance waits for an operator
    const moved = plan.actions.filter((a) => a.kind === 'vmotion').map((a) => a.component);
    expect(moved.sort()).toEqual(['vm-a', 'vm-b']);
    expect(plan.actions.find((a) => a.kind === 'maintenance')).toMatchObject({ host: 'host-1' });
  });

  it('closes the event once its window has ended', async () => {
    const service = apps.worker.get(MaintenanceScheduleService);
    const after = new Date(Date.now() + 2 * 60 * MIN);
    const tick = await service.tick(after);
    expect(tick.closed).toBe(1);
    expect(tick.opened).toEqual([]);
    const [event] = await db.dataSource.getRepository(PowerEventEntity).findBy({ source: 'schedule' });
    expect(event.status).toBe('closed');
  });
});
