import type { DeviceKind, PowerEvent } from '@app/domain';
import type { RampFit } from './ramp';
import type { RecentTrend } from './trend';
import type { Metric, SeriesForecast } from './types';

/** What a target is watched on: CPU and memory (hosts, clusters), watts (PDUs, UPSes; power-forecast.ts). */
export type TriggerMetric = Metric | 'powerW';
const TRIGGER_METRICS: readonly TriggerMetric[] = ['cpuMhz', 'memMb', 'powerW'];

/** A host, cluster or power domain whose forecast demand is watched against its safe capacity. */
export interface CapacityTarget {
  id: string;
  deviceKind: DeviceKind;
  /** capacity per metric (MHz, MB, W); a metric without capacity is not checked */
  capacity: Partial<Record<TriggerMetric, number>>;
  /** e.g. 0.8: the planner's maxHostUtilization, or a power domain's safe share */
  safeUtilization: number;
}

export interface TriggerParams {
  /**
   * what of the model forecast must cross safe utilisation to count as a breach (and fall below the clear level
   * to close): the 'point' forecast (default) or the interval's 'upper' bound. The upper bound of a 90% interval
   * on a bursty 5-minute series crosses often without an overload following (docs/forecast.md).
   */
  breachOn: 'point' | 'upper';
  /** consecutive evaluations with a forecast breach before an event opens (filters one-off spikes) */
  confirmations: number;
  /**
   * ramp detector: the forecast's recent trend (resistant line over the last 2 h) extrapolated this far ahead;
   * 0 turns it off. The regression does not extrapolate a trend, so without this a ramp is seen late.
   */
  trendLookaheadSeconds: number;
  /** a ramp needs both half-slopes positive and the smaller at least this share of the larger (a step fails) */
  trendMinHalfSlopeRatio: number;
  /** consecutive evaluations with a trend breach before an event opens */
  trendConfirmations: number;
  /**
   * ramp detector, second test: while the 2 h line rises steadily (the half-slope test), the forecast's upper
   * bound (a rollup's risingUpper) crossing the threshold within this lookahead is a breach too (same streak and
   * confirmations); 0 turns it off. A slow ramp that has lifted a VM for hours makes its next burst, or its return
   * to its busy level, cross the line long before the line itself does.
   */
  trendUpperLookaheadSeconds: number;
  /**
   * fast-ramp detector: the short trend (SeriesForecast.shortTrend, resistant line over the last 45 min)
   * extrapolated this far ahead; 0 turns it off. Opens on its own: a 1-hour ramp looks like a step to the 2 h
   * window until it is nearly over.
   */
  shortTrendLookaheadSeconds: number;
  /** the short line must rise at least this share of the threshold per hour (slow wobbles and noise fail) */
  shortTrendMinSlopeShare: number;
  /** half-slope test of the short line: both positive, the smaller at least this share of the larger */
  shortTrendMinHalfSlopeRatio: number;
  /** consecutive evaluations with a short-trend breach before an event opens */
  shortTrendConfirmations: number;
  /**
   * onset detector: the best recent ramp onset (SeriesForecast.ramp, flat then rising) extrapolated this far
   * ahead; 0 turns it off. Sees a young ramp the resistant lines still take for noise or a step.
   */
  onsetLookaheadSeconds: number;
  /**
   * onset detector, second test: while the onset is significant, the forecast's upper bound (a rollup's
   * risingUpper: only its rising parts' spread) crossing the threshold within this lookahead is a breach too; 0
   * turns it off. A ramp that has lifted a bursty or idling VM part of the way makes its next burst, or its return
   * to its busy level, cross the line before the ramp's own line would. Without a significant onset the upper
   * bound alone is not used: on bursty series it crosses all the time (docs/benchmarks.md).
   */
  onsetUpperLookaheadSeconds: number;
  /** the onset's slope must be at least this many standard errors (noise floored by noiseFloorShare) */
  onsetMinT: number;
  /** consecutive evaluations with an onset breach before an event opens */
  onsetConfirmations: number;
  /**
   * the onset detector's noise scale below this share of the threshold per sample is raised to it (a flat series
   * is not infinitely sure)
   */
  noiseFloorShare: number;
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
  /**
   * anti-flapping: an event that closes without the actual load (the caller's `current`; unknown without it)
   * ever crossing the line while it was open was a false alarm; for this long after it every detector needs
   * `falseAlarmExtraConfirmations` more evaluations in a row. 0 (the default) turns it off: it quiets bursty
   * targets that open again and again, but a real ramp on such a target is seen 10 min later, and on hosts of
   * several VMs that made fast ramps late (docs/benchmarks.md). Operators who prefer fewer false alarms set it
   * (LAYERSHIFT_FORECAST_TRIGGER, e.g. 86400).
   */
  falseAlarmBackoffSeconds: number;
  falseAlarmExtraConfirmations: number;
}

