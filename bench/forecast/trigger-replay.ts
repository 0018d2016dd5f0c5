import {
  ComponentModel,
  evaluateTrigger,
  headOf,
  INITIAL_TRIGGER_STATE,
  median,
  STEPS_PER_DAY,
  DEFAULT_TRIGGER,
  parseTriggerParams,
  type CapacityTarget,
  type TriggerState,
  shortTrend,
  type PreparedSeries,
  type SeriesForecast,
  rollUp,
  seriesCeiling,
} from '@app/forecast';
import { loadTrace } from './data';
import type { Args } from './main';

const SAFE = 0.8;

/** Trigger parameters were chosen on the first this-many traces (sorted by number); the rest are held out. */
const TUNING_VMS = 15;

/**
 * Proactive trigger replay on CPU, each VM standing for a one-VM host (--host-size K: hosts of K consecutive
 * traces, the trigger seeing the rollup of their forecasts; the host's load is their sum). The host's safe level (80% of its
 * capacity) is set to 1.2 x the highest 1-hour mean of the VM's unmodified trace over the replay, so the
 * unmodified trace never has a sustained overload.
 *  - false alarms: the trigger runs every 5 min over the replay (day 28 to the end, weekly refits) on the
 *    unmodified trace. An open is false when no 5-min sample of the actual trace exceeds the threshold within
 *    the trigger's lookahead (4 h) after it; per VM-week. All opens are reported too.
 *  - ramp: from a start time t0 (day 60 + per-VM offset) a linear load is added that lifts the trace's previous
 *    day mean to the threshold in --ramp-hours (default 3); crossing = first 5-min sample above the threshold;
 *    lead = crossing - first open at or after t0 (state reset at t0).
 */

/** A positive number flag, or an error naming the flag and what it takes. */
function positive(args: Args, flag: string, fallback: number): number {
  const raw = args.extra[flag];
  if (raw === undefined) return fallback;
  const v = Number(raw);
  if (!(v > 0)) throw new Error(`--${flag}: expected a positive number, found ${JSON.stringify(raw)}`);
  return v;
}

