import { randomUUID } from 'node:crypto';
import type { DeviceKind, PowerEvent, PowerEventSource } from '@app/domain';
import type { DecodedTrap } from './decoder';
import { TrapDecoder, describeDecoded } from './decoder';
import type { IngestLogger } from './logger';
import { RateLimitedLog, silentLogger } from './logger';
import { IngestMetrics } from './metrics';
import { PreserializedJson } from './ports';
import type {
  EventOp,
  IngestRecord,
  PowerEventSink,
  RawEventRecord,
  RawOutcome,
  TopologyLookup,
} from './ports';
import type { TrackerConfig, TrackerDecision } from './tracker';
import { DEFAULT_TRACKER_CONFIG, PowerEventTracker } from './tracker';
import type { ReceivedTrap } from './trap';

export interface IngestOptions {
  sink: PowerEventSink;
  topology?: TopologyLookup;
  metrics?: IngestMetrics;
  decoder?: TrapDecoder;
  tracker?: Partial<TrackerConfig>;
  clock?: () => number;
  logger?: IngestLogger;
  /** Batch writes: flush when this many are queued or after flushMs. */
  maxBatch?: number;
  flushMs?: number;
  /** Confirmation timer period; 0 disables the timer (tests call tick()). */
  tickMs?: number;
  /**
   * Inputs waiting for the sink beyond which new traps are refused (counted as rejected{reason="backlog"})
   * instead of growing memory without bound while storage is down or slow.
   */
  maxQueued?: number;
  /** Serialise raw payloads to JSON at intake (for sinks that store JSON, like PgPowerEventSink). */
  preserialize?: boolean;
}

export interface IngestResult {
  outcome: RawOutcome;
  reason?: string;
  rawId?: string;
  decoded?: DecodedTrap;
  event?: PowerEvent;
  /** What the tracker made of it (open, update, duplicate, pending, ...). */
  decision?: TrackerDecision['action'];
  incident?: string;
  /** The open incident's power_events row, when there is one. */
  powerEventId?: string;
}

/**
 * A decision that changed power_events, once durable. `powerEventId` is the power_events row to act on (the
 * open incident's row for open/update, the new row for close/pass); `revision` counts that row's updates, so
 * a queue job id `${powerEventId}-${revision}` runs once per new fact.
 */
export type PersistedDecision = TrackerDecision & {
  rawEventId: string | null;
  powerEventId: string;
  revision: number;
};

interface Queued {
  record: IngestRecord;
  done: () => void;
  fail: (e: unknown) => void;
}

/**
 * The ingest pipeline shared by the trap receiver, the poller and the alarm-action endpoint:
 * decode -> topology -> dedupe/debounce -> persist (raw and event, batched, in order) -> notify.
 * Listeners hear of an event only after the sink has made it durable.
 */
export class PowerIngest {
  readonly metrics: IngestMetrics;
  readonly decoder: TrapDecoder;
  readonly tracker: PowerEventTracker;
  private readonly sink: PowerEventSink;
  private readonly topology?: TopologyLookup;
  private readonly clock: () => number;
  private readonly log: IngestLogger;
  private readonly rejectLog: RateLimitedLog;
  private readonly maxBatch: number;
  private readonly flushMs: number;
  private readonly maxQueued: number;
  private readonly preserialize: boolean;
  private queued = 0;
  private readonly rawIdOf = new WeakMap<PowerEvent, string>();
  private readonly rowOf = new Map<TrackerDecision, { id: string; revision: number }>();
  private readonly incidentRows = new Map<string, { id: string; revision: number }>();
  private readonly listeners: ((d: PersistedDecision) => void)[] = [];
  private queue: Queued[] = [];
  private flushing: Promise<void> | null = null;
  private flushTimer: NodeJS.Timeout | null = null;
  private tickTimer: NodeJS.Timeout | null = null;
  /** Raw inputs the sink made durable; the benchmark's accounting. */
  persisted = 0;
  writeErrors = 0;

