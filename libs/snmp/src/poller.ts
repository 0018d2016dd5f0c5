import * as snmp from 'net-snmp';
import type { PowerEvent } from '@app/domain';
import type { IngestResult, PowerIngest } from './ingest';
import type { IngestLogger } from './logger';
import { silentLogger } from './logger';
import { POWERNET_MIB } from './mibs/powernet-mib';
import { UPS_MIB } from './mibs/ups-mib';
import { XUPS_MIB } from './mibs/xups-mib';
import type { TrapVarbind } from './trap';
import { normaliseVarbind } from './trap';

/** Which MIB a polled device speaks. */
export type PollProfile = 'ups-mib' | 'apc-ups' | 'eaton-xups' | 'apc-rpdu';

export interface PollTarget {
  /** Topology id (ups-a, pdu-a1). */
  device: string;
  profile: PollProfile;
  address: string;
  port?: number;
  /** v2c community, or a v3 user (authPriv). Secrets: never logged. */
  community?: string;
  user?: { name: string; authProtocol: string; authKey: string; privProtocol?: string; privKey?: string };
  /** rPDU phases to read (1..n). */
  phases?: number;
}

/** What a poll found, normalised across MIBs. */
export interface PollReading {
  device: string;
  profile: PollProfile;
  onBattery?: boolean;
  batteryLow?: boolean;
  runtimeSeconds?: number;
  secondsOnBattery?: number;
  chargePercent?: number;
  loadPercent?: number;
  /** rPDU: per phase load in amps and state. */
  phases?: { phase: number; amps?: number; state?: 'normal' | 'low' | 'near_overload' | 'overload' }[];
  varbinds: TrapVarbind[];
}

const one = (oid: string) => `${oid}.0`;

/** The OIDs each profile reads (scalars as `.0` instances; UPS-MIB output line 1). */
export function pollOids(t: Pick<PollTarget, 'profile' | 'phases'>): string[] {
  switch (t.profile) {
    case 'ups-mib':
      return [
        one(UPS_MIB.upsBatteryStatus),
        one(UPS_MIB.upsSecondsOnBattery),
        one(UPS_MIB.upsEstimatedMinutesRemaining),
        one(UPS_MIB.upsEstimatedChargeRemaining),
        one(UPS_MIB.upsOutputSource),
        `${UPS_MIB.upsOutputPercentLoad}.1`,
      ];
    case 'apc-ups':
      return [
        one(POWERNET_MIB.upsBasicOutputStatus),
        one(POWERNET_MIB.upsBasicBatteryStatus),
        one(POWERNET_MIB.upsBasicBatteryTimeOnBattery),
        one(POWERNET_MIB.upsAdvBatteryRunTimeRemaining),
        one(POWERNET_MIB.upsAdvBatteryCapacity),
        one(POWERNET_MIB.upsAdvOutputLoad),
      ];
    case 'eaton-xups':
      return [
        one(XUPS_MIB.xupsBatTimeRemaining),
        one(XUPS_MIB.xupsBatteryAbmStatus),
        one(XUPS_MIB.xupsInputSource),
        one(XUPS_MIB.xupsOutputSource),
        one(XUPS_MIB.xupsOutputLoad),
      ];
    case 'apc-rpdu': {
      const n = t.phases ?? 1;
      const out: string[] = [];
      for (let p = 1; p <= n; p++)
        out.push(`${POWERNET_MIB.rPDULoadStatusLoad}.${p}`, `${POWERNET_MIB.rPDULoadStatusLoadState}.${p}`);
      return out;
    }
  }
}