export const DEFAULT_TRIGGER: Readonly<TriggerParams> = {
  breachOn: 'point',
  confirmations: 2,
  trendLookaheadSeconds: 2 * 3600,
  trendMinHalfSlopeRatio: 0.5,
  trendConfirmations: 2,
  trendUpperLookaheadSeconds: 4 * 3600,
  shortTrendLookaheadSeconds: 3600,
  shortTrendMinSlopeShare: 0,
  shortTrendMinHalfSlopeRatio: 0.5,
  shortTrendConfirmations: 2,
  onsetLookaheadSeconds: 3600,
  onsetUpperLookaheadSeconds: 3600,
  onsetMinT: 4,
  onsetConfirmations: 2,
  noiseFloorShare: 0.005,
  clearConfirmations: 3,
  hysteresis: 0.05,
  lookaheadSeconds: 4 * 3600,
  minLeadSeconds: 15 * 60,
  minOpenSeconds: 3600,
  falseAlarmBackoffSeconds: 0,
  falseAlarmExtraConfirmations: 2,
};

export interface TriggerState {
  open: boolean;
  /** consecutive evaluations with a forecast breach */
  breachStreak: number;
  /** consecutive evaluations with a trend (ramp) breach; absent in states stored before the ramp detector */
  trendStreak?: number;
  /** consecutive evaluations with a short-trend (fast ramp) breach; absent in states stored before it */
  shortTrendStreak?: number;
  /** consecutive evaluations with an onset breach; absent in states stored before the onset detector */
  onsetStreak?: number;
  clearStreak: number;
  openedAt?: number;
  /** while open: whether the actual load (the caller's `current`) crossed the line since it opened */
  crossedWhileOpen?: boolean;
  /** after a false alarm: until when (epoch seconds) opening needs the extra confirmations */
  backoffUntil?: number;
}

export const INITIAL_TRIGGER_STATE: Readonly<TriggerState> = {
  open: false,
  breachStreak: 0,
  trendStreak: 0,
  shortTrendStreak: 0,
  onsetStreak: 0,
  clearStreak: 0,
};

export interface Breach {
  metric: TriggerMetric;
  /**
   * 'forecast': the model's point (or upper bound) at a horizon; 'trend': the recent (2 h) ramp extrapolated;
   * 'short-trend': the last 45 min's fast ramp extrapolated; 'onset': the best recent ramp onset extrapolated;
   * 'onset-upper' / 'trend-upper': a significant onset / a steady 2 h rise under way and the upper bound (of what
   * is rising) crossing
   */
  source?: 'forecast' | 'trend' | 'short-trend' | 'onset' | 'onset-upper' | 'trend-upper';
  horizonSeconds: number;
  /** the value that crossed: the forecast's point or upper bound, or the extrapolated trend */
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
  metric: TriggerMetric,
  f: SeriesForecast,
  capacity: number,
  share: number,
  lookahead: number,
  current: number | undefined,
  on: 'point' | 'upper' | 'rising-upper',
): Breach | undefined {
  const threshold = share * capacity;
  const top = f.ceiling ?? Infinity;
  const hs = [...f.horizons]
    .filter((h) => h.horizonSeconds <= lookahead)
    .sort((a, b) => a.horizonSeconds - b.horizonSeconds);
  let prevT = 0;
  let prevU = current;
  for (const h of hs) {
    const u = Math.min(top, on === 'point' ? h.point : on === 'upper' ? h.upper : (h.risingUpper ?? h.upper));
    if (u > threshold) {
      let crossing = h.horizonSeconds;
      if (prevU !== undefined && prevU < threshold)
        crossing = prevT + ((threshold - prevU) / (u - prevU)) * (h.horizonSeconds - prevT);
      else if (prevU !== undefined) crossing = prevT;
      return {
        metric,
        source: 'forecast',
        horizonSeconds: h.horizonSeconds,
        upper: u,
        threshold,
        crossingInSeconds: Math.round(crossing),
      };
    }
    prevT = h.horizonSeconds;
    prevU = u;
  }
  return undefined;
}

