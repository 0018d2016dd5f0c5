import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ForecastPipelineService, SnapshotScenarioService } from '@app/application';
import { ForecastEntity, ForecastModelEntity, MetricSampleEntity, PowerEventEntity } from '@app/persistence';
import { createTestDatabase, type TestDatabase } from '../../support/db';

const STEP = 300;
const DAY = 86400;

/** Synthetic perf history written to the real metric_samples table. */
async function seed(db: TestDatabase, now: number) {
  await db.dataSource.query(
    `INSERT INTO hosts (id, name, cpu_mhz, mem_mb, cluster_id, power_idle_w, power_peak_w) VALUES
     ('host-calm', 'calm', 10000, 100000, NULL, 0, 0), ('host-hot', 'hot', 10000, 100000, NULL, 200, 600),
     ('host-capped', 'capped', 10000, 100000, 'cl-ramp', 0, 0), ('host-unsized', 'unsized', 10000, 100000, 'cl-ramp', 0, 0)`,
  );
  await db.dataSource.query(`INSERT INTO clusters (id, name) VALUES ('cl-ramp', 'ramp')`);
  // host-hot alone on pdu-hot: at ~8,500 MHz it draws 200 + 400 x 0.85 = 540 W, over 90% of the PDU's 560 W;
  // the UPS above it has room
  await db.dataSource.query(`INSERT INTO ups (id, capacity_w) VALUES ('ups-1', 100000)`);
  await db.dataSource.query(`INSERT INTO pdus (id, ups_id, capacity_w) VALUES ('pdu-hot', 'ups-1', 560)`);
  await db.dataSource.query(`INSERT INTO host_feeds (host_id, pdu_id) VALUES ('host-hot', 'pdu-hot')`);
  // the same climb on two hosts: on host-capped the VM is configured with 7,500 MHz (ceiling 8,250 < the host's
  // 9,000 safe line), so it cannot reach the line; on host-unsized its size is unknown (0)
  await db.dataSource.query(
    `INSERT INTO components (id, name, layer, host_id, cpu_mhz) VALUES
     ('vm-capped', 'capped', 'high', 'host-capped', 7500), ('vm-unsized', 'unsized', 'high', 'host-unsized', 0)`,
  );
  await db.dataSource.query(
    `INSERT INTO components (id, name, layer, host_id) VALUES
     ('vm-a', 'a', 'critical', 'host-calm'), ('vm-b', 'b', 'low', 'host-calm'),
     ('vm-hot', 'hot', 'high', 'host-hot'), ('vm-new', 'new', 'medium', 'host-calm')`,
  );
  const rows: Partial<MetricSampleEntity>[] = [];
  const start = now - 14 * DAY;
  for (let t = start; t <= now; t += STEP) {
    const daily = Math.sin((2 * Math.PI * (t % DAY)) / DAY);
    rows.push({ entityId: 'vm-a', metric: 'cpuMhz', ts: new Date(t * 1000), value: 1500 + 500 * daily });
    // vm-b bursts by +1,000 MHz in about a fifth of its samples: its mean is well above its near-median point
    const burst = ((((t / STEP) * 2654435761) >>> 0) % 1000) / 1000 < 0.2 ? 1000 : 0;
    rows.push({
      entityId: 'vm-b',
      metric: 'cpuMhz',
      ts: new Date(t * 1000),
      value: 800 + 300 * daily + burst,
    });
    rows.push({ entityId: 'vm-a', metric: 'memMb', ts: new Date(t * 1000), value: 20000 });
    // vm-hot: quiet for two weeks, then a steep climb over the last six hours towards the host's capacity.
    const ramp = Math.max(0, 1 - (now - t) / (6 * 3600));
    rows.push({
      entityId: 'vm-hot',
      metric: 'cpuMhz',
      ts: new Date(t * 1000),
      value: 2000 + 500 * daily + 6500 * ramp,
    });
  }
  for (let t = start; t <= now; t += STEP) {
    const daily = Math.sin((2 * Math.PI * (t % DAY)) / DAY);
    const ramp = Math.max(0, 1 - (now - t) / (6 * 3600));
    for (const entityId of ['vm-capped', 'vm-unsized'])
      rows.push({
        entityId,
        metric: 'cpuMhz',
        ts: new Date(t * 1000),
        value: 2000 + 500 * daily + 6000 * ramp,
      });
  }
  // vm-new: one day of history only.
  for (let t = now - DAY; t <= now; t += STEP)
    rows.push({ entityId: 'vm-new', metric: 'cpuMhz', ts: new Date(t * 1000), value: 500 });
  for (let i = 0; i < rows.length; i += 2000)
    await db.dataSource.getRepository(MetricSampleEntity).insert(rows.slice(i, i + 2000));
}

