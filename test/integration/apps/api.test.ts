import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropQueuePrefix } from '../../support/wait';
import { QUEUES } from '@app/domain';
import { AuditLogEntity } from '@app/persistence';
import { createApiApp } from '../../../apps/api/src/bootstrap';
import { createTestDatabase, type TestDatabase } from '../../support/db';
import { auth, testConfig, listenOnLoopback } from '../../support/app-config';

const SCENARIO = JSON.parse(
  readFileSync(join(__dirname, '../../../../shared/scenarios/small-ups-on-battery.json'), 'utf8'),
);

describe('the api against real PostgreSQL and Redis', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let base: string;
  let prefix: string;

  beforeAll(async () => {
    db = await createTestDatabase({ migrate: true });
    const config = testConfig(db.url);
    prefix = config.queuePrefix;
    app = await createApiApp(config);
    base = await listenOnLoopback(app);
  });
  afterAll(async () => {
    await app?.close();
    await dropQueuePrefix(prefix);
    await db?.drop();
  });

  it('answers /health with both dependencies checked, without a token', async () => {
    const res = await fetch(`${base}/health`);
    expect(res.status).toBe(200);
    const body = await res.json().then((x): any => x);
    expect(body.checks.postgres.ok).toBe(true);
    expect(body.checks.redis.ok).toBe(true);
  });

  it('refuses every API call without a valid token', async () => {
    expect((await fetch(`${base}/api/v1/plans`)).status).toBe(401);
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    const wrong = await fetch(`${base}/api/v1/plans`, {
      headers: { authorization: 'Bearer not-the-token-at-all' },
    });
    expect(wrong.status).toBe(401);
    expect((await fetch(`${base}/api/v1/plans`, { headers: auth })).status).toBe(200);
  });

  it('serves Prometheus metrics and the OpenAPI document', async () => {
    const metrics = await (await fetch(`${base}/metrics`, { headers: auth })).text();
    expect(metrics).toMatch(/^layershift_process_cpu_user_seconds_total/m);
    const doc = await (await fetch(`${base}/api/docs-json`)).json().then((x): any => x);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/health', '/api/v1/plan', '/api/v1/plans/{id}/approve']),
    );
  });

  it('refuses a bad scenario with 400 and the path, never a 500', async () => {
    const bad = structuredClone(SCENARIO);
    bad.hosts[2].pdus[0] = 7;
    const res = await fetch(`${base}/api/v1/plan`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify(bad),
    });
    expect(res.status).toBe(400);
    const body = await res.json().then((x): any => x);
    expect(body.issues[0].path).toBe('$.hosts[2].pdus[0]');
    const garbage = await fetch(`${base}/api/v1/plan`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: '{"version": 1,',
    });
    expect(garbage.status).toBe(400);
  });

  it('stores an audit as a proposed plan, and approval queues one job per action', async () => {
    const res = await fetch(`${base}/api/v1/audits`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ scenario: SCENARIO, trigger: 'operator' }),
    });
    expect(res.status).toBe(201);
    const { planId, summary } = await res.json().then((x): any => x);
    const plan = await (
      await fetch(`${base}/api/v1/plans/${planId}`, { headers: auth })
    )
      .json()
      .then((x): any => x);
    expect(plan.state).toBe('proposed');
    expect(plan.actions.length).toBe(plan.document.actions.length);
    expect(summary.moves + summary.shutdowns).toBeGreaterThan(0);

    const approve = await fetch(`${base}/api/v1/plans/${planId}/approve`, { method: 'POST', headers: auth });
    expect(approve.status).toBe(200);
    const { queued } = await approve.json().then((x): any => x);
    expect(queued).toBe(plan.actions.length);
    // Approving twice is idempotent: the same jobs, not twice as many.
    await fetch(`${base}/api/v1/plans/${planId}/approve`, { method: 'POST', headers: auth });
    const queue = new Queue(QUEUES.actions, { connection: { host: '127.0.0.1', port: 6379 }, prefix });
    const counts = await queue.getJobCounts('waiting', 'prioritized', 'delayed', 'active');
    await queue.close();
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(queued);

    const log = await db.dataSource.getRepository(AuditLogEntity).find({ where: { subjectId: planId } });
    expect(log.map((l) => l.action).sort()).toEqual(['plan.approved', 'plan.proposed']);
    expect(log[0].actor).toMatch(/^token#1:/);
  });

  it('supersedes the open plan when a newer audit arrives', async () => {
    const post = () =>
      fetch(`${base}/api/v1/audits`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ scenario: SCENARIO }),
      }).then((r) => r.json().then((x): any => x));
    const first = await post();
    const second = await post();
    expect(second.superseded).toContain(first.planId);
    const old = await (
      await fetch(`${base}/api/v1/plans/${first.planId}`, { headers: auth })
    )
      .json()
      .then((x): any => x);
    expect(old.state).toBe('superseded');
    expect(new Set(old.actions.map((a: { state: string }) => a.state))).toEqual(new Set(['superseded']));
  });

  it('stores the power topology, refusing a bad one with the path', async () => {
    const put = (body: unknown) =>
      fetch(`${base}/api/v1/topology`, {
        method: 'PUT',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const good = {
      ups: [{ id: 'ups-a', capacityW: 40000, address: '10.0.0.5' }],
      pdus: [{ id: 'pdu-a1', ups: 'ups-a', capacityW: 11000 }],
      feeds: [{ host: 'host-1', pdus: ['pdu-a1'] }],
    };
    const ok = await put(good);
    expect(ok.status).toBe(200);
    expect(
      (await (await fetch(`${base}/api/v1/topology`, { headers: auth })).json().then((x): any => x)).feeds,
    ).toEqual(good.feeds);
    const bad = await put({ ...good, feeds: [{ host: 'host-1', pdus: ['pdu-zz'] }] });
    expect(bad.status).toBe(400);
    expect((await bad.json().then((x): any => x)).issues[0].path).toBe('$.feeds[0].pdus[0]');
  });

  it('lists components with their layer and whether it came from a tag', async () => {
    await db.dataSource.query(
      `INSERT INTO components (id, name, layer, layer_tagged, host_id) VALUES ('vm-1', 'db', 'critical', true, 'host-1'), ('vm-2', 'web', 'medium', false, 'host-1')`,
    );
    const all = await (
      await fetch(`${base}/api/v1/components`, { headers: auth })
    )
      .json()
      .then((x): any => x);
    expect(all.map((c: any) => [c.id, c.layer, c.layerTagged])).toEqual([
      ['vm-1', 'critical', true],
      ['vm-2', 'medium', false],
    ]);
    expect((await fetch(`${base}/api/v1/components?layer=urgent`, { headers: auth })).status).toBe(400);
  });
});