/** A steady rise: line and half-slopes positive, the smaller half at least minRatio of the larger (a step fails). */
function steadyRise(t: RecentTrend | undefined, minRatio: number): t is RecentTrend {
  if (!t || !(t.slope > 0) || !(t.leftSlope > 0) || !(t.rightSlope > 0)) return false;
  return Math.min(t.leftSlope, t.rightSlope) >= minRatio * Math.max(t.leftSlope, t.rightSlope);
}

/**
 * Ramp detector: the recent resistant line (SeriesForecast.trend) extrapolated `lookahead` ahead crosses the
 * threshold, rising steadily: both half-slopes positive and alike (ratio >= minRatio), which a step up (one
 * half-slope near zero) or a single burst fails.
 */
function trendBreach(
  metric: TriggerMetric,
  t: RecentTrend | undefined,
  capacity: number,
  share: number,
  lookahead: number,
  minRatio: number,
  source: 'trend' | 'short-trend' = 'trend',
  minSlopeShare = 0,
  ceiling = Infinity,
): Breach | undefined {
  if (lookahead <= 0 || !steadyRise(t, minRatio)) return undefined;
  const threshold = share * capacity;
  // a minimum rise per hour relative to the threshold (the short window's noise is a small slope)
  if (t.slope * 3600 < minSlopeShare * threshold) return undefined;
  // the series cannot rise above its ceiling (a VM above its configured size), however steep the line
  const at = Math.min(ceiling, t.level + t.slope * lookahead);
  if (at <= threshold) return undefined;
  return {
    metric,
    source,
    horizonSeconds: lookahead,
    upper: at,
    threshold,
    crossingInSeconds: Math.round(Math.max(0, (threshold - t.level) / t.slope)),
  };
}

/** The onset's slope must beat its standard error computed with the noise floored at floorShare x threshold. */
function onsetSignificant(r: RampFit, threshold: number, minT: number, floorShare: number): boolean {
  const se = r.slopeSe * (Math.max(r.noise, floorShare * threshold) / r.noise);
  return r.slope > 0 && r.slope >= minT * se;
}

/**
 * Onset detector: the best recent ramp onset (flat, then a line since some sample in the last 2 h), already found
 * significant (onsetSignificant), whose line, extrapolated `lookahead` ahead and held under the ceiling, crosses
 * the threshold.
 */
function onsetBreach(
  metric: TriggerMetric,
  r: RampFit,
  capacity: number,
  share: number,
  lookahead: number,
  ceiling = Infinity,
): Breach | undefined {
  if (lookahead <= 0) return undefined;
  const threshold = share * capacity;
  const at = Math.min(ceiling, r.level + r.slope * lookahead);
  if (at <= threshold) return undefined;
  return {
    metric,
    source: 'onset',
    horizonSeconds: lookahead,
    upper: at,
    threshold,
    crossingInSeconds: Math.round(Math.max(0, (threshold - r.level) / r.slope)),
  };
}

/**
 * The onset and ramp detectors' second test, called while their rise is under way: the upper bound (a rollup's
 * risingUpper) crosses the threshold within `lookahead`.
 */
function upperWhileRising(
  metric: TriggerMetric,
  f: SeriesForecast,
  capacity: number,
  share: number,
  lookahead: number,
  current: number | undefined,
  source: 'onset-upper' | 'trend-upper',
): Breach | undefined {
  if (lookahead <= 0) return undefined;
  const b = firstBreach(metric, f, capacity, share, lookahead, current, 'rising-upper');
  return b && { ...b, source };
}

/**
 * Decide whether to open, keep, or close a forecast_shortage for one target. Pure: the caller stores the
 * returned state and passes it back at the next evaluation. Opens after `confirmations` consecutive
 * evaluations whose point forecast (or upper bound, `breachOn`) within the lookahead exceeds safe utilisation,
 * or after `trendConfirmations` consecutive ones whose steady recent ramp (SeriesForecast.trend) extrapolated
 * `trendLookaheadSeconds` ahead exceeds it or during which the upper bound within `trendUpperLookaheadSeconds`
 * does, or after `shortTrendConfirmations` whose fast 45-min ramp
 * (SeriesForecast.shortTrend, at least `shortTrendMinSlopeShare` of the threshold per hour) extrapolated
 * `shortTrendLookaheadSeconds` ahead exceeds it, or after `onsetConfirmations` whose significant ramp onset
 * (SeriesForecast.ramp) extrapolated `onsetLookaheadSeconds` ahead exceeds it or during which the upper bound
 * within `onsetUpperLookaheadSeconds` does (onsetUpperBreach). Nothing is extrapolated above the
 * series' ceiling (a VM's configured size). Closes after `clearConfirmations` consecutive ones with all of them
 * below safe utilisation less the hysteresis, once open long enough.
 */
