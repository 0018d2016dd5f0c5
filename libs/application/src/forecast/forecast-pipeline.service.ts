import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { DataSource, In, MoreThanOrEqual } from 'typeorm';
import { scheduleFor, type DeviceKind, type TrainingResult, type WorkWindow } from '@app/domain';
import {
  cleanSeries,
  ComponentModel,
  evaluateTrigger,
  holdoutSummary,
  hostFeedPower,
  INITIAL_TRIGGER_STATE,
  rollUp,
  rollUpBy,
  seriesCeiling,
  type CapacityTarget,
  type ComponentModelJSON,
  type Metric,
  type SeriesForecast,
  type TriggerMetric,
  type TriggerParams,
  type TriggerState,
} from '@app/forecast';
import {
  ComponentEntity,
  ForecastEntity,
  ForecastModelEntity,
  HostEntity,
  HostFeedEntity,
  MetricSampleEntity,
  PduEntity,
  PowerEventEntity,
  SyncStateEntity,
  UpsEntity,
  WorkWindowEntity,
} from '@app/persistence';
import type { AppConfig } from '../platform/config';
import { APP_CONFIG } from '../platform/tokens';

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
  opened: { device: string; deviceKind: DeviceKind; powerEventId: string; explanation: string }[];
}

/** One watched target with its forecasts, for the trigger. */
interface Watched {
  target: CapacityTarget;
  forecasts: Partial<Record<TriggerMetric, SeriesForecast>>;
}

/**
 * Training and forecasting on stored perf samples (metric_samples, entity = component id, metric = cpuMhz|memMb):
 * models per component and metric, forecasts per component rolled up per layer, host and cluster, and the proactive
 * trigger per host, cluster, PDU and UPS (watts from the hosts' CPU forecasts, power-forecast.ts), whose state
 * survives restarts in sync_state. A component with too little history gets a
 * baseline forecast that says so (method `fallback:...`).
 */
@Injectable()
export class ForecastPipelineService {
  private readonly log = new Logger(ForecastPipelineService.name);
  /** the trigger's parameters: DEFAULT_TRIGGER with the configured overrides (LAYERSHIFT_FORECAST_TRIGGER) */
  private readonly triggerParams: Partial<TriggerParams>;
  /** and per target, by stream (LAYERSHIFT_FORECAST_TRIGGER_TARGETS) */
  private readonly targetTriggerParams: Record<string, Partial<TriggerParams>>;

  constructor(
    private readonly dataSource: DataSource,
    @Optional()
    @Inject(APP_CONFIG)
    config?: Partial<Pick<AppConfig, 'forecastTrigger' | 'forecastTriggerTargets'>>,
  ) {
    this.triggerParams = config?.forecastTrigger ?? {};
    this.targetTriggerParams = config?.forecastTriggerTargets ?? {};
  }

  private async samples(entityId: string, metric: Metric, since: Date) {
    const rows = await this.dataSource.getRepository(MetricSampleEntity).find({
      where: { entityId, metric, ts: MoreThanOrEqual(since) },
      order: { ts: 'ASC' },
    });
    return rows.map((r) => ({ t: r.ts.getTime() / 1000, v: r.value }));
  }

