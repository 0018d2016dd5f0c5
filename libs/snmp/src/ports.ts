import type { DeviceKind, PowerEvent, PowerEventSource } from '@app/domain';

/** raw_events.outcome. */
export type RawOutcome = 'accepted' | 'duplicate' | 'rejected' | 'unknown';

/**
 * A payload already serialised to JSON at intake, so that the objects it came from can die young instead of
 * waiting in a batch (less GC under a trap storm). Sinks that store JSON use `json` as is.
 */
export class PreserializedJson {
  constructor(readonly json: string) {}
  toJSON(): unknown {
    return JSON.parse(this.json);
  }
}

/** One input exactly as it arrived (decoded varbinds, alarm-action body, poll result). Never a secret. */
export interface RawEventRecord {
  id: string;
  source: PowerEventSource;
  remoteAddress: string | null;
  payload: unknown;
  outcome: RawOutcome;
  reason: string | null;
  receivedAt: Date;
}

/** What one input does to power_events, applied in order. */
export type EventOp =
  /** A new row: an opened incident (`open`) or a point event / restoration (`closed`). */
  | {
      op: 'insert';
      id: string;
      rawEventId: string | null;
      dedupKey: string;
      status: 'open' | 'closed';
      event: PowerEvent;
    }
  /** A repeat of the open row with this key: repeat_count + 1, and when `facts`, its measurements and kind. */
  | { op: 'touch'; dedupKey: string; facts: boolean; event: PowerEvent }
  /** Closes the open row with this key. */
  | { op: 'close'; dedupKey: string; closedAt: string };

export interface IngestRecord {
  raw?: RawEventRecord;
  ops: EventOp[];
}

/**
 * Where ingest persists. `write` must make the whole batch durable (in order) before it resolves: nothing
 * acts on an event before that.
 */
export interface PowerEventSink {
  write(batch: readonly IngestRecord[]): Promise<void>;
}

/** A device of the stored power topology. */
export interface TopologyDevice {
  id: string;
  kind: DeviceKind;
  address?: string | null;
  sysName?: string | null;
  serial?: string | null;
}

/** Maps a trap's agent address, sysName or serial to the topology device; synchronous over a snapshot. */
export interface TopologyLookup {
  find(q: { address?: string; sysName?: string; serial?: string }): TopologyDevice | undefined;
}

/** An index over topology rows: serial first (unique per device), then sysName, then address. */
export class TopologyIndex implements TopologyLookup {
  private readonly bySerial = new Map<string, TopologyDevice>();
  private readonly bySysName = new Map<string, TopologyDevice>();
  private readonly byAddress = new Map<string, TopologyDevice>();

  constructor(devices: readonly TopologyDevice[]) {
    for (const d of devices) {
      if (d.serial) this.bySerial.set(d.serial.trim().toLowerCase(), d);
      if (d.sysName) this.bySysName.set(d.sysName.trim().toLowerCase(), d);
      if (d.address) this.byAddress.set(d.address.trim(), d);
    }
  }

  get size(): number {
    return new Set([...this.bySerial.values(), ...this.bySysName.values(), ...this.byAddress.values()]).size;
  }

  find(q: { address?: string; sysName?: string; serial?: string }): TopologyDevice | undefined {
    return (
      (q.serial ? this.bySerial.get(q.serial.trim().toLowerCase()) : undefined) ??
      (q.sysName ? this.bySysName.get(q.sysName.trim().toLowerCase()) : undefined) ??
      (q.address ? this.byAddress.get(q.address.replace(/^::ffff:/, '')) : undefined)
    );
  }
}

/** Keeps everything in memory: `snmp listen`, unit tests, the benchmark's no-database mode. */
export class MemoryPowerEventSink implements PowerEventSink {
  readonly raws: RawEventRecord[] = [];
  readonly rows = new Map<
    string,
    {
      id: string;
      rawEventId: string | null;
      dedupKey: string;
      status: 'open' | 'closed';
      event: PowerEvent;
      repeatCount: number;
      closedAt?: string;
    }
  >();
  private readonly openByKey = new Map<string, string>();

  constructor(private readonly keepRaw = true) {}

  rawCount = 0;

  async write(batch: readonly IngestRecord[]): Promise<void> {
    for (const r of batch) {
      if (r.raw) {
        this.rawCount++;
        if (this.keepRaw) this.raws.push(r.raw);
      }
      for (const op of r.ops) this.apply(op);
    }
  }

  private apply(op: EventOp): void {
    switch (op.op) {
      case 'insert':
        this.rows.set(op.id, { ...op, repeatCount: 1 });
        if (op.status === 'open') this.openByKey.set(op.dedupKey, op.id);
        return;
      case 'touch': {
        const row = this.rows.get(this.openByKey.get(op.dedupKey) ?? '');
        if (!row) return;
        row.repeatCount++;
        if (op.facts) row.event = { ...op.event };
        return;
      }
      case 'close': {
        const id = this.openByKey.get(op.dedupKey);
        const row = id ? this.rows.get(id) : undefined;
        if (row) {
          row.status = 'closed';
          row.closedAt = op.closedAt;
          this.openByKey.delete(op.dedupKey);
        }
        return;
      }
    }
  }

  openRows() {
    return [...this.rows.values()].filter((r) => r.status === 'open');
  }
}
