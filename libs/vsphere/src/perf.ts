import type { VimClient } from './client';
import { VsphereError } from './errors';
import { retrieveOne } from './property-collector';
import {
  asArray,
  decodeValue,
  el,
  isMoRef,
  num,
  refEl,
  textEl,
  type DataObject,
  type MoRef,
  str,
} from './xml';

export interface PerfCounter {
  key: number;
  /** group.name.rollup, e.g. cpu.usage.average */
  name: string;
  unit: string;
  statsType: string;
  level?: number;
}

/** The metrics the forecaster is trained on. */
export const FORECAST_COUNTERS = ['cpu.usage.average', 'mem.consumed.average'] as const;
export type ForecastCounter = (typeof FORECAST_COUNTERS)[number];

export interface PerfSample {
  entity: string;
  entityType: string;
  counter: string;
  instance: string;
  /** ISO-8601 end of the sample interval. */
  timestamp: string;
  intervalSeconds: number;
  /** The raw vCenter value (cpu.usage: hundredths of a percent; mem.consumed: KB). */
  raw: number;
  /** Normalised: cpu.usage.average as percent, mem.consumed.average as MB; other counters raw. */
  value: number;
  unit: string;
}

/** Reads PerformanceManager.perfCounter (the ids differ between vCenters: never hard-code them). */
export async function perfCounters(client: VimClient): Promise<PerfCounter[]> {
  const pm = client.serviceContent.perfManager;
  if (!pm) throw new VsphereError(client.vcenter, 'this endpoint has no PerformanceManager');
  const p = await retrieveOne(client, pm, ['perfCounter']);
  return asArray(p.perfCounter as DataObject[] | undefined).map((c) => {
    const key = (o: unknown) => str((o as DataObject | undefined)?.key);
    return {
      key: num(c.key) ?? -1,
      name: `${key(c.groupInfo)}.${key(c.nameInfo)}.${str(c.rollupType, '')}`,
      unit: key(c.unitInfo),
      statsType: str(c.statsType, ''),
      level: num(c.level),
    };
  });
}

export interface PerfProviderSummary {
  entity: string;
  currentSupported: boolean;
  summarySupported: boolean;
  refreshRate: number;
}

export async function queryPerfProviderSummary(
  client: VimClient,
  entity: MoRef,
): Promise<PerfProviderSummary> {
  const v = (await client.callValue(
    'QueryPerfProviderSummary',
    client.serviceContent.perfManager!,
    refEl('entity', entity),
  )) as DataObject;
  return {
    entity: entity.value,
    currentSupported: v.currentSupported === 'true' || v.currentSupported === true,
    summarySupported: v.summarySupported === 'true' || v.summarySupported === true,
    refreshRate: num(v.refreshRate) ?? -1,
  };
}

function normalise(counter: string, raw: number): { value: number; unit: string } {
  if (counter === 'cpu.usage.average') return { value: raw / 100, unit: 'percent' };
  if (counter === 'mem.consumed.average') return { value: raw / 1024, unit: 'MB' };
  return { value: raw, unit: 'raw' };
}

export interface QueryPerfOptions {
  counters?: readonly string[];
  /** Always sent: vCenter otherwise returns everything it has. Default 12 (one hour of 5-minute samples). */
  maxSample?: number;
  /** 20 = real-time; 300 = 5-minute historical. Default: real-time for hosts/VMs. */
  intervalId?: number;
  startTime?: Date;
  endTime?: Date;
  /** Known counters (from perfCounters()) to avoid re-reading them. */
  known?: PerfCounter[];
}

/** PerformanceManager.QueryPerf for several entities at once, returned as flat samples. */
export async function queryPerf(
  client: VimClient,
  entities: MoRef[],
  opts: QueryPerfOptions = {},
): Promise<PerfSample[]> {
  if (entities.length === 0) return [];
  const wanted = opts.counters ?? FORECAST_COUNTERS;
  const known = opts.known ?? (await perfCounters(client));
  const byName = new Map(known.map((c) => [c.name, c]));
  const byKey = new Map(known.map((c) => [c.key, c]));
  const ids = wanted.map((w) => {
    // 'mem.consumed' (group.name without rollup) means its average rollup, as vSphere's own docs write it.
    const c = byName.get(w) ?? byName.get(`${w}.average`);
    if (!c) throw new VsphereError(client.vcenter, `perf counter ${w} is not offered by this vCenter`);
    return c.key;
  });
  const maxSample = opts.maxSample ?? 12;
  const specs = entities
    .map((e) =>
      el(
        'querySpec',
        refEl('entity', e) +
          textEl('startTime', opts.startTime?.toISOString()) +
          textEl('endTime', opts.endTime?.toISOString()) +
          textEl('maxSample', maxSample) +
          ids.map((id) => el('metricId', textEl('counterId', id) + textEl('instance', ''))).join('') +
          textEl('intervalId', opts.intervalId ?? 20) +
          textEl('format', 'normal'),
      ),
    )
    .join('');
  const res = await client.call('QueryPerf', client.serviceContent.perfManager!, specs);
  const out: PerfSample[] = [];
  for (const rv of res.children.filter((c) => c.name === 'returnval')) {
    const m = decodeValue(rv) as DataObject;
    const entity = isMoRef(m.entity) ? m.entity : { type: '', value: '' };
    const infos = asArray(m.sampleInfo as DataObject | DataObject[] | undefined);
    for (const series of asArray(m.value as DataObject | DataObject[] | undefined)) {
      const id = series.id as DataObject;
      const counter = byKey.get(num(id?.counterId) ?? -1);
      const values = asArray(series.value).map((v) => num(v) ?? NaN);
      values.forEach((raw, i) => {
        const info = infos[i];
        if (!info || !Number.isFinite(raw) || raw < 0) return; // -1 = no data for that interval
        const n = normalise(counter?.name ?? '', raw);
        out.push({
          entity: entity.value,
          entityType: entity.type,
          counter: counter?.name ?? String(id?.counterId),
          instance: str(id?.instance),
          timestamp: String(info.timestamp),
          intervalSeconds: num(info.interval) ?? 0,
          raw,
          ...n,
        });
      });
    }
  }
  return out;
}
