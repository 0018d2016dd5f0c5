import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ForecastPipelineService } from '@app/application';
import { AuditLogEntity, ForecastEntity, MetricSampleEntity } from '@app/persistence';
import { createApiApp } from '../../../apps/api/src/bootstrap';
import { auth, testConfig, listenOnLoopback, TEST_TOKEN } from '../../support/app-config';
import { captureIo } from '../../../apps/cli/src/capture-io';
import { windowsCommand } from '../../../apps/cli/src/commands/windows';
import { createTestDatabase, type TestDatabase } from '../../support/db';
import { dropQueuePrefix } from '../../support/wait';
import type { INestApplication } from '@nestjs/common';

const STEP = 300;
const DAY = 86400;
// a Monday, 09:05 UTC: the batch starts at 10:00, so the 1 h forecast's target (10:05) falls inside it
const NOW = Date.UTC(2026, 10, 23, 9, 5) / 1000;
// an ETL job run on irregular days (neither yesterday nor a week ago), 10:00-12:00 UTC; announced as one-off windows
const BATCH_DAYS_AGO = [20, 17, 16, 12, 9, 5, 3, 2, 0];
const DAY0 = Math.floor(NOW / DAY) * DAY;
const WINDOWS = BATCH_DAYS_AGO.map((d) => ({
  id: `etl-${d}`,
  kind: 'batch',
  at: new Date((DAY0 - d * DAY + 10 * 3600) * 1000).toISOString(),
  durationMinutes: 120,
  components: ['vm-etl'],
}));

/** 21 days of a quiet VM whose ETL job adds 2,000 MHz in those windows. */
async function seed(db: TestDatabase) {
  await db.dataSource.query(`INSERT INTO components (id, name, layer) VALUES ('vm-etl', 'etl', 'high')`);
  const rows: Partial<MetricSampleEntity>[] = [];
  let noise = 0;
  for (let t = NOW - 21 * DAY; t <= NOW; t += STEP) {
    noise = 0.7 * noise + 40 * Math.sin(t * 7.31);
    const daysAgo = Math.round((DAY0 - Math.floor(t / DAY) * DAY) / DAY);
    const hour = (t % DAY) / 3600;
    const batch = BATCH_DAYS_AGO.includes(daysAgo) && hour >= 10 && hour < 12 ? 2000 : 0;
    rows.push({ entityId: 'vm-etl', metric: 'cpuMhz', ts: new Date(t * 1000), value: 600 + noise + batch });
  }
  for (let i = 0; i < rows.length; i += 2000)
    await db.dataSource.getRepository(MetricSampleEntity).insert(rows.slice(i, i + 2000));
}