  constructor(opts: IngestOptions) {
    this.sink = opts.sink;
    this.topology = opts.topology;
    this.metrics = opts.metrics ?? new IngestMetrics();
    this.decoder = opts.decoder ?? new TrapDecoder();
    this.clock = opts.clock ?? Date.now;
    this.tracker = new PowerEventTracker(this.clock, { ...DEFAULT_TRACKER_CONFIG, ...opts.tracker });
    this.log = opts.logger ?? silentLogger;
    this.rejectLog = new RateLimitedLog(this.log, this.clock);
    this.maxBatch = opts.maxBatch ?? 500;
    this.flushMs = opts.flushMs ?? 5;
    this.maxQueued = opts.maxQueued ?? 100_000;
    this.preserialize = opts.preserialize ?? false;
    if (opts.tickMs) {
      this.tickTimer = setInterval(() => void this.tick().catch(() => undefined), opts.tickMs);
      this.tickTimer.unref();
    }
  }

  /**
   * Picks up the incidents storage still has open (PgPowerEventSink.openEvents()) after a restart: a repeat
   * of an on-battery trap then updates that row instead of opening a second one.
   */
  resume(open: readonly { id: string; dedupKey: string; event: PowerEvent }[]): void {
    for (const o of open) {
      const incident = this.tracker.resume(o.dedupKey, o.event);
      this.incidentRows.set(incident, { id: o.id, revision: 0 });
    }
    this.metrics.openIncidents.set(this.tracker.openCount());
  }

  /** Called for every decision that changed power_events, after it is durable. */
  onEvent(listener: (d: PersistedDecision) => void): void {
    this.listeners.push(listener);
  }

  /** A rejected input (bad community, wrong keys, disallowed source, garbage): counted and logged, not stored. */
  reject(
    source: PowerEventSource,
    reason: string,
    remote?: { address: string; port?: number },
    detail?: Record<string, unknown>,
  ): void {
    this.metrics.count(source, 'rejected', reason);
    this.rejectLog.warn(
      `${reason}|${remote?.address ?? ''}`,
      { source, reason, remote: remote?.address, ...detail },
      'power input rejected',
    );
  }

  async ingestTrap(trap: ReceivedTrap): Promise<IngestResult> {
    if (this.queued >= this.maxQueued) {
      this.reject('snmp-trap', 'backlog', trap.source);
      return { outcome: 'rejected', reason: 'backlog' };
    }
    let decoded: DecodedTrap;
    try {
      decoded = this.decoder.decode(trap);
    } catch (e) {
      // A decoder bug must not lose the trap: store it raw, as rejected.
      this.log.error(
        { trapOid: trap.trapOid, err: e instanceof Error ? e.message : String(e) },
        'trap decoding failed',
      );
      return this.persistOnly('snmp-trap', trap.source.address, trap, 'rejected', 'decode_error');
    }
    if (!decoded.known) {
      const r = await this.persistOnly(
        'snmp-trap',
        trap.source.address,
        { trap, decoded: { vendor: decoded.vendor, kind: 'unknown' } },
        'unknown',
        null,
      );
      this.log.info({ trapOid: trap.trapOid, remote: trap.source.address }, 'unknown trap stored raw');
      return { ...r, decoded };
    }
    const event = this.toEvent(trap, decoded);
    const result = await this.ingest(event, {
      source: 'snmp-trap',
      remoteAddress: trap.source.address,
      payload: {
        trap,
        decoded: { name: decoded.trapName, mib: decoded.mib, vendor: decoded.vendor, kind: decoded.kind },
      },
    });
    return { ...result, decoded };
  }

  /** A normalised event from a poll or an alarm action, with the raw input it came from. */
  async ingestEvent(
    event: PowerEvent,
    raw: { source: PowerEventSource; remoteAddress: string | null; payload: unknown },
  ): Promise<IngestResult> {
    if (event.deviceKind === 'unknown' || event.deviceKind === 'ups' || event.deviceKind === 'pdu') {
      const dev = this.topology?.find({ address: event.device, sysName: event.device, serial: event.device });
      if (dev) event = { ...event, device: dev.id, deviceKind: dev.kind };
    }
    return this.ingest(event, raw);
  }