export function evaluateTrigger(
  target: CapacityTarget,
  forecasts: Partial<Record<TriggerMetric, SeriesForecast>>,
  now: number,
  state: TriggerState = INITIAL_TRIGGER_STATE,
  params: Partial<TriggerParams> = {},
  current: Partial<Record<TriggerMetric, number>> = {},
): TriggerDecision {
  const p = { ...DEFAULT_TRIGGER, ...params };
  let fBreach: Breach | undefined;
  let tBreach: Breach | undefined;
  let sBreach: Breach | undefined;
  let oBreach: Breach | undefined;
  let belowClear = true;
  let peak = '';
  const what = p.breachOn === 'point' ? 'point forecast' : 'upper bound';
  const sooner = (a: Breach | undefined, b: Breach | undefined) =>
    b && (!a || b.crossingInSeconds < a.crossingInSeconds) ? b : a;
  for (const metric of TRIGGER_METRICS) {
    const f = forecasts[metric];
    const cap = target.capacity[metric];
    if (!f || !cap || cap <= 0) continue;
    const share = target.safeUtilization;
    const cur = current[metric] ?? f.current;
    // a rise under way: the onset detector's (significant onset) and the ramp detector's (steady 2 h line)
    const onsetUnderWay =
      f.ramp !== undefined && onsetSignificant(f.ramp, share * cap, p.onsetMinT, p.noiseFloorShare);
    const steady = steadyRise(f.trend, p.trendMinHalfSlopeRatio);
    fBreach = sooner(fBreach, firstBreach(metric, f, cap, share, p.lookaheadSeconds, cur, p.breachOn));
    const tb = trendBreach(
      metric,
      f.trend,
      cap,
      share,
      p.trendLookaheadSeconds,
      p.trendMinHalfSlopeRatio,
      'trend',
      0,
      f.ceiling,
    );
    tBreach = sooner(tBreach, tb);
    if (steady)
      tBreach = sooner(
        tBreach,
        upperWhileRising(metric, f, cap, share, p.trendUpperLookaheadSeconds, cur, 'trend-upper'),
      );
    const sb = trendBreach(
      metric,
      f.shortTrend,
      cap,
      share,
      p.shortTrendLookaheadSeconds,
      p.shortTrendMinHalfSlopeRatio,
      'short-trend',
      p.shortTrendMinSlopeShare,
      f.ceiling,
    );
    sBreach = sooner(sBreach, sb);
    if (onsetUnderWay) {
      oBreach = sooner(oBreach, onsetBreach(metric, f.ramp!, cap, share, p.onsetLookaheadSeconds, f.ceiling));
      oBreach = sooner(
        oBreach,
        upperWhileRising(metric, f, cap, share, p.onsetUpperLookaheadSeconds, cur, 'onset-upper'),
      );
    }
    const clearLevel = (share - p.hysteresis) * cap;
    const top = f.ceiling ?? Infinity;
    const maxUpper = Math.max(
      ...f.horizons
        .filter((h) => h.horizonSeconds <= p.lookaheadSeconds)
        .map((h) => Math.min(top, p.breachOn === 'point' ? h.point : h.upper)),
    );
    // the trend's extrapolation (rising part only) must clear too
    const trendAt =
      f.trend && p.trendLookaheadSeconds > 0
        ? Math.min(top, f.trend.level + Math.max(0, f.trend.slope) * p.trendLookaheadSeconds)
        : -Infinity;
    // and the short trend's, when it is steep enough to count
    const st = f.shortTrend;
    const shortAt =
      st && p.shortTrendLookaheadSeconds > 0 && st.slope * 3600 >= p.shortTrendMinSlopeShare * share * cap
        ? Math.min(top, st.level + st.slope * p.shortTrendLookaheadSeconds)
        : -Infinity;
    // and a significant onset's
    const r = f.ramp;
    const onsetAt =
      r && onsetUnderWay && p.onsetLookaheadSeconds > 0
        ? Math.min(top, r.level + r.slope * p.onsetLookaheadSeconds)
        : -Infinity;
    // and, while an onset is significant or the 2 h line rises steadily, the upper bounds their second tests watch
    const risingUpperWithin = (lookahead: number) =>
      Math.max(
        -Infinity,
        ...f.horizons
          .filter((h) => h.horizonSeconds <= lookahead)
          .map((h) => Math.min(top, h.risingUpper ?? h.upper)),
      );
    const onsetUpperAt =
      onsetUnderWay && p.onsetUpperLookaheadSeconds > 0
        ? risingUpperWithin(p.onsetUpperLookaheadSeconds)
        : -Infinity;
    const trendUpperAt =
      steady && p.trendUpperLookaheadSeconds > 0
        ? risingUpperWithin(p.trendUpperLookaheadSeconds)
        : -Infinity;
    if (
      maxUpper >= clearLevel ||
      trendAt >= clearLevel ||
      shortAt >= clearLevel ||
      onsetAt >= clearLevel ||
      onsetUpperAt >= clearLevel ||
      trendUpperAt >= clearLevel
    )
      belowClear = false;
    peak += `${peak ? ', ' : ''}${metric} ${what} ${Math.round(maxUpper)} of ${Math.round(cap)} (${((100 * maxUpper) / cap).toFixed(0)}%)`;
  }
  const next: TriggerState = {
    open: state.open,
    breachStreak: fBreach ? state.breachStreak + 1 : 0,
    trendStreak: tBreach ? (state.trendStreak ?? 0) + 1 : 0,
    shortTrendStreak: sBreach ? (state.shortTrendStreak ?? 0) + 1 : 0,
    onsetStreak: oBreach ? (state.onsetStreak ?? 0) + 1 : 0,
    clearStreak: belowClear ? state.clearStreak + 1 : 0,
    openedAt: state.openedAt,
    crossedWhileOpen: state.crossedWhileOpen,
    backoffUntil:
      state.backoffUntil !== undefined && now < state.backoffUntil ? state.backoffUntil : undefined,
  };
  // what the load did while open; unknown (undefined) when the caller passes no current load
  if (state.open)
    for (const m of TRIGGER_METRICS) {
      const cap = target.capacity[m];
      const c = current[m] ?? forecasts[m]?.current;
      if (!cap || c === undefined || !Number.isFinite(c)) continue;
      next.crossedWhileOpen = next.crossedWhileOpen === true || c > target.safeUtilization * cap;
    }
  // after a false alarm, every detector needs more evaluations in a row (anti-flapping)
  const extra = next.backoffUntil !== undefined ? p.falseAlarmExtraConfirmations : 0;
  const fConfirmed = fBreach !== undefined && next.breachStreak >= p.confirmations + extra;
  const tConfirmed = tBreach !== undefined && (next.trendStreak ?? 0) >= p.trendConfirmations + extra;
  const sConfirmed =
    sBreach !== undefined && (next.shortTrendStreak ?? 0) >= p.shortTrendConfirmations + extra;
  const oConfirmed = oBreach !== undefined && (next.onsetStreak ?? 0) >= p.onsetConfirmations + extra;
  // a confirmed breach wins; between several of the same standing, the sooner crossing
  const candidates: [Breach | undefined, boolean][] = [
    [fBreach, fConfirmed],
    [tBreach, tConfirmed],
    [sBreach, sConfirmed],
    [oBreach, oConfirmed],
  ];
  const anyConfirmed = fConfirmed || tConfirmed || sConfirmed || oConfirmed;
  const breach = candidates
    .filter(([b, c]) => b && (c || !anyConfirmed))
    .reduce<Breach | undefined>((a, [b]) => sooner(a, b), undefined);
  const streakOf = (b: Breach) =>
    b.source === 'trend' || b.source === 'trend-upper'
      ? (next.trendStreak ?? 0)
      : b.source === 'short-trend'
        ? (next.shortTrendStreak ?? 0)
        : b.source === 'onset' || b.source === 'onset-upper'
          ? (next.onsetStreak ?? 0)
          : next.breachStreak;
  const needOf = (b: Breach) =>
    extra +
    (b.source === 'trend' || b.source === 'trend-upper'
      ? p.trendConfirmations
      : b.source === 'short-trend'
        ? p.shortTrendConfirmations
        : b.source === 'onset' || b.source === 'onset-upper'
          ? p.onsetConfirmations
          : p.confirmations);
  const pct = (target.safeUtilization * 100).toFixed(0);
  const bound = (m: TriggerMetric) => `${Math.round(100 * (forecasts[m]?.coverage ?? 0.9))}% upper bound`;
  const describe = (b: Breach) =>
    (b.source === 'trend-upper'
      ? `${b.metric} rising steadily for ${Math.round((forecasts[b.metric]?.trend?.windowSeconds ?? 0) / 60)} min (${((forecasts[b.metric]?.trend?.slope ?? 0) * 3600).toFixed(0)}/h) and the ${bound(b.metric)} of what is rising reaches ${Math.round(b.upper)} > ${pct}% of capacity (${Math.round(b.threshold)}) at +${b.horizonSeconds / 3600} h`
      : b.source === 'onset-upper'
        ? `${b.metric} ramping since ${Math.round((forecasts[b.metric]?.ramp?.sinceSeconds ?? 0) / 60)} min ago (${((forecasts[b.metric]?.ramp?.slope ?? 0) * 3600).toFixed(0)}/h, more than ${p.onsetMinT} standard errors of its noise) and the ${bound(b.metric)} of what is rising reaches ${Math.round(b.upper)} > ${pct}% of capacity (${Math.round(b.threshold)}) at +${b.horizonSeconds / 3600} h`
        : b.source === 'onset'
          ? `${b.metric} ramping since ${Math.round((forecasts[b.metric]?.ramp?.sinceSeconds ?? 0) / 60)} min ago (${((forecasts[b.metric]?.ramp?.slope ?? 0) * 3600).toFixed(0)}/h, more than ${p.onsetMinT} standard errors of its noise): reaches ${Math.round(b.upper)} > ${pct}% of capacity (${Math.round(b.threshold)}) within +${b.horizonSeconds / 3600} h`
          : b.source === 'trend' || b.source === 'short-trend'
            ? `${b.metric} rising ${b.source === 'trend' ? 'steadily' : 'fast'}: the last ${Math.round(((b.source === 'trend' ? forecasts[b.metric]?.trend : forecasts[b.metric]?.shortTrend)?.windowSeconds ?? 0) / 60)} min's trend reaches ${Math.round(b.upper)} > ${pct}% of capacity (${Math.round(b.threshold)}) within +${b.horizonSeconds / 3600} h`
            : `${b.metric} ${what} ${Math.round(b.upper)} > ${pct}% of capacity (${Math.round(b.threshold)}) at +${b.horizonSeconds / 3600} h`) +
    `, crossing expected in ~${Math.round(b.crossingInSeconds / 60)} min` +
    (b.crossingInSeconds < p.minLeadSeconds
      ? ` (late: less than ${p.minLeadSeconds / 60} min of warning)`
      : '');

  if (!state.open) {
    if (breach && anyConfirmed) {
      next.open = true;
      next.openedAt = now;
      next.clearStreak = 0;
      next.crossedWhileOpen = undefined;
      next.backoffUntil = undefined;
      const explanation = `${target.id}: ${describe(breach)}; seen ${streakOf(breach)} evaluations in a row`;
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
      ? `${target.id}: ${describe(breach)}; ${streakOf(breach)} of ${needOf(breach)} confirmations${extra ? ` (${extra} more until ${new Date(next.backoffUntil! * 1000).toISOString()}: the last event here was a false alarm)` : ''}`
      : `${target.id}: no breach within ${p.lookaheadSeconds / 3600} h (${peak || 'no forecast'})`;
    return { action: 'none', state: next, breach, explanation };
  }
  const heldLongEnough = state.openedAt === undefined || now - state.openedAt >= p.minOpenSeconds;
  if (next.clearStreak >= p.clearConfirmations && heldLongEnough) {
    next.open = false;
    next.openedAt = undefined;
    next.breachStreak = 0;
    next.trendStreak = 0;
    next.shortTrendStreak = 0;
    next.onsetStreak = 0;
    // no sample above the line while it was open: a false alarm, and this target backs off for a while
    const falseAlarm = next.crossedWhileOpen === false && p.falseAlarmBackoffSeconds > 0;
    next.crossedWhileOpen = undefined;
    next.backoffUntil = falseAlarm ? now + p.falseAlarmBackoffSeconds : undefined;
    return {
      action: 'close',
      state: next,
      explanation:
        `${target.id}: ${p.breachOn === 'point' ? 'point forecasts' : 'upper bounds'} and trend below ${((target.safeUtilization - p.hysteresis) * 100).toFixed(0)}% for ${next.clearStreak} evaluations (${peak})` +
        (falseAlarm
          ? `; the load never crossed the line while open: for ${p.falseAlarmBackoffSeconds / 3600} h opening needs ${p.falseAlarmExtraConfirmations} more confirmations`
          : ''),
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