  /**
   * Trains one model per component and metric on the last TRAIN_DAYS. Incremental: a component and metric with no
   * sample since its latest model's window ended keeps that model (the same samples give the same model), unless
   * `force`. `components` limits it to those ids (training on demand); default all.
   */
  async train(
    now = new Date(),
    options: { components?: readonly string[]; force?: boolean } = {},
  ): Promise<TrainingResult> {
    const since = new Date(now.getTime() - TRAIN_DAYS * 86400_000);
    const components = await this.dataSource.getRepository(ComponentEntity).find({
      select: ['id', 'hostId', 'layer'],
      where: options.components ? { id: In([...options.components]) } : {},
    });
    // the schedule feature looks up to a day past the training window's end
    const scheduleOf = scheduleFor(
      await this.workWindows(),
      since.getTime() / 1000,
      now.getTime() / 1000 + 2 * 86400,
    );
    const latest = options.force ? new Map<string, ForecastModelEntity>() : await this.latestModels();
    // the windows are a feature: a model trained before they were last edited is retrained whatever its samples
    const windowsEditedAt = await this.workWindowsEditedAt();
    let models = 0;
    let fallbacks = 0;
    let unchanged = 0;
    for (const c of components)
      for (const metric of FORECAST_METRICS) {
        const model = latest.get(`${c.id}|${metric}`);
        if (
          model &&
          (windowsEditedAt === undefined || model.createdAt.getTime() > windowsEditedAt.getTime())
        ) {
          const last = await this.lastSampleAt(c.id, metric);
          if (last && last.getTime() < model.trainedTo.getTime()) {
            unchanged++;
            continue;
          }
        }
        const raw = await this.samples(c.id, metric, since);
        if (raw.length === 0) continue;
        const series = cleanSeries(raw);
        const schedule = scheduleOf(c);
        const trained = ComponentModel.train(series, { metric, schedule });
        if (trained.kind !== 'ridge') fallbacks++;
        await this.dataSource.getRepository(ForecastModelEntity).insert({
          scope: 'component',
          key: c.id,
          metric,
          horizonSeconds: 0,
          trainedFrom: new Date(series.start * 1000),
          trainedTo: new Date((series.start + series.values.length * series.stepSeconds) * 1000),
          model: trained.toJSON(),
          error: { kind: trained.kind, cleaning: series.report, holdout: holdoutSummary(trained.toJSON()) },
        });
        models++;
      }
    this.log.log(
      `trained ${models} models (${fallbacks} on a baseline: too little history; ${unchanged} unchanged since their last training)`,
    );
    return { components: components.length, models, fallbacks, unchanged };
  }

  /** The operator's windows of anticipated work (PUT /api/v1/work-windows), a feature of every model. */
  private async workWindows(): Promise<WorkWindow[]> {
    const rows = await this.dataSource.getRepository(WorkWindowEntity).find();
    return rows.map((r) => r.spec as WorkWindow);
  }

  /** When the windows were last replaced (the audit log keeps it, an emptied list included). */
  private async workWindowsEditedAt(): Promise<Date | undefined> {
    const [row]: { at: Date | null }[] = await this.dataSource.query(
      // by subject, which audit_log is indexed on
      `SELECT max(at) AS at FROM audit_log WHERE subject_type = 'work-windows' AND subject_id = 'all'`,
    );
    return row?.at ? new Date(row.at) : undefined;
  }

  /**
   * The newest sample of one component and metric: a backward scan of the primary key (entity, metric, ts), one
   * row read however long the history (a grouped max over every sample would read them all).
   */
  private async lastSampleAt(entityId: string, metric: Metric): Promise<Date | undefined> {
    const [row]: { ts: Date }[] = await this.dataSource.query(
      `SELECT ts FROM metric_samples WHERE entity_id = $1 AND metric = $2 ORDER BY ts DESC LIMIT 1`,
      [entityId, metric],
    );
    return row ? new Date(row.ts) : undefined;
  }