describe('forecast pipeline on real PostgreSQL', () => {
  let db: TestDatabase;
  let pipeline: ForecastPipelineService;
  const now = Math.floor(Date.UTC(2026, 10, 20, 12, 0, 0) / 1000);

  beforeAll(async () => {
    db = await createTestDatabase({ migrate: true });
    await seed(db, now);
    // a configured override (LAYERSHIFT_FORECAST_TRIGGER) that changes nothing below but is recorded with each event
    pipeline = new ForecastPipelineService(db.dataSource, {
      forecastTrigger: { minOpenSeconds: 7200 },
      // and one target's own (LAYERSHIFT_FORECAST_TRIGGER_TARGETS), by its stream
      forecastTriggerTargets: { 'pdu:pdu-hot': { minOpenSeconds: 5400 } },
    });
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('trains one model per component and metric, and says which fell back to a baseline', async () => {
    const result = await pipeline.train(new Date(now * 1000));
    expect(result.models).toBe(7);
    const newModel = await db.dataSource
      .getRepository(ForecastModelEntity)
      .findOneByOrFail({ key: 'vm-new' });
    expect((newModel.error as { kind: string }).kind).not.toBe('ridge');
    const calm = await db.dataSource
      .getRepository(ForecastModelEntity)
      .findOneByOrFail({ key: 'vm-a', metric: 'cpuMhz' });
    expect((calm.error as { kind: string }).kind).toBe('ridge');
    // stored with its error on the hold-out (the last days not fitted), per horizon, beside the naive forecast's
    const holdout = (calm.error as { holdout: { horizonSeconds: number; mae: number; naiveMae: number }[] })
      .holdout;
    expect(holdout.map((h) => h.horizonSeconds)).toEqual([3600, 14400, 86400]);
    for (const h of holdout) expect(h.mae).toBeLessThanOrEqual(h.naiveMae);
  });

  it('stores component, layer and host forecasts, and opens a shortage only for the hosts heading over their line', async () => {
    const first = await pipeline.forecast(new Date(now * 1000));
    expect(first.components).toBe(6);
    expect(first.opened).toEqual([]); // one breach is not enough: it must be confirmed
    const second = await pipeline.forecast(new Date((now + STEP) * 1000));
    // host-capped's VM cannot rise above its configured size, which is below the line; cl-ramp (host-capped +
    // host-unsized) can, and pdu-hot's budget is crossed by host-hot's draw
    expect(second.opened.map((o) => `${o.deviceKind}:${o.device}`).sort()).toEqual([
      'cluster:cl-ramp',
      'host:host-hot',
      'host:host-unsized',
      'pdu:pdu-hot',
    ]);
    expect(second.opened.find((o) => o.device === 'pdu-hot')?.explanation).toMatch(
      /powerW .* > 90% of capacity \(504\)/,
    );

    const forecasts = db.dataSource.getRepository(ForecastEntity);
    expect(await forecasts.countBy({ scope: 'layer', key: 'critical' })).toBeGreaterThan(0);
    expect(await forecasts.countBy({ scope: 'host', key: 'host-hot' })).toBeGreaterThan(0);
    const fallback = await forecasts.findOneByOrFail({ scope: 'component', key: 'vm-new' });
    expect(fallback.method).toMatch(/^fallback:/);
    const hot = await forecasts.findOneByOrFail({
      scope: 'host',
      key: 'host-hot',
      metric: 'cpuMhz',
      horizonSeconds: 3600,
    });
    expect(hot.upper).toBeGreaterThanOrEqual(hot.point);
    expect(hot.point).toBeGreaterThanOrEqual(hot.lower);
    // vm-capped's stored forecasts stop at its configured size (7,500 MHz x 1.1 turbo); vm-unsized, the same
    // climb with no size, is bounded only by 1.2 x its week's high (8,500 MHz) and goes past that size
    const top = async (key: string) =>
      Math.max(
        ...(await forecasts.findBy({ scope: 'component', key, metric: 'cpuMhz' })).map((f) => f.upper),
      );
    expect(await top('vm-capped')).toBeLessThanOrEqual(7500 * 1.1);
    expect(await top('vm-unsized')).toBeGreaterThan(7500 * 1.1);
    expect(await top('vm-unsized')).toBeLessThanOrEqual(1.2 * 8500 + 1e-6);

    const events = await db.dataSource.getRepository(PowerEventEntity).findBy({ kind: 'forecast_shortage' });
    expect(events.map((e) => [e.device, e.deviceKind, e.status]).sort()).toEqual([
      ['cl-ramp', 'cluster', 'open'],
      ['host-hot', 'host', 'open'],
      ['host-unsized', 'host', 'open'],
      ['pdu-hot', 'pdu', 'open'],
    ]);
    expect(await forecasts.countBy({ scope: 'cluster', key: 'cl-ramp' })).toBeGreaterThan(0);
    expect(events.find((e) => e.device === 'host-hot')?.detail).toMatch(/host-hot/);
    // the event records the parameters it was decided with: the defaults and the configured override
    const raw = events.find((e) => e.device === 'host-hot')?.raw as {
      raw: { params: { minOpenSeconds: number; onsetMinT: number } };
    };
    expect(raw.raw.params).toMatchObject({ minOpenSeconds: 7200, onsetMinT: 4 });
    const pduRaw = events.find((e) => e.device === 'pdu-hot')?.raw as typeof raw;
    expect(pduRaw.raw.params).toMatchObject({ minOpenSeconds: 5400, onsetMinT: 4 });
  });

  it("feeds the scenario's forecast section: the upper bound for critical components, the mean for the others", async () => {
    const clock = new Date((now + STEP) * 1000);
    const scenario = await new SnapshotScenarioService(db.dataSource).build(
      { type: 'forecast_shortage', target: 'host-hot' },
      clock,
    );
    const hour = (key: string) =>
      db.dataSource.getRepository(ForecastEntity).findOneOrFail({
        where: { scope: 'component', key, metric: 'cpuMhz', horizonSeconds: 3600 },
        order: { issuedAt: 'DESC' },
      });
    const critical = await hour('vm-a');
    const low = await hour('vm-b');
    expect(scenario.forecast?.horizonSeconds).toBe(3600);
    expect(scenario.forecast?.demand['vm-a']?.cpuMhz).toBe(Math.ceil(critical.upper));
    // the forecast of the mean, stored beside the point (a near-median), is what non-critical demand adds up
    expect(low.expected).toBeGreaterThan(low.point + 10);
    expect(scenario.forecast?.demand['vm-b']?.cpuMhz).toBe(Math.ceil(low.expected!));
    expect(critical.upper).toBeGreaterThan(critical.point);
  });
});
