import { Counter, Gauge, type Registry, register as defaultRegistry } from 'prom-client';

export type IngestOutcome = 'accepted' | 'duplicate' | 'rejected' | 'unknown';

/**
 * Prometheus metrics of power ingest. One counter per source and outcome (reason set only for rejected):
 * `layershift_power_ingest_total{source="snmp-trap",outcome="rejected",reason="bad_community"}`.
 */
export class IngestMetrics {
  readonly ingested: Counter<'source' | 'outcome' | 'reason'>;
  readonly datagrams: Counter<'listener'>;
  readonly openIncidents: Gauge;

  constructor(registry: Registry = defaultRegistry) {
    this.ingested = reuse(
      registry,
      'layershift_power_ingest_total',
      () =>
        new Counter({
          name: 'layershift_power_ingest_total',
          help: 'Power inputs by source and outcome (accepted, duplicate, rejected with reason, unknown)',
          labelNames: ['source', 'outcome', 'reason'],
          registers: [registry],
        }),
    );
    this.datagrams = reuse(
      registry,
      'layershift_snmp_datagrams_total',
      () =>
        new Counter({
          name: 'layershift_snmp_datagrams_total',
          help: 'UDP datagrams read by the SNMP trap receiver',
          labelNames: ['listener'],
          registers: [registry],
        }),
    );
    this.openIncidents = reuse(
      registry,
      'layershift_power_open_incidents',
      () =>
        new Gauge({
          name: 'layershift_power_open_incidents',
          help: 'Open power incidents in this process',
          registers: [registry],
        }),
    );
  }

  private readonly children = new Map<string, { inc(): void }>();

  count(source: string, outcome: IngestOutcome, reason = ''): void {
    const r = outcome === 'rejected' ? reason : '';
    const key = `${source}|${outcome}|${r}`;
    let child = this.children.get(key);
    if (!child) {
      child = this.ingested.labels({ source, outcome, reason: r });
      this.children.set(key, child);
    }
    child.inc();
  }

  /** Current value of one series (tests, the `snmp listen` summary). */
  async value(source: string, outcome: IngestOutcome, reason = ''): Promise<number> {
    const m = await this.ingested.get();
    return m.values
      .filter(
        (v) =>
          v.labels.source === source &&
          v.labels.outcome === outcome &&
          (outcome !== 'rejected' || !reason || v.labels.reason === reason),
      )
      .reduce((a, v) => a + v.value, 0);
  }
}

function reuse<T>(registry: Registry, name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}
