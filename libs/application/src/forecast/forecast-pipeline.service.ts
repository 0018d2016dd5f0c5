import { Injectable, Logger } from '@nestjs/common';
import { DataSource, In, MoreThanOrEqual } from 'typeorm';
import {
  cleanSeries,
  ComponentModel,
  evaluateTrigger,
  seriesCeiling,
  INITIAL_TRIGGER_STATE,
  rollUpBy,
  type ComponentModelJSON,
  type Metric,
  type SeriesForecast,
  type TriggerState,
} from '@app/forecast';
import {
  ComponentEntity,
  ForecastEntity,
  ForecastModelEntity,
  HostEntity,
  MetricSampleEntity,
  PowerEventEntity,
  SyncStateEntity,
} from '@app/persistence';

export const FORECAST_METRICS: readonly Metric[] = ['cpuMhz', 'memMb'];
/** Days of samples a model is trained on, and the history a forecast reads (weekly lags need 8 days). */
const TRAIN_DAYS = 35;
const HISTORY_DAYS = 8;
/** The planner never fills a host above this share; the trigger watches the same line. */
const SAFE_UTILIZATION = 0.9;

export interface ForecastRunResult {
  components: number;
  forecasts: number;
  fallbacks: number;
  opened: { host: string; powerEventId: string; explanation: string }[];
}

/**
 * Training and forecasting on stored perf samples (metric_samples, entity = component id, metric = cpuMhz|memMb):
 * models per component and metric, forecasts per component rolled up per layer and host, and the proactive
 * trigger per host, whose state survives restarts in sync_state. A component with too little history gets a
 * baseline forecast that says so (method `fallback:...`).
 */
@Injectable()
export class ForecastPipelineService {
  private readonly log = new Logger(ForecastPipelineService.name);
  constructor(private readonly dataSource: DataSource) {}

  private async samples(entityId: string, metric: Metric, since: Date) {
    const rows = await this.dataSource.getRepository(MetricSampleEntity).find({
      where: { entityId, metric, ts: MoreThanOrEqual(since) },
      order: { ts: 'ASC' },
    });
    return rows.map((r) => ({ t: r.ts.getTime() / 1000, v: r.value }));
  }

  /** Trains one model per component and metric on the last TRAIN_DAYS; returns how many were stored. */
  async train(now = new Date()): Promise<{ models: number; fallbacks: number }> {
    const since = new Date(now.getTime() - TRAIN_DAYS * 86400_000);
    const components = await this.dataSource.getRepository(ComponentEntity).find({ select: ['id'] });
    let models = 0;
    let fallbacks = 0;
    for (const c of components)
      for (const metric of FORECAST_METRICS) {
        const raw = await this.samples(c.id, metric, since);
        if (raw.length === 0) continue;
        const series = cleanSeries(raw);
        const model = ComponentModel.train(series, { metric });
        if (model.kind !== 'ridge') fallbacks++;
        await this.dataSource.getRepository(ForecastModelEntity).insert({
          scope: 'component',
          key: c.id,
          metric,
          horizonSeconds: 0,
          trainedFrom: new Date(series.start * 1000),
          trainedTo: new Date((series.start + series.values.length * series.stepSeconds) * 1000),
          model: model.toJSON(),
          error: { kind: model.kind, cleaning: series.report },
        });
        models++;
      }
    this.log.log(`trained ${models} models (${fallbacks} on a baseline: too little history)`);
    return { models, fallbacks };
  }

  private async latestModels(): Promise<Map<string, ForecastModelEntity>> {
    const rows: ForecastModelEntity[] = await this.dataSource
      .getRepository(ForecastModelEntity)
      .createQueryBuilder('m')
      .distinctOn(['m.key', 'm.metric'])
      .where('m.scope = :scope', { scope: 'component' })
      .orderBy('m.key')
      .addOrderBy('m.metric')
      .addOrderBy('m.created_at', 'DESC')
      .getMany();
    return new Map(rows.map((r) => [`${r.key}|${r.metric}`, r]));
  }