  private async ingest(
    event: PowerEvent,
    raw: { source: PowerEventSource; remoteAddress: string | null; payload: unknown },
  ): Promise<IngestResult> {
    const rawId = randomUUID();
    this.rawIdOf.set(event, rawId);
    const decisions = this.tracker.offer(event);
    const own = decisions[decisions.length - 1];
    this.rawIdOf.set(own.event, rawId);
    const ops: EventOp[] = [];
    for (const d of decisions) ops.push(...this.opsFor(d));
    const { outcome, reason } = outcomeOf(own);
    const record: RawEventRecord = {
      id: rawId,
      source: raw.source,
      remoteAddress: raw.remoteAddress,
      payload: this.preserialize ? new PreserializedJson(JSON.stringify(raw.payload ?? null)) : raw.payload,
      outcome,
      reason,
      receivedAt: new Date(this.clock()),
    };
    const incident = 'incident' in own ? own.incident : undefined;
    const powerEventId = (this.rowOf.get(own) ?? (incident ? this.incidentRows.get(incident) : undefined))
      ?.id;
    await this.enqueue({ raw: record, ops });
    this.metrics.count(raw.source, outcome);
    this.metrics.openIncidents.set(this.tracker.openCount());
    this.notify(decisions);
    return {
      outcome,
      reason: reason ?? undefined,
      rawId,
      event: own.event,
      decision: own.action,
      incident,
      powerEventId,
    };
  }

  /** Confirms pending on-battery events whose delay has passed, and persists them. */
  async tick(): Promise<void> {
    const decisions = this.tracker.tick();
    if (!decisions.length) return;
    const ops = decisions.flatMap((d) => this.opsFor(d));
    await this.enqueue({ ops });
    this.metrics.openIncidents.set(this.tracker.openCount());
    this.notify(decisions);
  }

  private async persistOnly(
    source: PowerEventSource,
    remoteAddress: string | null,
    payload: unknown,
    outcome: RawOutcome,
    reason: string | null,
  ): Promise<IngestResult> {
    const id = randomUUID();
    await this.enqueue({
      raw: {
        id,
        source,
        remoteAddress,
        payload: this.preserialize ? new PreserializedJson(JSON.stringify(payload ?? null)) : payload,
        outcome,
        reason,
        receivedAt: new Date(this.clock()),
      },
      ops: [],
    });
    this.metrics.count(source, outcome, reason ?? '');
    return { outcome, reason: reason ?? undefined, rawId: id };
  }

  private opsFor(d: TrackerDecision): EventOp[] {
    const rawEventId = this.rawIdOf.get(d.event) ?? null;
    const key = dedupKey(d);
    const id = randomUUID();
    switch (d.action) {
      case 'open': {
        const row = { id, revision: 0 };
        this.incidentRows.set(d.incident, row);
        this.rowOf.set(d, { ...row });
        return [{ op: 'insert', id, rawEventId, dedupKey: key, status: 'open', event: d.event }];
      }
      case 'update':
      case 'duplicate': {
        const row = this.incidentRows.get(d.incident);
        if (row && d.action === 'update') {
          row.revision++;
          this.rowOf.set(d, { ...row });
        }
        return [{ op: 'touch', dedupKey: key, facts: d.action === 'update', event: d.event }];
      }
      case 'close':
        this.incidentRows.delete(d.incident);
        this.rowOf.set(d, { id, revision: 0 });
        return [
          { op: 'close', dedupKey: key, closedAt: d.event.occurredAt },
          { op: 'insert', id, rawEventId, dedupKey: key, status: 'closed', event: d.event },
        ];
      case 'pass':
        this.rowOf.set(d, { id, revision: 0 });
        return [{ op: 'insert', id, rawEventId, dedupKey: key, status: 'closed', event: d.event }];
      case 'pending':
      case 'suppressed':
        return [];
    }
  }

  private notify(decisions: TrackerDecision[]): void {
    for (const d of decisions) {
      const row = this.rowOf.get(d);
      this.rowOf.delete(d);
      if (!row) continue; // pending, suppressed, duplicate: nothing new to act on
      const p: PersistedDecision = {
        ...d,
        rawEventId: this.rawIdOf.get(d.event) ?? null,
        powerEventId: row.id,
        revision: row.revision,
      };
      for (const l of this.listeners) {
        try {
          l(p);
        } catch (e) {
          this.log.error({ err: e instanceof Error ? e.message : String(e) }, 'power event listener failed');
        }
      }
    }
  }

