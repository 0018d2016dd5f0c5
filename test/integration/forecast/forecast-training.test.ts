import Redis from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BullmqForecastQueue } from '@app/application';
import { ForecastModelEntity, MetricSampleEntity } from '@app/persistence';
import { forecastCommand } from '../../../apps/cli/src/commands/forecast';
import { captureIo } from '../../../apps/cli/src/capture-io';
import { startApiAndWorker, type RunningApps } from '../../support/apps';
import { auth, testConfig, TEST_TOKEN } from '../../support/app-config';
import { createTestDatabase, type TestDatabase } from '../../support/db';
import { dropQueuePrefix, waitFor } from '../../support/wait';

const STEP = 300;

/** Three days of 5-min samples up to now: vm-t1 CPU and memory, vm-t2 CPU. */
async function seed(db: TestDatabase, now: number) {
  await db.dataSource.query(
    `INSERT INTO components (id, name, layer) VALUES ('vm-t1', 't1', 'high'), ('vm-t2', 't2', 'low')`,
  );
  const rows: Partial<MetricSampleEntity>[] = [];
  for (let t = now - 3 * 86400; t <= now; t += STEP) {
    const daily = Math.sin((2 * Math.PI * (t % 86400)) / 86400);
    const ts = new Date(t * 1000);
    rows.push({ entityId: 'vm-t1', metric: 'cpuMhz', ts, value: 1000 + 300 * daily });
    rows.push({ entityId: 'vm-t1', metric: 'memMb', ts, value: 4096 });
    rows.push({ entityId: 'vm-t2', metric: 'cpuMhz', ts, value: 500 + 100 * daily });
  }
  for (let i = 0; i < rows.length; i += 2000)
    await db.dataSource.getRepository(MetricSampleEntity).insert(rows.slice(i, i + 2000));
}

const cli = (base: string) => captureIo({ LAYERSHIFT_API_URL: base, LAYERSHIFT_API_TOKEN: TEST_TOKEN });