  /** Forecasts every modelled component, stores component, layer and host forecasts, and runs the trigger. */
  async forecast(now = new Date()): Promise<ForecastRunResult> {
    const models = await this.latestModels();
    const components = await this.dataSource.getRepository(ComponentEntity).find();
    const since = new Date(now.getTime() - HISTORY_DAYS * 86400_000);
    const byComponent = new Map<string, Partial<Record<Metric, SeriesForecast>>>();
    let fallbacks = 0;
    for (const c of components)
      for (const metric of FORECAST_METRICS) {
        const m = models.get(`${c.id}|${metric}`);
        if (!m) continue;
        const history = cleanSeries(await this.samples(c.id, metric, since));
        const f = ComponentModel.fromJSON(m.model as ComponentModelJSON).forecast(history);
        // the trigger never extrapolates a VM above its configured size (vCPUs x core MHz, memory)
        f.ceiling = seriesCeiling(metric, metric === 'cpuMhz' ? c.cpuMhz : c.memMb);
        if (f.fallback) fallbacks++;
        byComponent.set(c.id, { ...byComponent.get(c.id), [metric]: f });
      }

    const rows: Partial<ForecastEntity>[] = [];
    const push = (scope: string, key: string, f: SeriesForecast, modelId: string | null) => {
      for (const h of f.horizons)
        rows.push({
          scope,
          key,
          metric: f.metric,
          horizonSeconds: h.horizonSeconds,
          issuedAt: now,
          targetAt: new Date(h.at * 1000),
          point: h.point,
          lower: h.lower,
          upper: h.upper,
          modelId,
          method: f.fallback ? `fallback:${f.fallback.kind}` : 'model',
        });
    };
    for (const [id, fs] of byComponent)
      for (const metric of FORECAST_METRICS) {
        const f = fs[metric];
        if (f) push('component', id, f, models.get(`${id}|${metric}`)?.id ?? null);
      }
    const modelled = components.filter((c) => byComponent.has(c.id));
    const byHost = new Map<string, Map<string, SeriesForecast>>();
    for (const metric of FORECAST_METRICS) {
      const of = (c: ComponentEntity) => byComponent.get(c.id)?.[metric];
      for (const [layer, f] of rollUpBy(modelled, (c) => c.layer, of)) push('layer', layer, f, null);
      const hosts = rollUpBy(modelled, (c) => c.hostId ?? undefined, of);
      for (const [host, f] of hosts) {
        push('host', host, f, null);
        byHost.set(host, (byHost.get(host) ?? new Map<string, SeriesForecast>()).set(metric, f));
      }
    }
    for (let i = 0; i < rows.length; i += 1000)
      await this.dataSource.getRepository(ForecastEntity).insert(rows.slice(i, i + 1000));

    const opened = await this.runTrigger(byHost, now);
    return { components: byComponent.size, forecasts: rows.length, fallbacks, opened };
  }

  private async runTrigger(byHost: Map<string, Map<string, SeriesForecast>>, now: Date) {
    const hosts = await this.dataSource.getRepository(HostEntity).findBy({ id: In([...byHost.keys()]) });
    const states = this.dataSource.getRepository(SyncStateEntity);
    const opened: ForecastRunResult['opened'] = [];
    for (const h of hosts) {
      const fs = byHost.get(h.id)!;
      const stored = await states.findOneBy({ vcenter: 'forecast-trigger', stream: h.id });
      const state = stored ? (JSON.parse(stored.version) as TriggerState) : INITIAL_TRIGGER_STATE;
      const decision = evaluateTrigger(
        {
          id: h.id,
          deviceKind: 'host',
          capacity: { cpuMhz: h.cpuMhz, memMb: h.memMb },
          safeUtilization: SAFE_UTILIZATION,
        },
        { cpuMhz: fs.get('cpuMhz'), memMb: fs.get('memMb') },
        now.getTime() / 1000,
        state,
      );
      this.log.debug(`trigger ${decision.action}: ${decision.explanation}`);
      await states.save({
        vcenter: 'forecast-trigger',
        stream: h.id,
        version: JSON.stringify(decision.state),
      });
      if (decision.action === 'open' && decision.event) {
        const e = decision.event;
        const row = await this.dataSource.getRepository(PowerEventEntity).save(
          this.dataSource.getRepository(PowerEventEntity).create({
            kind: 'forecast_shortage',
            source: 'forecast',
            device: h.id,
            deviceKind: 'host',
            dedupKey: `forecast:${h.id}`,
            status: 'open',
            occurredAt: now,
            detail: decision.explanation,
            raw: e,
          }),
        );
        opened.push({ host: h.id, powerEventId: row.id, explanation: decision.explanation });
      } else if (decision.action === 'close')
        await this.dataSource
          .getRepository(PowerEventEntity)
          .update({ dedupKey: `forecast:${h.id}`, status: 'open' }, { status: 'closed', closedAt: now });
    }
    return opened;
  }
}