  private toEvent(trap: ReceivedTrap, d: DecodedTrap): PowerEvent {
    const agent = trap.agentAddr && trap.agentAddr !== '0.0.0.0' ? trap.agentAddr : trap.source.address;
    let device: string;
    let deviceKind: DeviceKind = d.deviceKind;
    if (d.vendor === 'vmware' && d.target) {
      device = d.target;
      deviceKind = d.targetType === 'host' ? 'host' : 'vcenter';
    } else {
      const dev = this.topology?.find({
        serial: d.serial,
        sysName: d.sysName ?? d.deviceName,
        address: agent,
      });
      if (dev) {
        device = dev.id;
        deviceKind = dev.kind;
      } else device = d.serial ?? d.sysName ?? d.deviceName ?? agent;
    }
    const ev: PowerEvent = {
      kind: d.kind,
      source: 'snmp-trap',
      device,
      deviceKind,
      occurredAt: trap.receivedAt,
      detail: `${describeDecoded(d)} (${d.mib ?? '?'} ${trap.version} from ${trap.source.address})${d.message ? ': ' + d.message : ''}`,
      raw: { trapOid: trap.trapOid, varbinds: trap.varbinds },
    };
    if (d.runtimeSeconds !== undefined) ev.runtimeSeconds = d.runtimeSeconds;
    if (d.secondsOnBattery !== undefined) ev.secondsOnBattery = d.secondsOnBattery;
    if (d.loadPercent !== undefined) ev.loadPercent = d.loadPercent;
    return ev;
  }

  private enqueue(record: IngestRecord): Promise<void> {
    this.queued++;
    return new Promise<void>((done, fail) => {
      this.queue.push({
        record,
        done: () => {
          this.queued--;
          done();
        },
        fail: (e) => {
          this.queued--;
          fail(e instanceof Error ? e : new Error(String(e)));
        },
      });
      if (this.queue.length >= this.maxBatch) void this.flush();
      else if (!this.flushTimer) {
        this.flushTimer = setTimeout(() => {
          this.flushTimer = null;
          void this.flush();
        }, this.flushMs);
      }
    });
  }

  /** Writes everything queued, one batch at a time, in arrival order. */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (!this.queue.length) return;
    const batch = this.queue;
    this.queue = [];
    this.flushing = (async () => {
      try {
        await this.sink.write(batch.map((q) => q.record));
        for (const q of batch) if (q.record.raw) this.persisted++;
        for (const q of batch) q.done();
      } catch (e) {
        this.writeErrors += batch.length;
        this.log.error(
          { err: e instanceof Error ? e.message : String(e), batch: batch.length },
          'power ingest write failed',
        );
        for (const q of batch) q.fail(e);
      } finally {
        this.flushing = null;
      }
    })();
    await this.flushing;
    if (this.queue.length) await this.flush();
  }

  async close(): Promise<void> {
    if (this.tickTimer) clearInterval(this.tickTimer);
    this.tickTimer = null;
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    await this.flush();
  }
}

function dedupKey(d: TrackerDecision): string {
  if ('incident' in d) return d.incident.split('#')[0];
  const kind = d.event.kind;
  const cond =
    kind === 'on_battery' || kind === 'low_battery' || kind === 'power_restored'
      ? 'battery'
      : kind === 'overload' || kind === 'overload_cleared'
        ? 'overload'
        : kind === 'comm_lost' || kind === 'comm_restored'
          ? 'comm'
          : kind;
  return `${d.event.device}|${cond}`;
}

function outcomeOf(d: TrackerDecision): { outcome: RawOutcome; reason: string | null } {
  switch (d.action) {
    case 'open':
    case 'close':
    case 'pass':
      return { outcome: 'accepted', reason: null };
    case 'update':
      return { outcome: 'duplicate', reason: 'update' };
    case 'duplicate':
      return { outcome: 'duplicate', reason: null };
    case 'pending':
      return { outcome: 'accepted', reason: 'pending_confirmation' };
    case 'suppressed':
      return { outcome: 'accepted', reason: d.reason };
  }
}
