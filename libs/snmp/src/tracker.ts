import type { PowerEvent, PowerEventKind } from '@app/domain';

/**
 * Deduplication and debounce of power events, per device and condition. Pure: the clock is injected and
 * time only moves when `offer` or `tick` is called.
 *
 * - battery: on_battery opens an incident after `confirmationDelayMs` unless power comes back (a brief
 *   transfer) or a self-test is reported for the device meanwhile; it opens at once when the runtime left is
 *   below `criticalRuntimeSeconds` or on low_battery. Repeats (UPS-MIB re-sends upsTrapOnBattery every
 *   minute) update the open incident; power_restored closes it.
 * - overload: overload opens (no delay), repeats update, overload_cleared closes.
 * - comm: comm_lost opens, repeats update, comm_restored closes.
 * - self_test is never a power event; other kinds pass straight through.
 */
export interface TrackerConfig {
  confirmationDelayMs: number;
  criticalRuntimeSeconds: number;
  /** How long after a self-test report an on-battery of the same device is taken for the test. */
  selfTestWindowMs: number;
}

export const DEFAULT_TRACKER_CONFIG: TrackerConfig = {
  confirmationDelayMs: 30_000,
  criticalRuntimeSeconds: 600,
  selfTestWindowMs: 120_000,
};

export type Condition = 'battery' | 'overload' | 'comm';

export type TrackerDecision =
  /** A new incident: store the event, act on it. */
  | { action: 'open'; incident: string; event: PowerEvent }
  /** Same incident, new facts (runtime falling, low battery): store and act. */
  | { action: 'update'; incident: string; event: PowerEvent }
  /** The condition ended. */
  | { action: 'close'; incident: string; event: PowerEvent }
  /** Same incident, nothing new. */
  | { action: 'duplicate'; incident: string; event: PowerEvent }
  /** Waiting for the confirmation delay. */
  | { action: 'pending'; event: PowerEvent }
  /** Never becomes a power event. */
  | { action: 'suppressed'; reason: 'brief_transfer' | 'self_test'; event: PowerEvent }
  /** Not tracked (alarm added/removed, host failure, other): store as is. */
  | { action: 'pass'; event: PowerEvent };

const CONDITION_OF: Partial<Record<PowerEventKind, { condition: Condition; role: 'open' | 'close' }>> = {
  on_battery: { condition: 'battery', role: 'open' },
  low_battery: { condition: 'battery', role: 'open' },
  power_restored: { condition: 'battery', role: 'close' },
  overload: { condition: 'overload', role: 'open' },
  overload_cleared: { condition: 'overload', role: 'close' },
  comm_lost: { condition: 'comm', role: 'open' },
  comm_restored: { condition: 'comm', role: 'close' },
};

interface Open {
  incident: string;
  last: PowerEvent;
}
interface Pending {
  first: PowerEvent;
  last: PowerEvent;
  since: number;
}

export class PowerEventTracker {
  private readonly open = new Map<string, Open>();
  private readonly pending = new Map<string, Pending>();
  private readonly selfTestAt = new Map<string, number>();
  private seq = 0;

  constructor(
    private readonly clock: () => number,
    private readonly config: TrackerConfig = DEFAULT_TRACKER_CONFIG,
  ) {}

  openIncidents(): { key: string; incident: string; event: PowerEvent }[] {
    return [...this.open].map(([key, o]) => ({ key, incident: o.incident, event: o.last }));
  }

  /** Re-opens an incident known from storage (after a restart), so repeats update it instead of opening another. */
  resume(key: string, event: PowerEvent): string {
    const incident = this.newIncident(key);
    this.open.set(key, { incident, last: event });
    return incident;
  }

  /** Whether `device` has an open or pending incident of `condition` (the poller only reports changes). */
  state(device: string, condition: Condition): 'open' | 'pending' | 'none' {
    const key = `${device}|${condition}`;
    return this.open.has(key) ? 'open' : this.pending.has(key) ? 'pending' : 'none';
  }

  openCount(): number {
    return this.open.size;
  }

  pendingCount(): number {
    return this.pending.size;
  }

