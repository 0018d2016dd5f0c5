import type { DataSource, EntityManager } from 'typeorm';
import type { PowerEvent } from '@app/domain';
import { PduEntity, PowerEventEntity, RawEventEntity, UpsEntity } from '@app/persistence';
import type { EventOp, IngestRecord, PowerEventSink, TopologyDevice, TopologyLookup } from './ports';
import { PreserializedJson, TopologyIndex } from './ports';

const quote = (path: string) =>
  path
    .split('.')
    .map((p) => `"${p.replace(/"/g, '""')}"`)
    .join('.');

/**
 * PostgreSQL sink: one transaction per batch; raw_events rows go in with one multi-row INSERT (unnest),
 * power_events operations follow in order, with runs of repeats on one open event folded into one UPDATE.
 */
export class PgPowerEventSink implements PowerEventSink {
  private readonly raw: string;
  private readonly events: string;

  constructor(private readonly ds: DataSource) {
    this.raw = quote(ds.getMetadata(RawEventEntity).tablePath);
    this.events = quote(ds.getMetadata(PowerEventEntity).tablePath);
  }

  /** Pass to PowerIngest as `preserialize: true`: this sink stores payloads as JSON. */
  readonly storesJson = true;

  /** The open incidents, for PowerIngest.resume() at start-up. */
  async openEvents(): Promise<{ id: string; dedupKey: string; event: PowerEvent }[]> {
    const rows: Record<string, unknown>[] = await this.ds.query(
      `SELECT id, dedup_key, kind, source, device, device_kind, occurred_at, runtime_seconds, seconds_on_battery, load_percent, detail
       FROM ${this.events} WHERE status = 'open' ORDER BY opened_at`,
    );
    return rows.map((r) => {
      const event: PowerEvent = {
        kind: r.kind as PowerEvent['kind'],
        source: r.source as PowerEvent['source'],
        device: r.device as string,
        deviceKind: r.device_kind as PowerEvent['deviceKind'],
        occurredAt: new Date(r.occurred_at as string).toISOString(),
        detail: r.detail as string,
        raw: null,
      };
      if (r.runtime_seconds !== null) event.runtimeSeconds = Number(r.runtime_seconds);
      if (r.seconds_on_battery !== null) event.secondsOnBattery = Number(r.seconds_on_battery);
      if (r.load_percent !== null) event.loadPercent = Number(r.load_percent);
      return { id: r.id as string, dedupKey: r.dedup_key as string, event };
    });
  }

  async write(batch: readonly IngestRecord[]): Promise<void> {
    await this.ds.transaction(async (m) => {
      const raws = batch.flatMap((r) => (r.raw ? [r.raw] : []));
      if (raws.length) {
        // One JSON document for the whole batch: cheaper to build and send than seven escaped text arrays.
        await m.query(
          `INSERT INTO ${this.raw} (id, source, remote_address, payload, outcome, reason, received_at)
           SELECT id, source, remote_address, payload, outcome, reason, received_at
           FROM json_to_recordset($1::json)
             AS x(id uuid, source text, remote_address text, payload jsonb, outcome text, reason text, received_at timestamptz)`,
          [
            '[' +
              raws
                .map((r) => {
                  const payload =
                    r.payload instanceof PreserializedJson
                      ? r.payload.json
                      : JSON.stringify(r.payload ?? null);
                  const head = JSON.stringify({
                    id: r.id,
                    source: r.source,
                    remote_address: r.remoteAddress,
                    outcome: r.outcome,
                    reason: r.reason,
                    received_at: r.receivedAt,
                  });
                  return `${head.slice(0, -1)},"payload":${payload}}`;
                })
                .join(',') +
              ']',
          ],
        );
      }
      await this.applyOps(
        m,
        batch.flatMap((r) => r.ops),
      );
    });
  }

  private async applyOps(m: EntityManager, ops: EventOp[]): Promise<void> {
    const touches = new Map<string, { count: number; facts?: PowerEvent }>();
    const flushTouch = async (key: string) => {
      const t = touches.get(key);
      if (!t) return;
      touches.delete(key);
      if (t.facts)
        await m.query(
          `UPDATE ${this.events} SET repeat_count = repeat_count + $2, kind = $3, runtime_seconds = $4,
             seconds_on_battery = $5, load_percent = $6, detail = $7, updated_at = now()
           WHERE dedup_key = $1 AND status = 'open'`,
          [
            key,
            t.count,
            t.facts.kind,
            t.facts.runtimeSeconds ?? null,
            t.facts.secondsOnBattery ?? null,
            t.facts.loadPercent ?? null,
            t.facts.detail,
          ],
        );
      else
        await m.query(
          `UPDATE ${this.events} SET repeat_count = repeat_count + $2, updated_at = now() WHERE dedup_key = $1 AND status = 'open'`,
          [key, t.count],
        );
    };
    for (const op of ops) {
      if (op.op === 'touch') {
        const t = touches.get(op.dedupKey) ?? { count: 0 };
        t.count++;
        if (op.facts) t.facts = op.event;
        touches.set(op.dedupKey, t);
        continue;
      }
      await flushTouch(op.dedupKey);
      if (op.op === 'close') {
        await m.query(
          `UPDATE ${this.events} SET status = 'closed', closed_at = $2, updated_at = now() WHERE dedup_key = $1 AND status = 'open'`,
          [op.dedupKey, op.closedAt],
        );
      } else {
        const e = op.event;
        await m.query(
          `INSERT INTO ${this.events} (id, raw_event_id, kind, source, device, device_kind, dedup_key, status, occurred_at,
             runtime_seconds, seconds_on_battery, load_percent, detail, raw, closed_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
          [
            op.id,
            op.rawEventId,
            e.kind,
            e.source,
            e.device,
            e.deviceKind,
            op.dedupKey,
            op.status,
            e.occurredAt,
            e.runtimeSeconds ?? null,
            e.secondsOnBattery ?? null,
            e.loadPercent ?? null,
            e.detail,
            JSON.stringify(e.raw ?? null),
            op.status === 'closed' ? e.occurredAt : null,
          ],
        );
      }
    }
    for (const key of [...touches.keys()]) await flushTouch(key);
  }
}

/**
 * The stored power topology (ups, pdus) as a lookup, reloaded every `refreshMs` so that operator edits
 * through the API reach a running receiver without a restart. Lookups never wait on the database.
 */
export class PgTopologyLookup implements TopologyLookup {
  private index = new TopologyIndex([]);
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly ds: DataSource,
    // Two small tables: cheap to re-read, and an operator's topology edit is in effect within seconds.
    private readonly refreshMs = 5_000,
  ) {}

  async refresh(): Promise<number> {
    const [ups, pdus] = await Promise.all([
      this.ds.getRepository(UpsEntity).find(),
      this.ds.getRepository(PduEntity).find(),
    ]);
    const devices: TopologyDevice[] = [
      ...ups.map((u) => ({
        id: u.id,
        kind: 'ups' as const,
        address: u.address,
        sysName: u.sysName ?? u.name,
        serial: u.serial,
      })),
      ...pdus.map((p) => ({
        id: p.id,
        kind: 'pdu' as const,
        address: p.address,
        sysName: p.sysName,
        serial: p.serial,
      })),
    ];
    this.index = new TopologyIndex(devices);
    return devices.length;
  }

  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh().catch(() => undefined), this.refreshMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  find(q: { address?: string; sysName?: string; serial?: string }): TopologyDevice | undefined {
    return this.index.find(q);
  }
}