describe('forecast training on demand: CLI -> api -> BullMQ -> worker -> PostgreSQL', () => {
  let db: TestDatabase;
  let apps: RunningApps;
  let base: string;
  const now = Math.floor(Date.now() / 1000 / STEP) * STEP;

  beforeAll(async () => {
    db = await createTestDatabase({ migrate: true });
    await seed(db, now);
    apps = await startApiAndWorker(testConfig(db.url));
    ({ base } = apps);
  });
  afterAll(async () => {
    await apps?.close();
    await db?.drop();
  });

  const train = async (body: unknown) => {
    const res = await fetch(`${base}/api/v1/forecasts/train`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const finished = (jobId: string) =>
    waitFor(`training ${jobId} to end`, async () => {
      const s = (await (
        await fetch(`${base}/api/v1/forecasts/train/${jobId}`, { headers: auth })
      ).json()) as any;
      return s.state === 'completed' || s.state === 'failed' ? s : undefined;
    });

  it('`layershift forecast train --component vm-t1 --wait` trains that component only, and `models` lists it', async () => {
    const run = cli(base);
    const code = await forecastCommand.run(['train', '--component', 'vm-t1', '--wait'], run.io);
    expect(run.err.join('')).toBe('');
    expect(code).toBe(0);
    expect(run.out.join('')).toMatch(/queued for 1 components/);
    expect(run.out.join('')).toMatch(/completed: 2 models stored .* 0 unchanged, 1 components/);
    const stored = await db.dataSource.getRepository(ForecastModelEntity).find();
    expect(stored.map((m) => `${m.key}/${m.metric}`).sort()).toEqual(['vm-t1/cpuMhz', 'vm-t1/memMb']);

    const list = cli(base);
    expect(await forecastCommand.run(['models', '--json'], list.io)).toBe(0);
    const rows = JSON.parse(list.out.join('')) as { component: string; metric: string; trainedTo: string }[];
    expect(rows.map((r) => `${r.component}/${r.metric}`).sort()).toEqual(['vm-t1/cpuMhz', 'vm-t1/memMb']);
    expect(new Date(rows[0].trainedTo).getTime()).toBeGreaterThan(now * 1000);
    const table = cli(base);
    expect(await forecastCommand.run(['models', '--component', 'vm-t1'], table.io)).toBe(0);
    const lines = table.out.join('').trim().split('\n');
    expect(lines[0]).toBe('component\tmetric\tmodel\thold-out MAE (naive)\ttrained on\ttrained at');
    // three days of history: a baseline, which says why, and has no hold-out
    expect(lines.slice(1).sort()[0]).toMatch(/^vm-t1\tcpuMhz\tseasonal-naive \(.*days observed.*\)\t-\t/);
  });

  it('keeps a model whose samples have not changed, retrains where a sample arrived, and retrains all with force', async () => {
    const again = await train({ components: ['vm-t1'] });
    expect(again.status).toBe(202);
    expect((await finished(again.body.jobId)).result).toMatchObject({ models: 0, unchanged: 2 });

    await db.dataSource
      .getRepository(MetricSampleEntity)
      .insert({ entityId: 'vm-t1', metric: 'cpuMhz', ts: new Date((now + STEP) * 1000), value: 1200 });
    const after = await train({ components: ['vm-t1'] });
    expect((await finished(after.body.jobId)).result).toMatchObject({ models: 1, unchanged: 1 });

    const forced = await train({ components: ['vm-t1'], force: true });
    const done = await finished(forced.body.jobId);
    expect(done.result).toMatchObject({ models: 2, unchanged: 0 });
    expect(done.requestedBy).toMatch(/^token#1:/);
    expect(done.force).toBe(true);
  });

  it('refuses a bad request naming the field, and queues nothing', async () => {
    const before = await db.dataSource.getRepository(ForecastModelEntity).count();
    const unknown = await train({ components: ['vm-t1', 'vm-nope'] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toMatch(/\$\.components\[1\]: expected a component id .* found "vm-nope"/);
    const notArray = await train({ components: 'vm-t1' });
    expect(notArray.status).toBe(400);
    expect(notArray.body.message).toMatch(/\$\.components: expected an array of component ids, found/);
    const typo = await train({ component: ['vm-t1'] });
    expect(typo.status).toBe(400);
    expect(typo.body.message).toMatch(/\$\.component: expected no such field \(known: components, force\)/);
    const missing = await fetch(`${base}/api/v1/forecasts/train/train-00000000-0000-0000-0000-000000000000`, {
      headers: auth,
    });
    expect(missing.status).toBe(404);
    const anonymous = await fetch(`${base}/api/v1/forecasts/train`, { method: 'POST' });
    expect(anonymous.status).toBe(401);
    // the CLI says what the API refused and exits 1
    const run = cli(base);
    expect(await forecastCommand.run(['train', '--component', 'vm-nope'], run.io)).toBe(1);
    expect(run.err.join('')).toMatch(/API answered 400: .*\$\.components\[0\]/s);
    expect(await db.dataSource.getRepository(ForecastModelEntity).count()).toBe(before);
  });
});

describe('training requests on a real Redis, no worker running', () => {
  let redis: Redis;
  let queue: BullmqForecastQueue;
  // the queue needs no database; the config wants a URL all the same
  const config = testConfig('postgres://127.0.0.1:5432/unused');

  beforeAll(() => {
    redis = new Redis(config.redisUrl, { maxRetriesPerRequest: null });
    queue = new BullmqForecastQueue(config, redis);
  });
  afterAll(async () => {
    await queue?.beforeApplicationShutdown();
    await redis?.quit();
    await dropQueuePrefix(config.queuePrefix);
  });

  it('an identical request while one waits is the same job; a different one is its own', async () => {
    const first = await queue.requestTraining({ components: ['vm-b', 'vm-a'], requestedBy: 'op' });
    const same = await queue.requestTraining({ components: ['vm-a', 'vm-b', 'vm-a'] });
    const other = await queue.requestTraining({ components: ['vm-a'] });
    const forced = await queue.requestTraining({ components: ['vm-a', 'vm-b'], force: true });
    expect(first.deduplicated).toBe(false);
    expect(same).toEqual({ jobId: first.jobId, deduplicated: true });
    expect(other.deduplicated).toBe(false);
    expect(forced.deduplicated).toBe(false);
    expect(new Set([first.jobId, other.jobId, forced.jobId]).size).toBe(3);
    const status = await queue.trainingStatus(first.jobId);
    expect(status).toMatchObject({ state: 'waiting', components: ['vm-a', 'vm-b'], requestedBy: 'op' });
    // only on-demand training jobs are reported
    expect(await queue.trainingStatus('nightly-training')).toBeUndefined();
  });
});