  offer(event: PowerEvent): TrackerDecision[] {
    const now = this.clock();
    const out: TrackerDecision[] = [];
    // Only this device's expired confirmations are settled here; tick() (on a timer) settles the rest.
    for (const cond of ['battery', 'overload', 'comm'] as const) {
      const key = `${event.device}|${cond}`;
      const p = this.pending.get(key);
      if (p && now - p.since >= this.config.confirmationDelayMs) out.push(this.confirm(key, p));
    }
    if (event.kind === 'self_test') {
      this.selfTestAt.set(event.device, now);
      const key = `${event.device}|battery`;
      const p = this.pending.get(key);
      if (p) {
        this.pending.delete(key);
        out.push({ action: 'suppressed', reason: 'self_test', event: p.last });
      }
      out.push({ action: 'suppressed', reason: 'self_test', event });
      return out;
    }
    const c = CONDITION_OF[event.kind];
    if (!c) {
      out.push({ action: 'pass', event });
      return out;
    }
    const key = `${event.device}|${c.condition}`;
    const open = this.open.get(key);
    const pending = this.pending.get(key);

    if (c.role === 'close') {
      if (pending) {
        this.pending.delete(key);
        out.push({ action: 'suppressed', reason: 'brief_transfer', event });
      } else if (open) {
        this.open.delete(key);
        out.push({ action: 'close', incident: open.incident, event });
      } else {
        out.push({ action: 'pass', event });
      }
      return out;
    }

    if (open) {
      const merged = mergeRepeat(open.last, event);
      const changed = materiallyDifferent(open.last, merged);
      open.last = merged;
      out.push({ action: changed ? 'update' : 'duplicate', incident: open.incident, event: merged });
      return out;
    }

    const urgent =
      c.condition !== 'battery' ||
      event.kind === 'low_battery' ||
      this.config.confirmationDelayMs <= 0 ||
      (event.runtimeSeconds !== undefined && event.runtimeSeconds < this.config.criticalRuntimeSeconds);
    if (!urgent) {
      const testAt = this.selfTestAt.get(event.device);
      if (testAt !== undefined && now - testAt <= this.config.selfTestWindowMs) {
        out.push({ action: 'suppressed', reason: 'self_test', event });
        return out;
      }
      if (pending) {
        pending.last = event;
        out.push({ action: 'pending', event });
      } else {
        this.pending.set(key, { first: event, last: event, since: now });
        out.push({ action: 'pending', event });
      }
      return out;
    }
    this.pending.delete(key);
    const incident = this.newIncident(key);
    this.open.set(key, { incident, last: event });
    out.push({ action: 'open', incident, event });
    return out;
  }

  /** Confirms pending on-battery events whose delay has passed. Call it on a timer. */
  tick(): TrackerDecision[] {
    const now = this.clock();
    const out: TrackerDecision[] = [];
    for (const [key, p] of this.pending)
      if (now - p.since >= this.config.confirmationDelayMs) out.push(this.confirm(key, p));
    for (const [device, at] of this.selfTestAt)
      if (now - at > this.config.selfTestWindowMs) this.selfTestAt.delete(device);
    return out;
  }

  private confirm(key: string, p: Pending): TrackerDecision {
    this.pending.delete(key);
    const incident = this.newIncident(key);
    this.open.set(key, { incident, last: p.last });
    return { action: 'open', incident, event: p.last };
  }

  private newIncident(key: string): string {
    return `${key}#${++this.seq}@${this.clock()}`;
  }
}

/**
 * A repeat keeps what the open event knew when it does not say otherwise (an Eaton trap without runtime
 * after a UPS-MIB one with it), and low_battery is not downgraded by a later on_battery.
 */
function mergeRepeat(prev: PowerEvent, next: PowerEvent): PowerEvent {
  const merged: PowerEvent = { ...next };
  if (prev.kind === 'low_battery' && next.kind === 'on_battery') merged.kind = 'low_battery';
  merged.runtimeSeconds = next.runtimeSeconds ?? prev.runtimeSeconds;
  merged.secondsOnBattery = next.secondsOnBattery ?? prev.secondsOnBattery;
  merged.loadPercent = next.loadPercent ?? prev.loadPercent;
  for (const k of ['runtimeSeconds', 'secondsOnBattery', 'loadPercent'] as const)
    if (merged[k] === undefined) delete merged[k];
  return merged;
}

/** A repeat is news when the kind changes or a measurement moves (runtime falls, load changes). */
function materiallyDifferent(a: PowerEvent, b: PowerEvent): boolean {
  return (
    a.kind !== b.kind ||
    a.runtimeSeconds !== b.runtimeSeconds ||
    a.loadPercent !== b.loadPercent ||
    a.secondsOnBattery !== b.secondsOnBattery
  );
}
