import { Injectable } from '@nestjs/common';
import { DataSource, MoreThanOrEqual } from 'typeorm';
import type { Forecast, Scenario, ScenarioEvent } from '@app/domain';
import { isLayer } from '@app/domain';
import { toScenarioForecast, type ComponentForecast, type Metric, type SeriesForecast } from '@app/forecast';
import {
  ComponentEntity,
  ForecastEntity,
  HostEntity,
  HostFeedEntity,
  PduEntity,
  UpsEntity,
} from '@app/persistence';
import { buildScenario } from './build-scenario';

/** Reads the stored inventory and topology in one repeatable-read transaction and builds the scenario. */
@Injectable()
export class SnapshotScenarioService {
  constructor(private readonly dataSource: DataSource) {}

  async build(event: ScenarioEvent, clock = new Date()): Promise<Scenario> {
    const snap = await this.dataSource.transaction('REPEATABLE READ', async (tx) => ({
      hosts: await tx.getRepository(HostEntity).find(),
      components: await tx.getRepository(ComponentEntity).find({ where: { poweredOn: true } }),
      ups: await tx.getRepository(UpsEntity).find(),
      pdus: await tx.getRepository(PduEntity).find(),
      feeds: await tx.getRepository(HostFeedEntity).find(),
    }));
    // power_restored plans bring back what is off; every other plan is about what runs.
    if (event.type === 'power_restored')
      snap.components = await this.dataSource.getRepository(ComponentEntity).find();
    return buildScenario(snap, event, clock, await this.forecast(snap.components, clock));
  }

  /**
   * The scenario's `forecast` section from the newest stored component forecasts (issued in the last 30 minutes):
   * 1 h ahead, the upper bound for critical components (what the planner must reserve), the forecast of the mean
   * for the rest (the point on rows stored before it).
   * A component with a CPU forecast but no memory one keeps its current memory.
   */
  private async forecast(components: ComponentEntity[], clock: Date): Promise<Forecast | undefined> {
    const rows = await this.dataSource.getRepository(ForecastEntity).find({
      where: { scope: 'component', issuedAt: MoreThanOrEqual(new Date(clock.getTime() - 30 * 60_000)) },
      order: { issuedAt: 'DESC' },
    });
    if (rows.length === 0) return undefined;
    const series = new Map<string, SeriesForecast>();
    for (const r of rows) {
      const key = `${r.key}|${r.metric}`;
      let f = series.get(key);
      if (!f)
        series.set(
          key,
          (f = {
            metric: r.metric as Metric,
            origin: r.issuedAt.getTime() / 1000,
            horizons: [],
            coverage: 0.9,
          }),
        );
      if (
        f.origin !== r.issuedAt.getTime() / 1000 ||
        f.horizons.some((h) => h.horizonSeconds === r.horizonSeconds)
      )
        continue;
      f.horizons.push({
        horizonSeconds: r.horizonSeconds,
        at: r.targetAt.getTime() / 1000,
        point: r.point,
        lower: r.lower,
        upper: r.upper,
        expected: r.expected ?? undefined,
      });
    }
    const byId = new Map(components.map((c) => [c.id, c]));
    const list: ComponentForecast[] = [];
    for (const c of components) {
      const cpu = series.get(`${c.id}|cpuMhz`);
      if (!cpu) continue;
      const flat = (v: number): SeriesForecast => ({
        metric: 'memMb',
        origin: cpu.origin,
        horizons: cpu.horizons.map((h) => ({ ...h, point: v, lower: v, upper: v, expected: v })),
        coverage: cpu.coverage,
      });
      list.push({ id: c.id, cpuMhz: cpu, memMb: series.get(`${c.id}|memMb`) ?? flat(c.memMb) });
    }
    if (list.length === 0) return undefined;
    return toScenarioForecast(list, {
      horizonSeconds: 3600,
      layerOf: (id) => {
        const l = byId.get(id)?.layer;
        return isLayer(l) ? l : undefined;
      },
    });
  }
}