  /** The newest model per component and metric, keyed `component|metric`. */
  async latestModels(): Promise<Map<string, ForecastModelEntity>> {
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

  /** Forecasts every modelled component, stores component, layer, host and cluster forecasts, runs the trigger. */
  async forecast(now = new Date()): Promise<ForecastRunResult> {
    const models = await this.latestModels();
    const components = await this.dataSource.getRepository(ComponentEntity).find();
    const since = new Date(now.getTime() - HISTORY_DAYS * 86400_000);
    const scheduleOf = scheduleFor(
      await this.workWindows(),
      since.getTime() / 1000,
      now.getTime() / 1000 + 2 * 86400,
    );
    const byComponent = new Map<string, Partial<Record<Metric, SeriesForecast>>>();
    let fallbacks = 0;
    for (const c of components)
      for (const metric of FORECAST_METRICS) {
        const m = models.get(`${c.id}|${metric}`);
        if (!m) continue;
        const history = cleanSeries(await this.samples(c.id, metric, since));
        const schedule = scheduleOf(c);
        // a VM cannot use more than its configured size (vCPUs x core MHz, memory): the forecast's points and
        // bounds stop there, and the trigger never extrapolates above it
        const ceiling = seriesCeiling(metric, metric === 'cpuMhz' ? c.cpuMhz : c.memMb);
        const f = ComponentModel.fromJSON(m.model as ComponentModelJSON).forecast(history, {
          schedule,
          ceiling,
        });
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
          expected: h.expected ?? null,
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
    const hosts = await this.dataSource.getRepository(HostEntity).find();
    const clusterOf = new Map(hosts.map((h) => [h.id, h.clusterId ?? undefined]));
    const byHost = new Map<string, Partial<Record<Metric, SeriesForecast>>>();
    const byCluster = new Map<string, Partial<Record<Metric, SeriesForecast>>>();
    for (const metric of FORECAST_METRICS) {
      const of = (c: ComponentEntity) => byComponent.get(c.id)?.[metric];
      for (const [layer, f] of rollUpBy(modelled, (c) => c.layer, of)) push('layer', layer, f, null);
      for (const [host, f] of rollUpBy(modelled, (c) => c.hostId ?? undefined, of)) {
        push('host', host, f, null);
        byHost.set(host, { ...byHost.get(host), [metric]: f });
      }
      const clusterOfComponent = (c: ComponentEntity) => (c.hostId ? clusterOf.get(c.hostId) : undefined);
      for (const [cluster, f] of rollUpBy(modelled, clusterOfComponent, of)) {
        push('cluster', cluster, f, null);
        byCluster.set(cluster, { ...byCluster.get(cluster), [metric]: f });
      }
    }
    for (let i = 0; i < rows.length; i += 1000)
      await this.dataSource.getRepository(ForecastEntity).insert(rows.slice(i, i + 1000));

    const watched = [
      ...this.hostTargets(hosts, byHost),
      ...this.clusterTargets(hosts, byCluster),
      ...(await this.powerTargets(hosts, byHost)),
    ];
    const opened = await this.runTrigger(watched, now);
    return { components: byComponent.size, forecasts: rows.length, fallbacks, opened };
  }

  private hostTargets(
    hosts: HostEntity[],
    byHost: Map<string, Partial<Record<Metric, SeriesForecast>>>,
  ): Watched[] {
    return hosts
      .filter((h) => byHost.has(h.id))
      .map((h) => ({
        target: {
          id: h.id,
          deviceKind: 'host',
          capacity: { cpuMhz: h.cpuMhz, memMb: h.memMb },
          safeUtilization: SAFE_UTILIZATION,
        },
        forecasts: byHost.get(h.id)!,
      }));
  }

  /** A cluster's capacity: its hosts that can run VMs (connected, not in maintenance). */
  private clusterTargets(
    hosts: HostEntity[],
    byCluster: Map<string, Partial<Record<Metric, SeriesForecast>>>,
  ): Watched[] {
    return [...byCluster].map(([id, forecasts]) => {
      const usable = hosts.filter((h) => h.clusterId === id && h.connected && !h.maintenance);
      return {
        target: {
          id,
          deviceKind: 'cluster',
          capacity: {
            cpuMhz: usable.reduce((a, h) => a + h.cpuMhz, 0),
            memMb: usable.reduce((a, h) => a + h.memMb, 0),
          },
          safeUtilization: SAFE_UTILIZATION,
        },
        forecasts,
      };
    });
  }

  /**
   * PDUs and UPSes against their budgets: each running host's draw (idle + per-MHz share of its CPU forecast,
   * split over its feeds; a host in maintenance is in standby and draws nothing) summed per PDU, PDUs per UPS.
   */
  private async powerTargets(
    hosts: HostEntity[],
    byHost: Map<string, Partial<Record<Metric, SeriesForecast>>>,
  ): Promise<Watched[]> {
    const feeds = await this.dataSource.getRepository(HostFeedEntity).find();
    const pdus = await this.dataSource.getRepository(PduEntity).find();
    const upses = await this.dataSource.getRepository(UpsEntity).find();
    // a constant draw still needs the forecast's shape (horizons): borrow any host's CPU forecast
    const like = [...byHost.values()].find((f) => f.cpuMhz)?.cpuMhz;
    if (!like || feeds.length === 0) return [];
    const hostById = new Map(hosts.map((h) => [h.id, h]));
    const feedCount = new Map<string, number>();
    for (const f of feeds) feedCount.set(f.hostId, (feedCount.get(f.hostId) ?? 0) + 1);
    const byPdu = new Map<string, SeriesForecast[]>();
    for (const f of feeds) {
      const h = hostById.get(f.hostId);
      if (!h || h.maintenance) continue;
      const share = hostFeedPower({ ...h, feeds: feedCount.get(h.id) ?? 1 }, byHost.get(h.id)?.cpuMhz, like);
      const onPdu = byPdu.get(f.pduId);
      if (onPdu) onPdu.push(share);
      else byPdu.set(f.pduId, [share]);
    }
    const watched: Watched[] = [];
    const pduPower = new Map<string, SeriesForecast>();
    for (const p of pdus) {
      const f = rollUp(byPdu.get(p.id) ?? []);
      if (!f) continue;
      pduPower.set(p.id, f);
      watched.push({ target: this.powerTarget(p.id, 'pdu', p.capacityW), forecasts: { powerW: f } });
    }
    for (const u of upses) {
      const f = rollUp(pdus.filter((p) => p.upsId === u.id).flatMap((p) => pduPower.get(p.id) ?? []));
      if (f) watched.push({ target: this.powerTarget(u.id, 'ups', u.capacityW), forecasts: { powerW: f } });
    }
    return watched;
  }

  private powerTarget(id: string, deviceKind: DeviceKind, capacityW: number): CapacityTarget {
    return { id, deviceKind, capacity: { powerW: capacityW }, safeUtilization: SAFE_UTILIZATION };
  }

  private async runTrigger(watched: Watched[], now: Date) {
    const states = this.dataSource.getRepository(SyncStateEntity);
    const events = this.dataSource.getRepository(PowerEventEntity);
    const opened: ForecastRunResult['opened'] = [];
    for (const { target, forecasts } of watched) {
      // host streams keep their bare id (states stored before clusters and power domains were watched)
      const stream = target.deviceKind === 'host' ? target.id : `${target.deviceKind}:${target.id}`;
      const stored = await states.findOneBy({ vcenter: 'forecast-trigger', stream });
      const state = stored ? (JSON.parse(stored.version) as TriggerState) : INITIAL_TRIGGER_STATE;
      const params = { ...this.triggerParams, ...this.targetTriggerParams[stream] };
      const decision = evaluateTrigger(target, forecasts, now.getTime() / 1000, state, params);
      this.log.debug(`trigger ${decision.action}: ${decision.explanation}`);
      await states.save({ vcenter: 'forecast-trigger', stream, version: JSON.stringify(decision.state) });
      const dedupKey = `forecast:${stream}`;
      if (decision.action === 'open' && decision.event) {
        const row = await events.save(
          events.create({
            kind: 'forecast_shortage',
            source: 'forecast',
            device: target.id,
            deviceKind: target.deviceKind,
            dedupKey,
            status: 'open',
            occurredAt: now,
            detail: decision.explanation,
            raw: decision.event,
          }),
        );
        opened.push({
          device: target.id,
          deviceKind: target.deviceKind,
          powerEventId: row.id,
          explanation: decision.explanation,
        });
      } else if (decision.action === 'close')
        await events.update({ dedupKey, status: 'open' }, { status: 'closed', closedAt: now });
    }
    return opened;
  }
}