describe('windows of anticipated work feed the forecast', () => {
  let db: TestDatabase;
  let api: INestApplication;
  let base: string;
  let prefix: string;
  let pipeline: ForecastPipelineService;

  beforeAll(async () => {
    db = await createTestDatabase({ migrate: true });
    await seed(db);
    const config = testConfig(db.url);
    prefix = config.queuePrefix;
    api = await createApiApp(config);
    base = await listenOnLoopback(api);
    pipeline = new ForecastPipelineService(db.dataSource);
  });
  afterAll(async () => {
    await api?.close();
    await dropQueuePrefix(prefix);
    await db?.drop();
  });

  const put = async (body: unknown) => {
    const res = await fetch(`${base}/api/v1/work-windows`, {
      method: 'PUT',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  /** Train and forecast at NOW; the 1 h point forecast of vm-etl (target 10:05, inside the batch). */
  const oneHourAhead = async () => {
    await db.dataSource.getRepository(ForecastEntity).clear();
    await pipeline.train(new Date(NOW * 1000));
    await pipeline.forecast(new Date(NOW * 1000));
    const rows = await db.dataSource.getRepository(ForecastEntity).find({
      where: { scope: 'component', key: 'vm-etl', metric: 'cpuMhz', horizonSeconds: 3600 },
    });
    expect(rows).toHaveLength(1);
    return rows[0].point;
  };

  it('refuses a bad document naming each path, and stores a good one with an audit record', async () => {
    const bad = await put({
      windows: [{ id: 'x', kind: 'batch', start: '7pm', durationMinutes: 60 }, { id: 'y' }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/\$\.windows\[0\]\.start: expected "HH:MM" in UTC/);
    expect(bad.body.message).toMatch(/\$\.windows\[1\]\.kind: expected one of "batch" \| "maintenance"/);
    const good = await put({ windows: WINDOWS });
    expect(good.status).toBe(200);
    expect(good.body.windows).toHaveLength(WINDOWS.length);
    const got = (await (await fetch(`${base}/api/v1/work-windows`, { headers: auth })).json()) as {
      windows: { id: string }[];
    };
    expect(got.windows.map((w) => w.id).sort()).toEqual(WINDOWS.map((w) => w.id).sort());
    const audit = await db.dataSource
      .getRepository(AuditLogEntity)
      .findOneByOrFail({ action: 'work-windows.replaced' });
    expect(audit.actor).toMatch(/^token#1:/);
    // and empties it again, for the comparison below
    expect((await put({ windows: [] })).body).toEqual({ windows: [] });
  });

  it('expects the known batch: the forecast into a window rises by most of the batch, and not without it', async () => {
    const without = await oneHourAhead();
    await put({ windows: WINDOWS });
    // the models are retrained although no sample changed: the windows were edited after them
    const withWindows = await oneHourAhead();
    expect(without).toBeLessThan(1200);
    expect(withWindows - without).toBeGreaterThan(1000);
  });

  it('`layershift windows put --file` checks the file first, then replaces them; `get` lists them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ls-windows-'));
    const bad = join(dir, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({ windows: [{ id: 'b', kind: 'batch', start: '1:00', durationMinutes: 30 }] }),
    );
    const env = { LAYERSHIFT_API_URL: base, LAYERSHIFT_API_TOKEN: TEST_TOKEN };
    const refused = captureIo(env);
    expect(await windowsCommand.run(['put', '--file', bad], refused.io)).toBe(2);
    expect(refused.err.join('')).toMatch(/\$\.windows\[0\]\.start: expected "HH:MM" in UTC/);
    const good = join(dir, 'good.json');
    const doc = {
      windows: [
        {
          id: 'backup',
          kind: 'batch',
          days: ['mon', 'thu'],
          start: '01:00',
          durationMinutes: 90,
          hosts: ['host-12'],
        },
      ],
    };
    writeFileSync(good, JSON.stringify(doc));
    const put = captureIo(env);
    expect(await windowsCommand.run(['put', '--file', good], put.io)).toBe(0);
    expect(put.out.join('')).toBe('backup\tbatch\tmon,thu at 01:00 UTC for 90 min\thosts host-12\n');
    const get = captureIo(env);
    expect(await windowsCommand.run(['get'], get.io)).toBe(0);
    expect(get.out.join('')).toBe(put.out.join(''));
    const stored: unknown = await (await fetch(`${base}/api/v1/work-windows`, { headers: auth })).json();
    expect(stored).toEqual(doc);
  });

  it('lists the occurrences of the coming hours, soonest first, with when a host maintenance is planned', async () => {
    const at = new Date(Math.ceil((Date.now() + 3 * 3600_000) / 60_000) * 60_000);
    await put({
      windows: [
        { id: 'daily', kind: 'batch', start: '00:00', durationMinutes: 30, layers: ['low'] },
        { id: 'patch', kind: 'maintenance', at: at.toISOString(), durationMinutes: 60, hosts: ['host-7'] },
      ],
    });
    const get = async (q: string) => {
      const res = await fetch(`${base}/api/v1/work-windows/upcoming${q}`, { headers: auth });
      return { status: res.status, body: (await res.json()) as any };
    };
    const week = await get('');
    expect(week.status).toBe(200);
    const starts = week.body.map((o: { start: string }) => o.start);
    expect([...starts].sort()).toEqual(starts);
    expect(
      week.body.filter((o: { windowId: string }) => o.windowId === 'daily').length,
    ).toBeGreaterThanOrEqual(7);
    expect(week.body.find((o: { windowId: string }) => o.windowId === 'patch')).toEqual({
      windowId: 'patch',
      kind: 'maintenance',
      start: at.toISOString(),
      end: new Date(at.getTime() + 3600_000).toISOString(),
      hosts: ['host-7'],
      evacuationPlannedAt: new Date(at.getTime() - 45 * 60_000).toISOString(),
    });
    expect(
      (await get('?hours=1')).body.find((o: { windowId: string }) => o.windowId === 'patch'),
    ).toBeUndefined();
    const bad = await get('?hours=0');
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/hours must be a whole number from 1 to 744/);
  });
});
