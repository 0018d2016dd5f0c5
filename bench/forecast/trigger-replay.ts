import {
  ComponentModel,
  evaluateTrigger,
  headOf,
  INITIAL_TRIGGER_STATE,
  median,
  STEPS_PER_DAY,
  type CapacityTarget,
  type TriggerState,
} from '@app/forecast';
import { loadTrace } from './data';
import type { Args } from './main';

const SAFE = 0.8;

/**
 * Proactive trigger replay on CPU, each VM standing for a one-VM host. The host's safe level (80% of its
 * capacity) is set to 1.2 x the highest 1-hour mean of the VM's unmodified trace over the replay, so the
 * unmodified trace never has a sustained overload: every event it opens is a false alarm.
 *  - false alarms: the trigger runs every 5 min over the replay (day 28 to the end, weekly refits) on the
 *    unmodified trace; opens / VM-weeks.
 *  - ramp: from a start time t0 (day 60 + per-VM offset) a linear load is added that lifts the trace's previous
 *    day mean to the threshold in --ramp-hours (default 3); crossing = first 5-min sample above the threshold;
 *    lead = crossing - first open at or after t0 (state reset at t0).
 */
export async function runTrigger(files: string[], args: Args): Promise<Record<string, unknown>> {
  const rampHours = Number(args.extra['ramp-hours'] ?? 3);
  const t0ms = performance.now();
  let opens = 0;
  let vmWeeks = 0;
  const leads: number[] = [];
  let missed = 0;
  let openBeforeRamp = 0;
  for (const f of files) {
    const tr = loadTrace(f);
    const s = tr.cpuMhz;
    const y = s.values;
    const n = y.length;
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
      id: tr.id,
      deviceKind: 'host',
      capacity: { cpuMhz: threshold / SAFE },
      safeUtilization: SAFE,
    };

    const modelFor = new Map<number, ComponentModel>();
    const model = (i: number) => {
      const week = replayFrom + Math.floor((i - replayFrom) / (7 * STEPS_PER_DAY)) * 7 * STEPS_PER_DAY;
      let m = modelFor.get(week);
      if (!m) {
        m = ComponentModel.train(headOf(s, week), { metric: 'cpuMhz' });
        modelFor.set(week, m);
      }
      return m;
    };

    // false alarms on the unmodified trace
    const ctx = model(replayFrom).prepare(y, s.start, s.stepSeconds);
    let state: TriggerState = INITIAL_TRIGGER_STATE;
    for (let i = replayFrom; i < n; i++) {
      const fc = model(i).forecastAt(ctx, i);
      const d = evaluateTrigger(
        target,
        { cpuMhz: fc },
        s.start + i * s.stepSeconds,
        state,
        {},
        { cpuMhz: y[i] },
      );
      if (d.action === 'open') opens++;
      state = d.state;
    }
    vmWeeks += (n - replayFrom) / (7 * STEPS_PER_DAY);

    // injected ramp
    const idx = files.indexOf(f);
    const t0 = 60 * STEPS_PER_DAY + ((idx * 37) % STEPS_PER_DAY);
    if (t0 + 2 * STEPS_PER_DAY >= n) continue;
    let level = 0;
    for (let k = t0 - STEPS_PER_DAY; k < t0; k++) level += y[k];
    level /= STEPS_PER_DAY;
    const slope = Math.max(0, threshold - level) / (rampHours * 12);
    const mod = Float64Array.from(y);
    for (let i = t0; i < n; i++) mod[i] = y[i] + slope * (i - t0 + 1);
    let crossing = -1;
    for (let i = t0; i < n && crossing < 0; i++) if (mod[i] > threshold) crossing = i;
    const mctx = model(t0).prepare(mod, s.start, s.stepSeconds);
    state = INITIAL_TRIGGER_STATE;
    let fired = -1;
    for (let i = t0 - 6 * 12; i <= crossing + 12 && fired < 0; i++) {
      if (i === t0) {
        if (state.open) openBeforeRamp++;
        state = INITIAL_TRIGGER_STATE;
      }
      const fc = model(i).forecastAt(mctx, i);
      const d = evaluateTrigger(
        target,
        { cpuMhz: fc },
        s.start + i * s.stepSeconds,
        state,
        {},
        { cpuMhz: mod[i] },
      );
      state = d.state;
      if (i >= t0 && d.action === 'open') fired = i;
    }
    if (fired < 0) missed++;
    else leads.push((crossing - fired) * 5);
  }
  const r = {
    vms: files.length,
    vmWeeks: +vmWeeks.toFixed(1),
    falseAlarms: opens,
    falseAlarmsPerVmWeek: +(opens / Math.max(1e-9, vmWeeks)).toFixed(3),
    ramps: leads.length + missed,
    rampHours,
    leadMinutesMedian: median(leads),
    leadMinutesMin: leads.length ? Math.min(...leads) : NaN,
    shareLeadAtLeast15Min: +(
      leads.filter((l) => l >= 15).length / Math.max(1, leads.length + missed)
    ).toFixed(3),
    missed,
    openBeforeRamp,
    seconds: +((performance.now() - t0ms) / 1000).toFixed(1),
    method:
      'CPU; each VM = a one-VM host whose 80% safe level is 1.2 x the max 1-hour mean of its unmodified replay; trigger every 5 min with DEFAULT_TRIGGER (2 confirmations, 4 h lookahead); weekly refits; ramp reaches the threshold from the previous-day mean in rampHours; lead = minutes from the open to the first 5-min sample above the threshold',
  };
  console.log('\n## proactive trigger replay\n' + JSON.stringify(r, null, 1));
  return r;
}
