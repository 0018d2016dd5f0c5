import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../support/wait';
import { ActionAttemptEntity, ActionEntity } from '@app/persistence';
import { startApiAndWorker, type RunningApps } from '../../support/apps';
import { createTestDatabase, type TestDatabase } from '../../support/db';
import { auth, testConfig, TEST_TOKEN } from '../../support/app-config';

const ROOT = resolve(__dirname, '../../..');
const SCENARIO = JSON.parse(
  readFileSync(join(ROOT, '../shared/scenarios/small-ups-on-battery.json'), 'utf8'),
);

describe('the worker consumes approved actions from BullMQ', () => {
  let db: TestDatabase;
  let apps: RunningApps;
  let base: string;

  beforeAll(async () => {
    db = await createTestDatabase({ migrate: true });
    const config = testConfig(db.url);
    apps = await startApiAndWorker(config);
    ({ base } = apps);
  });
  afterAll(async () => {
    await apps?.close();
    await db?.drop();
  });

  it('without a vCenter, refuses every action with the reason, recorded per attempt, and fails the plan', async () => {
    const { planId } = await (
      await fetch(`${base}/api/v1/audits`, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ scenario: SCENARIO }),
      })
    )
      .json()
      .then((x): any => x);
    await fetch(`${base}/api/v1/plans/${planId}/approve`, { method: 'POST', headers: auth });
    const actions = db.dataSource.getRepository(ActionEntity);
    const total = await actions.count({ where: { planId } });
    await waitFor('every action to end', async () =>
      (await actions.count({ where: { planId, state: 'failed' } })) === total ? true : undefined,
    );
    const one = await actions.findOneByOrFail({ planId, seq: 0 });
    expect(one.lastError).toMatch(/refused before sending: no vCenter configured/);
    const attempts = await db.dataSource.getRepository(ActionAttemptEntity).findBy({ actionId: one.id });
    expect(attempts).toHaveLength(1);
    expect(attempts[0].outcome).toBe('refused');
    // The plan ends once the last action has ended (a moment after its own state is written).
    await waitFor('the plan to fail', async () => {
      const plan = await (
        await fetch(`${base}/api/v1/plans/${planId}`, { headers: auth })
      )
        .json()
        .then((x): any => x);
      return plan.state === 'failed' ? true : undefined;
    });
  });
});

describe('the worker process', () => {
  const main = join(ROOT, 'dist/apps/worker/src/main.js');

  it('refuses to start on bad configuration, naming each variable', async () => {
    expect(existsSync(main), 'run `npm run build` first (npm test does)').toBe(true);
    const child = spawn(process.execPath, [main], {
      env: { PATH: process.env.PATH, DATABASE_URL: 'mysql://nope', WORKER_PORT: 'eighty' },
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    expect(code).toBe(78);
    expect(err).toMatch(/DATABASE_URL must be a postgres/);
    expect(err).toMatch(/WORKER_PORT must be an integer/);
    expect(err).toMatch(/LAYERSHIFT_API_TOKENS/);
  });

  it('drains and exits 0 on SIGTERM, printing no secret', async () => {
    const db = await createTestDatabase({ migrate: true });
    try {
      const child = spawn(process.execPath, [main], {
        env: {
          PATH: process.env.PATH,
          DATABASE_URL: db.url,
          LAYERSHIFT_API_TOKENS: TEST_TOKEN,
          WORKER_PORT: '0',
          LAYERSHIFT_QUEUE_PREFIX: `lstest-drain-${process.pid}`,
          LOG_LEVEL: 'info',
          SNMP_TRAP_PORT: '0',
          SNMP_TRAP_ADDRESS: '127.0.0.1',
          SNMP_COMMUNITIES: TEST_TOKEN.slice(0, 20),
        },
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      await waitFor(
        'the worker to listen',
        async () => (/listening on/.test(out) ? true : undefined),
        30_000,
      );
      child.kill('SIGTERM');
      const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
      expect(out).toMatch(/draining/);
      expect(code).toBe(0);
      expect(out).not.toContain(TEST_TOKEN);
    } finally {
      await db.drop();
    }
  });
});