/** Pure: varbinds of a poll to a reading. Missing objects (noSuchObject) are left undefined. */
export function parsePoll(
  t: Pick<PollTarget, 'device' | 'profile' | 'phases'>,
  varbinds: TrapVarbind[],
): PollReading {
  const get = (oid: string): number | undefined => {
    const v = varbinds.find((x) => x.oid === oid)?.value;
    return typeof v === 'number' ? v : undefined;
  };
  const r: PollReading = { device: t.device, profile: t.profile, varbinds };
  const set = <K extends keyof PollReading>(k: K, v: PollReading[K] | undefined) => {
    if (v !== undefined) r[k] = v;
  };
  switch (t.profile) {
    case 'ups-mib': {
      const source = get(one(UPS_MIB.upsOutputSource)); // battery(5)
      const status = get(one(UPS_MIB.upsBatteryStatus)); // batteryLow(3), batteryDepleted(4)
      const secs = get(one(UPS_MIB.upsSecondsOnBattery));
      const mins = get(one(UPS_MIB.upsEstimatedMinutesRemaining));
      set('onBattery', source !== undefined ? source === 5 : secs !== undefined ? secs > 0 : undefined);
      set('batteryLow', status !== undefined ? status === 3 || status === 4 : undefined);
      set('secondsOnBattery', secs);
      set('runtimeSeconds', mins !== undefined ? mins * 60 : undefined);
      set('chargePercent', get(one(UPS_MIB.upsEstimatedChargeRemaining)));
      set('loadPercent', get(`${UPS_MIB.upsOutputPercentLoad}.1`));
      return r;
    }
    case 'apc-ups': {
      const out = get(one(POWERNET_MIB.upsBasicOutputStatus)); // onBattery(3)
      const status = get(one(POWERNET_MIB.upsBasicBatteryStatus)); // batteryLow(3)
      const ticks = get(one(POWERNET_MIB.upsAdvBatteryRunTimeRemaining));
      const onTicks = get(one(POWERNET_MIB.upsBasicBatteryTimeOnBattery));
      set('onBattery', out !== undefined ? out === 3 : undefined);
      set('batteryLow', status !== undefined ? status === 3 : undefined);
      set('runtimeSeconds', ticks !== undefined ? Math.round(ticks / 100) : undefined);
      set('secondsOnBattery', onTicks !== undefined ? Math.round(onTicks / 100) : undefined);
      set('chargePercent', get(one(POWERNET_MIB.upsAdvBatteryCapacity)));
      set('loadPercent', get(one(POWERNET_MIB.upsAdvOutputLoad)));
      return r;
    }
    case 'eaton-xups': {
      const input = get(one(XUPS_MIB.xupsInputSource)); // none(2): on battery
      const outSrc = get(one(XUPS_MIB.xupsOutputSource)); // battery(5)
      set('onBattery', input !== undefined ? input === 2 : outSrc !== undefined ? outSrc === 5 : undefined);
      set('runtimeSeconds', get(one(XUPS_MIB.xupsBatTimeRemaining)));
      set('loadPercent', get(one(XUPS_MIB.xupsOutputLoad)));
      return r;
    }
    case 'apc-rpdu': {
      const states = { 1: 'normal', 2: 'low', 3: 'near_overload', 4: 'overload' } as const;
      const phases: NonNullable<PollReading['phases']> = [];
      for (let p = 1; p <= (t.phases ?? 1); p++) {
        const amps10 = get(`${POWERNET_MIB.rPDULoadStatusLoad}.${p}`);
        const st = get(`${POWERNET_MIB.rPDULoadStatusLoadState}.${p}`);
        phases.push({
          phase: p,
          amps: amps10 !== undefined ? amps10 / 10 : undefined,
          state: st !== undefined ? states[st as 1 | 2 | 3 | 4] : undefined,
        });
      }
      r.phases = phases;
      return r;
    }
  }
}

/**
 * Pure: what a reading means, given whether the device has an open battery/overload incident. A poll
 * reports changes only: on battery (with runtime) or overload while nothing is open opens one, a repeat
 * updates it, normal while one is open closes it; normal while nothing is open is silence.
 */