export async function runTrigger(files: string[], args: Args): Promise<Record<string, unknown>> {
  const rampHours = positive(args, 'ramp-hours', 3);
  // e.g. --trigger-params '{"breachOn":"upper","trendLookaheadSeconds":0}' replays the trigger without the ramp detector
  const rawParams = args.extra['trigger-params'];
  const params = rawParams === undefined ? {} : parseTriggerParams(rawParams, '--trigger-params');
  const p = { ...DEFAULT_TRIGGER, ...params };
  // e.g. --short-trend-slots 7: the fast-ramp detector's window in samples (default SHORT_TREND_WINDOW_SLOTS, 9 = 45 min)
  const shortSlots = args.extra['short-trend-slots'] ? positive(args, 'short-trend-slots', 9) : undefined;
  const withShort = (fc: SeriesForecast, v: ArrayLike<number>, i: number, step: number): SeriesForecast =>
    shortSlots === undefined ? fc : { ...fc, shortTrend: shortTrend(v, i, step, shortSlots) };
  const useCeiling = args.extra['ceiling'] !== 'off';
  // --details 1: one JSON line per ramp (crossing, lead, step-driven) and per false alarm (which detector, why)
  const details = args.extra['details'] !== undefined;
  // --trace vm-7: every evaluation of that host's ramp replay (minutes from the ramp's start, load / threshold)
  const trace = args.extra['trace'];
  const tracedIds = new Set<string>();
  const lookSlots = Math.round(p.lookaheadSeconds / 300);
  const t0ms = performance.now();
  type Group = {
    opens: number;
    falseOpens: number;
    vmWeeks: number;
    leads: number[];
    missed: number;
    stepDriven: number;
    stepDrivenEarly: number;
    /** ramps that started while the trigger was already open: an open right after the reset is not the ramp's */
    preOpen: number;
  };
  const group = (): Group => ({
    opens: 0,
    falseOpens: 0,
    vmWeeks: 0,
    leads: [],
    missed: 0,
    stepDriven: 0,
    stepDrivenEarly: 0,
    preOpen: 0,
  });
  const groups = { tuning: group(), heldOut: group() };
  let openBeforeRamp = 0;
  // --host-size K: hosts of K consecutive traces (the trigger sees the rollup of the VMs' forecasts, as in the
  // worker); K = 1 (default) is one VM per host
  const hostSize = Math.round(positive(args, 'host-size', 1));
  for (let first = 0; first + hostSize <= files.length; first += hostSize) {
    const g = first < TUNING_VMS ? groups.tuning : groups.heldOut;
    const traces = files.slice(first, first + hostSize).map(loadTrace);
    const id = traces.map((t) => t.id).join('+');
    const series = traces.map((t) => t.cpuMhz);
    const s = series[0];
    const n = Math.min(...series.map((x) => x.values.length));
    // the host's load: the VMs' samples added (every trace starts at the same time with the same step)
    const y = new Float64Array(n);
    for (const x of series) for (let k = 0; k < n; k++) y[k] += x.values[k];
    const replayFrom = 28 * STEPS_PER_DAY;
    if (n < replayFrom + 14 * STEPS_PER_DAY) continue;
    let maxHourly = 0;
    for (let i = replayFrom + 11; i < n; i++) {
      let m = 0;
      for (let k = i - 11; k <= i; k++) m += y[k];
      maxHourly = Math.max(maxHourly, m / 12);
    }
    const threshold = Math.max(1, 1.2 * maxHourly);
    const target: CapacityTarget = {
      id,
      deviceKind: 'host',
      capacity: { cpuMhz: threshold / SAFE },
      safeUtilization: SAFE,
    };

    // each VM's series cannot exceed its configured size (--ceiling off: as if unknown)
    const vmCeilings = traces.map((t) =>
      useCeiling ? seriesCeiling('cpuMhz', t.cpuCapacityMhz) : undefined,
    );
    const modelFor = new Map<string, ComponentModel>();
    const model = (v: number, i: number) => {
      const week = replayFrom + Math.floor((i - replayFrom) / (7 * STEPS_PER_DAY)) * 7 * STEPS_PER_DAY;
      let m = modelFor.get(`${v}/${week}`);
      if (!m) {
        m = ComponentModel.train(headOf(series[v], week), { metric: 'cpuMhz' });
        modelFor.set(`${v}/${week}`, m);
      }
      return m;
    };
    const hostForecast = (ctxs: PreparedSeries[], values: ArrayLike<number>[], i: number): SeriesForecast =>
      rollUp(ctxs.map((c, v) => withShort(model(v, i).forecastAt(c, i), values[v], i, s.stepSeconds)))!;

    // false alarms on the unmodified traces
    const vmValues = series.map((x) => x.values);
    const ctxs = series.map((x, v) =>
      model(v, replayFrom).prepare(x.values, x.start, x.stepSeconds, { ceiling: vmCeilings[v] }),
    );
    let state: TriggerState = INITIAL_TRIGGER_STATE;
    // the ramp replay starts 6 h before the ramp with the back-off the unmodified replay had then
    const t0 = 60 * STEPS_PER_DAY + ((first * 37) % STEPS_PER_DAY);
    let backoffAtWarmup: number | undefined;
    for (let i = replayFrom; i < n; i++) {
      if (i === t0 - 6 * 12) backoffAtWarmup = state.backoffUntil;
      const fc = hostForecast(ctxs, vmValues, i);
      const d = evaluateTrigger(target, { cpuMhz: fc }, s.start + i * s.stepSeconds, state, params, {
        cpuMhz: y[i],
      });
      if (d.action === 'open') {
        g.opens++;
        let exceeded = false;
        for (let j = i + 1; j <= Math.min(n - 1, i + lookSlots) && !exceeded; j++)
          exceeded = y[j] > threshold;
        if (!exceeded) g.falseOpens++;
        if (details && !exceeded)
          console.log(
            JSON.stringify({ fa: id, at: i, src: d.breach?.source, x: d.explanation.slice(0, 160) }),
          );
      }
      state = d.state;
    }
    g.vmWeeks += (n - replayFrom) / (7 * STEPS_PER_DAY);

    // injected ramp, on the host's first VM
    if (t0 + 2 * STEPS_PER_DAY >= n) continue;
    let level = 0;
    for (let k = t0 - STEPS_PER_DAY; k < t0; k++) level += y[k];
    level /= STEPS_PER_DAY;
    const slope = Math.max(0, threshold - level) / (rampHours * 12);
    const ramped = Float64Array.from(vmValues[0]);
    for (let i = t0; i < ramped.length; i++) ramped[i] += slope * (i - t0 + 1);
    const mod = Float64Array.from(y);
    for (let i = t0; i < n; i++) mod[i] = y[i] + slope * (i - t0 + 1);
    let crossing = -1;
    for (let i = t0; i < n && crossing < 0; i++) if (mod[i] > threshold) crossing = i;
    // the ramp is a new workload whose configured size is twice what lifts the host to the threshold
    const rampCeilings = vmCeilings.map((c, v) =>
      c === undefined || v > 0 ? c : c + 2 * Math.max(0, threshold - level),
    );
    const mValues = [ramped, ...vmValues.slice(1)];
    const mctxs = [
      model(0, t0).prepare(ramped, s.start, s.stepSeconds, { ceiling: rampCeilings[0] }),
      ...ctxs.slice(1),
    ];
    state = { ...INITIAL_TRIGGER_STATE, backoffUntil: backoffAtWarmup };
    let fired = -1;
    let preOpen = false;
    for (let i = t0 - 6 * 12; i <= crossing + 12 && fired < 0; i++) {
      if (i === t0) {
        if (state.open) {
          openBeforeRamp++;
          preOpen = true;
        }
        state = { ...INITIAL_TRIGGER_STATE, backoffUntil: state.backoffUntil };
      }
      const fc = hostForecast(mctxs, mValues, i);
      const d = evaluateTrigger(target, { cpuMhz: fc }, s.start + i * s.stepSeconds, state, params, {
        cpuMhz: mod[i],
      });
      state = d.state;
      if (i >= t0 && d.action === 'open') fired = i;
      if (trace === id) {
        tracedIds.add(id);
        console.log(
          JSON.stringify({ min: (i - t0) * 5, load: +(mod[i] / threshold).toFixed(3), d: d.explanation }),
        );
      }
    }
    // step-driven: the unmodified load itself jumped by more than 25% of the threshold in the 15 min before
    // the crossing (a natural step on top of a partial ramp; no trend can foresee it)
    let before = Infinity;
    for (let k = crossing - 3; k < crossing; k++) before = Math.min(before, y[k]);
    const stepDriven = y[crossing] - before > 0.25 * threshold;
    const early = !preOpen && fired >= 0 && (crossing - fired) * 5 >= 15;
    if (stepDriven) {
      g.stepDriven++;
      if (early) g.stepDrivenEarly++;
    }
    // a ramp that began under an open event is neither early nor late: it is counted apart, as not early
    if (preOpen) g.preOpen++;
    else if (fired < 0) g.missed++;
    else g.leads.push((crossing - fired) * 5);
    if (details)
      console.log(
        JSON.stringify({
          vm: id,
          crossAfterMin: (crossing - t0) * 5,
          openAfterMin: fired < 0 ? null : (fired - t0) * 5,
          lead: fired < 0 ? null : (crossing - fired) * 5,
          stepDriven,
          levelShare: +(level / threshold).toFixed(2),
          baseAtCrossing: +(y[crossing] / threshold).toFixed(3),
          rampAtCrossing: +((slope * (crossing - t0 + 1)) / threshold).toFixed(3),
          openBeforeRampStart: preOpen,
        }),
      );
  }
  const summary = (gs: Group[]) => {
    const sum = (
      k: 'opens' | 'falseOpens' | 'vmWeeks' | 'missed' | 'stepDriven' | 'stepDrivenEarly' | 'preOpen',
    ) => gs.reduce((a, x) => a + x[k], 0);
    const leads = gs.flatMap((x) => x.leads);
    const ramps = leads.length + sum('missed') + sum('preOpen');
    const early = leads.filter((l) => l >= 15).length;
    return {
      vmWeeks: +sum('vmWeeks').toFixed(1),
      opens: sum('opens'),
      opensPerVmWeek: +(sum('opens') / Math.max(1e-9, sum('vmWeeks'))).toFixed(3),
      falseAlarms: sum('falseOpens'),
      falseAlarmsPerVmWeek: +(sum('falseOpens') / Math.max(1e-9, sum('vmWeeks'))).toFixed(3),
      ramps,
      rampsAtLeast15MinEarly: early,
      shareLeadAtLeast15Min: +(early / Math.max(1, ramps)).toFixed(3),
      leadMinutesMedian: median(leads),
      leadMinutesMin: leads.length ? Math.min(...leads) : NaN,
      missed: sum('missed'),
      openBeforeRampStart: sum('preOpen'),
      stepDrivenCrossings: sum('stepDriven'),
      rampDrivenAtLeast15MinEarly: `${early - sum('stepDrivenEarly')} of ${ramps - sum('stepDriven')}`,
    };
  };
  // a --trace that named no replayed host is a typo, not a quiet run
  if (trace !== undefined && !tracedIds.has(trace))
    throw new Error(
      `--trace: no host ${JSON.stringify(trace)} was replayed; hosts are the trace names joined by + (e.g. vm-7, or vm-1+vm-2+vm-3 with --host-size 3)`,
    );
  const r = {
    vms: files.length,
    hostSize,
    rampHours,
    params: p,
    shortTrendSlots: shortSlots ?? 'default (9)',
    ceiling: useCeiling
      ? 'VM capacity x CPU_CEILING_HEADROOM (ramp: + twice the lift to the threshold)'
      : 'off',
    ...summary([groups.tuning, groups.heldOut]),
    tuningVms: summary([groups.tuning]),
    heldOutVms: summary([groups.heldOut]),
    openBeforeRamp,
    seconds: +((performance.now() - t0ms) / 1000).toFixed(1),
    method: `CPU; ${hostSize === 1 ? 'each VM = a one-VM host' : `hosts of ${hostSize} consecutive VMs (rollUp of their forecasts; weeks below are host-weeks; the ramp is added to the first VM)`} whose 80% safe level is 1.2 x the max 1-hour mean of its unmodified replay; trigger every 5 min (params above), weekly refits; false alarm = an open on the unmodified trace with no 5-min sample above the threshold within the ${p.lookaheadSeconds / 3600} h lookahead; ramp reaches the threshold from the previous-day mean in rampHours; lead = minutes from the open to the first 5-min sample above the threshold; missed = no open before crossing + 1 h; the first version's trigger parameters were chosen on the first ${TUNING_VMS} traces (tuningVms), the later rounds' on all`,
  };
  console.log('\n## proactive trigger replay\n' + JSON.stringify(r, null, 1));
  return r;
}
