import type { DeviceKind, PowerEvent } from '@app/domain';
import type { Metric, SeriesForecast } from './types';

/** A host, cluster or power domain whose forecast demand is watched against its safe capacity. */
export interface CapacityTarget {
  id: string;
  deviceKind: DeviceKind;
  /** capacity per metric (MHz, MB); a metric without capacity is not checked */
  capacity: Partial<Record<Metric, number>>;
  /** e.g. 0.8: the planner's maxHostUtilization, or a power domain's safe share */
  safeUtilization: number;
}

export interface TriggerParams {
  /** consecutive breaching evaluations before an event opens (filters one-off spikes) */
  confirmations: number;
  /** consecutive clear evaluations before it closes */
  clearConfirmations: number;
  /** closing needs every upper bound below (safeUtilization - hysteresis) x capacity */
  hysteresis: number;
  /** horizons beyond this are not used to open (24 h bounds are wide; see docs/forecast.md) */
  lookaheadSeconds: number;
  /** the warning the trigger aims to give; a breach expected sooner is still raised, flagged late */
  minLeadSeconds: number;
  /** an open event stays open at least this long */
  minOpenSeconds: number;
}

export const DEFAULT_TRIGGER: Readonly<TriggerParams> = {
  confirmations: 2,
  clearConfirmations: 3,
  hysteresis: 0.05,
  lookaheadSeconds: 4 * 3600,
  minLeadSeconds: 15 * 60,
  minOpenSeconds: 3600,
};

export interface TriggerState {
  open: boolean;
  breachStreak: number;
  clearStreak: number;
  openedAt?: number;
}

export const INITIAL_TRIGGER_STATE: Readonly<TriggerState> = { open: false, breachStreak: 0, clearStreak: 0 };

export interface Breach {
  metric: Metric;
  horizonSeconds: number;
  upper: number;
  threshold: number;
  /** estimated seconds until the upper bound crosses the threshold (linear between horizons) */
  crossingInSeconds: number;
}

export interface TriggerDecision {
  action: 'open' | 'keep-open' | 'close' | 'none';
  state: TriggerState;
  breach?: Breach;
  explanation: string;
  /** the forecast_shortage event to record when action is 'open' */
  event?: PowerEvent;
}

function firstBreach(
  metric: Metric,
  f: SeriesForecast,
  capacity: number,
  share: number,
  lookahead: number,
  current: number | undefined,
): Breach | undefined {
  const threshold = share * capacity;
  const hs = [...f.horizons]
    .filter((h) => h.horizonSeconds <= lookahead)
    .sort((a, b) => a.horizonSeconds - b.horizonSeconds);
  let prevT = 0;
  let prevU = current;
  for (const h of hs) {
    if (h.upper > threshold) {
      let crossing = h.horizonSeconds;
      if (prevU !== undefined && prevU < threshold)
        crossing = prevT + ((threshold - prevU) / (h.upper - prevU)) * (h.horizonSeconds - prevT);
      else if (prevU !== undefined) crossing = prevT;
      return {
        metric,
        horizonSeconds: h.horizonSeconds,
        upper: h.upper,
        threshold,
        crossingInSeconds: Math.round(crossing),
      };
    }
    prevT = h.horizonSeconds;
    prevU = h.upper;
  }
  return undefined;
}

/**
 * Decide whether to open, keep, or close a forecast_shortage for one target. Pure: the caller stores the
 * returned state and passes it back at the next evaluation. Opens after `confirmations` consecutive
 * evaluations whose upper bound (within the lookahead) exceeds safe utilisation; closes after
 * `clearConfirmations` consecutive ones below safe utilisation less the hysteresis, once open long enough.
 */
export function evaluateTrigger(
  target: CapacityTarget,
  forecasts: Partial<Record<Metric, SeriesForecast>>,
  now: number,
  state: TriggerState = INITIAL_TRIGGER_STATE,
  params: Partial<TriggerParams> = {},
  current: Partial<Record<Metric, number>> = {},
): TriggerDecision {
  const p = { ...DEFAULT_TRIGGER, ...params };
  let breach: Breach | undefined;
  let belowClear = true;
  let peak = '';
  for (const metric of ['cpuMhz', 'memMb'] as const) {
    const f = forecasts[metric];
    const cap = target.capacity[metric];
    if (!f || !cap || cap <= 0) continue;
    const b = firstBreach(metric, f, cap, target.safeUtilization, p.lookaheadSeconds, current[metric]);
    if (b && (!breach || b.crossingInSeconds < breach.crossingInSeconds)) breach = b;
    const clearLevel = (target.safeUtilization - p.hysteresis) * cap;
    const maxUpper = Math.max(
      ...f.horizons.filter((h) => h.horizonSeconds <= p.lookaheadSeconds).map((h) => h.upper),
    );
    if (maxUpper >= clearLevel) belowClear = false;
    peak += `${peak ? ', ' : ''}${metric} upper ${Math.round(maxUpper)} of ${Math.round(cap)} (${((100 * maxUpper) / cap).toFixed(0)}%)`;
  }
  const next: TriggerState = {
    open: state.open,
    breachStreak: breach ? state.breachStreak + 1 : 0,
    clearStreak: belowClear ? state.clearStreak + 1 : 0,
    openedAt: state.openedAt,
  };
  const pct = (target.safeUtilization * 100).toFixed(0);
  const describe = (b: Breach) =>
    `${b.metric} upper bound ${Math.round(b.upper)} > ${pct}% of capacity (${Math.round(b.threshold)}) at +${b.horizonSeconds / 3600} h, crossing expected in ~${Math.round(b.crossingInSeconds / 60)} min` +
    (b.crossingInSeconds < p.minLeadSeconds
      ? ` (late: less than ${p.minLeadSeconds / 60} min of warning)`
      : '');

  if (!state.open) {
    if (breach && next.breachStreak >= p.confirmations) {
      next.open = true;
      next.openedAt = now;
      next.clearStreak = 0;
      const explanation = `${target.id}: ${describe(breach)}; seen ${next.breachStreak} evaluations in a row`;
      const event: PowerEvent = {
        kind: 'forecast_shortage',
        source: 'forecast',
        device: target.id,
        deviceKind: target.deviceKind,
        occurredAt: new Date(now * 1000).toISOString(),
        loadPercent: Math.round((100 * breach.upper) / (breach.threshold / target.safeUtilization)),
        detail: explanation,
        raw: { breach, params: p },
      };
      return { action: 'open', state: next, breach, explanation, event };
    }
    const explanation = breach
      ? `${target.id}: ${describe(breach)}; ${next.breachStreak} of ${p.confirmations} confirmations`
      : `${target.id}: no breach within ${p.lookaheadSeconds / 3600} h (${peak || 'no forecast'})`;
    return { action: 'none', state: next, breach, explanation };
  }
  const heldLongEnough = state.openedAt === undefined || now - state.openedAt >= p.minOpenSeconds;
  if (next.clearStreak >= p.clearConfirmations && heldLongEnough) {
    next.open = false;
    next.openedAt = undefined;
    next.breachStreak = 0;
    return {
      action: 'close',
      state: next,
      explanation: `${target.id}: upper bounds below ${((target.safeUtilization - p.hysteresis) * 100).toFixed(0)}% for ${next.clearStreak} evaluations (${peak})`,
    };
  }
  return {
    action: 'keep-open',
    state: next,
    breach,
    explanation: breach
      ? `${target.id}: still ${describe(breach)}`
      : `${target.id}: clearing (${next.clearStreak} of ${p.clearConfirmations}${heldLongEnough ? '' : ', held for the minimum open time'}; ${peak})`,
  };
}