export function readingToEvents(
  reading: PollReading,
  open: { battery: boolean; overload: boolean },
  now: Date,
): PowerEvent[] {
  const base = {
    source: 'snmp-poll' as const,
    device: reading.device,
    deviceKind: reading.profile === 'apc-rpdu' ? ('pdu' as const) : ('ups' as const),
    occurredAt: now.toISOString(),
    raw: { profile: reading.profile, varbinds: reading.varbinds },
  };
  const m: Partial<PowerEvent> = {};
  if (reading.runtimeSeconds !== undefined) m.runtimeSeconds = reading.runtimeSeconds;
  if (reading.secondsOnBattery !== undefined) m.secondsOnBattery = reading.secondsOnBattery;
  if (reading.loadPercent !== undefined) m.loadPercent = reading.loadPercent;
  const out: PowerEvent[] = [];
  if (reading.profile === 'apc-rpdu') {
    const worst =
      (reading.phases ?? []).find((p) => p.state === 'overload') ??
      (reading.phases ?? []).find((p) => p.state === 'near_overload');
    if (worst)
      out.push({
        ...base,
        ...m,
        kind: 'overload',
        detail: `poll: phase ${worst.phase} ${worst.state} (${worst.amps ?? '?'} A)`,
      });
    else if (open.overload && (reading.phases ?? []).some((p) => p.state !== undefined))
      out.push({
        ...base,
        ...m,
        kind: 'overload_cleared',
        detail: 'poll: all phases below the near-overload threshold',
      });
    return out;
  }
  if (reading.onBattery === true) {
    const kind = reading.batteryLow ? 'low_battery' : 'on_battery';
    out.push({
      ...base,
      ...m,
      kind,
      detail: `poll: ${kind.replace('_', ' ')}${m.runtimeSeconds !== undefined ? `, runtime ${m.runtimeSeconds}s` : ''}`,
    });
  } else if (reading.onBattery === false && open.battery) {
    out.push({ ...base, ...m, kind: 'power_restored', detail: 'poll: back on utility power' });
  }
  return out;
}

export interface PollerOptions {
  intervalMs?: number;
  timeoutMs?: number;
  retries?: number;
  logger?: IngestLogger;
  clock?: () => Date;
}

/** Polls each target on an interval and feeds what it finds through the same ingest as traps. */
export class SnmpPoller {
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  readonly stats = { polls: 0, failures: 0 };

  constructor(
    private readonly targets: PollTarget[],
    private readonly ingest: PowerIngest,
    private readonly opts: PollerOptions = {},
  ) {}

  read(t: PollTarget): Promise<PollReading> {
    const options = {
      port: t.port ?? 161,
      timeout: this.opts.timeoutMs ?? 2000,
      retries: this.opts.retries ?? 1,
    };
    const session = t.user
      ? snmp.createV3Session(
          t.address,
          {
            name: t.user.name,
            level: t.user.privProtocol ? snmp.SecurityLevel.authPriv : snmp.SecurityLevel.authNoPriv,
            authProtocol: snmp.AuthProtocols[t.user.authProtocol],
            authKey: t.user.authKey,
            privProtocol: t.user.privProtocol ? snmp.PrivProtocols[t.user.privProtocol] : undefined,
            privKey: t.user.privKey,
          },
          options,
        )
      : snmp.createSession(t.address, t.community ?? 'public', { ...options, version: snmp.Version2c });
    session.on('error', () => undefined);
    return new Promise<PollReading>((resolve, reject) => {
      session.get(pollOids(t), (error, varbinds) => {
        session.close();
        if (error) return reject(new Error(`poll of ${t.device} (${t.address}) failed: ${error.name}`));
        const clean = varbinds.filter((v) => !snmp.isVarbindError(v)).map(normaliseVarbind);
        resolve(parsePoll(t, clean));
      });
    });
  }

  /** One poll of one target through ingest. */
  async pollOnce(t: PollTarget): Promise<IngestResult[]> {
    this.stats.polls++;
    let reading: PollReading;
    try {
      reading = await this.read(t);
    } catch (e) {
      this.stats.failures++;
      this.ingest.reject('snmp-poll', 'poll_failed', { address: t.address });
      (this.opts.logger ?? silentLogger).warn(
        { device: t.device, err: e instanceof Error ? e.message : String(e) },
        'poll failed',
      );
      return [];
    }
    const tr = this.ingest.tracker;
    const open = {
      battery: tr.state(t.device, 'battery') !== 'none',
      overload: tr.state(t.device, 'overload') !== 'none',
    };
    const events = readingToEvents(reading, open, this.opts.clock?.() ?? new Date());
    const results: IngestResult[] = [];
    for (const ev of events)
      results.push(
        await this.ingest.ingestEvent(ev, {
          source: 'snmp-poll',
          remoteAddress: t.address,
          payload: reading,
        }),
      );
    return results;
  }

  async pollAll(): Promise<IngestResult[]> {
    const all = await Promise.all(this.targets.map((t) => this.pollOnce(t)));
    return all.flat();
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      if (this.running) return; // a slow round is not stacked on
      this.running = true;
      void this.pollAll().finally(() => (this.running = false));
    }, this.opts.intervalMs ?? 30_000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
