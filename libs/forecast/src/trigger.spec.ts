import { describe, expect, it } from 'vitest';
import { evaluateTrigger, INITIAL_TRIGGER_STATE, type CapacityTarget, type TriggerState } from './trigger';
import type { SeriesForecast } from './types';
import { fitRampOnset, noiseScale } from './ramp';
import { recentTrend, type RecentTrend } from './trend';

const host: CapacityTarget = {
  id: 'host-1',
  deviceKind: 'host',
  capacity: { cpuMhz: 10000 },
  safeUtilization: 0.8,
};
const fc = (u1: number, u4: number, u24 = 0): SeriesForecast => ({
  metric: 'cpuMhz',
  origin: 0,
  coverage: 0.9,
  horizons: [
    { horizonSeconds: 3600, at: 3600, point: u1 * 0.8, lower: 0, upper: u1 },
    { horizonSeconds: 14400, at: 14400, point: u4 * 0.8, lower: 0, upper: u4 },
    { horizonSeconds: 86400, at: 86400, point: u24 * 0.8, lower: 0, upper: u24 },
  ],
});

// the interval-bound behaviour (breachOn 'upper'); the default breaches on the point forecast
const UPPER = { breachOn: 'upper' } as const;

function run(uppers: [number, number][], start: TriggerState = INITIAL_TRIGGER_STATE) {
  let state = start;
  return uppers.map(([a, b], k) => {
    const d = evaluateTrigger(host, { cpuMhz: fc(a, b) }, k * 300, state, UPPER, { cpuMhz: 5000 });
    state = d.state;
    return d;
  });
}

describe('evaluateTrigger', () => {
  it('ignores a single breaching evaluation and 24 h bounds beyond the lookahead', () => {
    const d = run([
      [5000, 9000],
      [5000, 5000],
      [5000, 5000],
    ]);
    expect(d.map((x) => x.action)).toEqual(['none', 'none', 'none']);
    expect(d[0].breach?.horizonSeconds).toBe(14400);
    expect(
      evaluateTrigger(host, { cpuMhz: fc(5000, 5000, 20000) }, 0, undefined, UPPER).breach,
    ).toBeUndefined();
  });

  it('opens after two confirmations with an event and an explanation, estimating the crossing time', () => {
    const d = run([
      [9000, 9500],
      [9000, 9500],
    ]);
    expect(d[1].action).toBe('open');
    expect(d[1].event).toMatchObject({
      kind: 'forecast_shortage',
      source: 'forecast',
      device: 'host-1',
      deviceKind: 'host',
    });
    // current 5000, upper 9000 at 1 h, threshold 8000: (8000-5000)/(9000-5000) of an hour = 45 min
    expect(d[1].breach?.crossingInSeconds).toBe(2700);
    expect(d[1].explanation).toMatch(/crossing expected in ~45 min/);
  });

  it('stays open inside the hysteresis band and closes only after clear evaluations and the minimum open time', () => {
    const opened = run([
      [9000, 9000],
      [9000, 9000],
    ])[1].state;
    // 7800 is below 80% but above 75%: not clear
    const band = run(
      Array.from({ length: 20 }, () => [7800, 7800] as [number, number]),
      opened,
    );
    expect(band.every((x) => x.action === 'keep-open')).toBe(true);
    let state = opened;
    const actions: string[] = [];
    for (let k = 0; k < 20; k++) {
      const d = evaluateTrigger(host, { cpuMhz: fc(6000, 6000) }, k * 300, state, UPPER);
      actions.push(d.action);
      state = d.state;
    }
    // opened at t=300; 3 clear evaluations reached at t=600 but the minimum hour holds it until t=3900 (k=13)
    expect(actions.indexOf('close')).toBe(13);
    expect(state.open).toBe(false);
  });

  it('after a false alarm (closed with the load never over the line) needs two more confirmations for 24 h', () => {
    const BACKOFF = { ...UPPER, falseAlarmBackoffSeconds: 86400 };
    // open at t=0..300, held an hour, then clear; `load` is the actual load passed as current while open
    const cycle = (load: number, start: TriggerState, t0: number) => {
      let state = start;
      const out: string[] = [];
      for (let k = 0; k < 20; k++) {
        const breaching = k < 2;
        const d = evaluateTrigger(
          host,
          { cpuMhz: breaching ? fc(9000, 9000) : fc(6000, 6000) },
          t0 + k * 300,
          state,
          BACKOFF,
          { cpuMhz: load },
        );
        out.push(d.action);
        if (d.action === 'close')
          expect(d.explanation).toMatch(load > 8000 ? /evaluations \(/ : /never crossed/);
        state = d.state;
      }
      return { out, state };
    };
    const opensAfter = (start: TriggerState, t0: number) => {
      let state = start;
      for (let k = 0; k < 6; k++) {
        const d = evaluateTrigger(host, { cpuMhz: fc(9000, 9000) }, t0 + k * 300, state, BACKOFF, {
          cpuMhz: 5000,
        });
        if (d.action === 'open') return k + 1;
        if (k === 1) expect(d.explanation).toMatch(/2 of 4 confirmations \(2 more until .*false alarm\)/);
        state = d.state;
      }
      return undefined;
    };
    const falseAlarm = cycle(5000, INITIAL_TRIGGER_STATE, 0);
    expect(falseAlarm.out.filter((a) => a === 'close')).toHaveLength(1);
    expect(falseAlarm.state.backoffUntil).toBeGreaterThan(0);
    expect(opensAfter(falseAlarm.state, 7200)).toBe(4);
    // a day later the back-off is over
    expect(opensAfter(falseAlarm.state, 7200 + 86400)).toBe(2);
    // an event during which the load did cross the line was no false alarm
    const real = cycle(8500, INITIAL_TRIGGER_STATE, 0);
    expect(real.state.backoffUntil).toBeUndefined();
    expect(opensAfter(real.state, 7200)).toBe(2);
    // without any current load (none passed, none in the forecast) it cannot tell, and does not back off
    let s: TriggerState = INITIAL_TRIGGER_STATE;
    for (let k = 0; k < 20; k++)
      s = evaluateTrigger(
        host,
        { cpuMhz: k < 2 ? fc(9000, 9000) : fc(6000, 6000) },
        k * 300,
        s,
        BACKOFF,
      ).state;
    expect(s.open).toBe(false);
    expect(s.backoffUntil).toBeUndefined();
    // off by default
    expect(
      evaluateTrigger(
        host,
        { cpuMhz: fc(6000, 6000) },
        3900,
        {
          ...falseAlarm.state,
          open: true,
          backoffUntil: undefined,
          crossedWhileOpen: false,
          clearStreak: 5,
          openedAt: 0,
        },
        UPPER,
      ).state.backoffUntil,
    ).toBeUndefined();
  });

  it('checks memory too and flags a late warning', () => {
    const t: CapacityTarget = { ...host, capacity: { cpuMhz: 10000, memMb: 1000 } };
    const mem: SeriesForecast = { ...fc(900, 900), metric: 'memMb' };
    const d = evaluateTrigger(t, { cpuMhz: fc(1000, 1000), memMb: mem }, 0, INITIAL_TRIGGER_STATE, UPPER, {
      memMb: 790,
    });
    expect(d.breach?.metric).toBe('memMb');
    expect(d.explanation).toMatch(/late/);
  });

  it('by default breaches on the point forecast, not an upper bound alone', () => {
    // upper 9000 > 8000 but point 7200 < 8000
    expect(evaluateTrigger(host, { cpuMhz: fc(9000, 9000) }, 0).breach).toBeUndefined();
    // point 0.8 x 11000 = 8800 > 8000
    const d = evaluateTrigger(host, { cpuMhz: fc(11000, 11000) }, 0);
    expect(d.breach).toMatchObject({ source: 'forecast', horizonSeconds: 3600 });
    expect(d.explanation).toMatch(/point forecast/);
  });

  const withTrend = (trend: RecentTrend): SeriesForecast => ({ ...fc(5000, 5000), trend });
  const perHour = (x: number) => x / 3600;

  it('opens on a steady ramp whose 2 h extrapolation crosses, after two confirmations, with the crossing time', () => {
    // level 6000 rising 1500/h steadily: 9000 in 2 h > 8000; crossing in (8000-6000)/1500 h = 80 min
    const ramp = withTrend({
      windowSeconds: 7200,
      level: 6000,
      slope: perHour(1500),
      leftSlope: perHour(1400),
      rightSlope: perHour(1600),
    });
    let state: TriggerState = INITIAL_TRIGGER_STATE;
    const actions = [0, 1].map((k) => {
      const d = evaluateTrigger(host, { cpuMhz: ramp }, k * 300, state);
      state = d.state;
      return d;
    });
    expect(actions.map((d) => d.action)).toEqual(['none', 'open']);
    expect(actions[1].breach).toMatchObject({ source: 'trend', crossingInSeconds: 4800 });
    expect(actions[1].explanation).toMatch(/rising steadily.*crossing expected in ~80 min/);
  });

  it('while the 2 h line rises steadily, opens on the upper bound within 4 h, and not on a step', () => {
    // 900/h from 6000: the line stays under 8000 for 2 h; the 4 h upper bound (9000) crosses
    const line = { windowSeconds: 7200, level: 6000, slope: perHour(900) };
    const slow = { ...fc(5000, 9000), trend: { ...line, leftSlope: perHour(900), rightSlope: perHour(900) } };
    const d = evaluateTrigger(host, { cpuMhz: slow }, 0, { ...INITIAL_TRIGGER_STATE, trendStreak: 1 });
    expect(d.action).toBe('open');
    expect(d.breach).toMatchObject({ source: 'trend-upper', horizonSeconds: 14400, upper: 9000 });
    expect(d.explanation).toMatch(
      /rising steadily for 120 min \(900\/h\) and the 90% upper bound .* at \+4 h/,
    );
    // a step (one half-slope flat) under the same bounds: the upper bound alone does not count
    const step = { ...slow, trend: { ...line, leftSlope: perHour(1800), rightSlope: 0 } };
    expect(evaluateTrigger(host, { cpuMhz: step }, 0).breach).toBeUndefined();
    expect(
      evaluateTrigger(host, { cpuMhz: slow }, 0, undefined, { trendUpperLookaheadSeconds: 0 }).breach,
    ).toBeUndefined();
  });

  it('ignores a step (one half-slope flat), a falling trend, and a ramp that stays below within 2 h', () => {
    const step = withTrend({
      windowSeconds: 7200,
      level: 6000,
      slope: perHour(1500),
      leftSlope: perHour(3000),
      rightSlope: 0,
    });
    const slow = withTrend({
      windowSeconds: 7200,
      level: 6000,
      slope: perHour(900),
      leftSlope: perHour(900),
      rightSlope: perHour(900),
    });
    const falling = withTrend({
      windowSeconds: 7200,
      level: 7900,
      slope: perHour(-500),
      leftSlope: perHour(-500),
      rightSlope: perHour(-500),
    });
    for (const f of [step, slow, falling])
      expect(evaluateTrigger(host, { cpuMhz: f }, 0).breach).toBeUndefined();
    // the detector can be switched off
    const steady = withTrend({
      windowSeconds: 7200,
      level: 6000,
      slope: perHour(1500),
      leftSlope: perHour(1500),
      rightSlope: perHour(1500),
    });
    expect(
      evaluateTrigger(host, { cpuMhz: steady }, 0, undefined, { trendLookaheadSeconds: 0 }).breach,
    ).toBeUndefined();
  });

  const short = (t: Partial<RecentTrend>): SeriesForecast => ({
    ...fc(5000, 5000),
    shortTrend: {
      windowSeconds: 2700,
      level: 5000,
      slope: perHour(4000),
      leftSlope: perHour(4000),
      rightSlope: perHour(4000),
      ...t,
    },
  });

  it('opens on its own on a fast ramp seen by the 45-min window, after two confirmations', () => {
    // level 5000 rising 4000/h: 9000 in 1 h > 8000; crossing in 3000/4000 h = 45 min; the 2 h trend is absent
    let state: TriggerState = INITIAL_TRIGGER_STATE;
    const d = [0, 1].map((k) => {
      const x = evaluateTrigger(host, { cpuMhz: short({}) }, k * 300, state);
      state = x.state;
      return x;
    });
    expect(d.map((x) => x.action)).toEqual(['none', 'open']);
    expect(d[0].explanation).toMatch(/1 of 2 confirmations/);
    expect(d[1].breach).toMatchObject({
      source: 'short-trend',
      crossingInSeconds: 2700,
      horizonSeconds: 3600,
    });
    expect(d[1].explanation).toMatch(/rising fast: the last 45 min's trend.*crossing expected in ~45 min/);
    expect(d[1].state.shortTrendStreak).toBe(2);
    // it keeps the event open while the fast ramp's extrapolation stays above the clear level
    const kept = evaluateTrigger(host, { cpuMhz: short({}) }, 7200, d[1].state);
    expect(kept.action).toBe('keep-open');
  });

  it('ignores a short step, or when switched off; a minimum slope can be asked for', () => {
    // 1000/h over the last 45 min, from 6750 to 7500: extrapolated 1 h it reaches 8500 > 8000
    const line = Array.from({ length: 9 }, (_, k) => 7500 - (8 - k) * (1000 / 12));
    const rise = { ...fc(5000, 5000), shortTrend: recentTrend(line, 8, 300, 9) };
    expect(evaluateTrigger(host, { cpuMhz: rise }, 0).breach?.source).toBe('short-trend');
    // 1000/h is 12.5% of the threshold per hour: a 30% minimum slope rejects it
    expect(
      evaluateTrigger(host, { cpuMhz: rise }, 0, undefined, { shortTrendMinSlopeShare: 0.3 }).breach,
    ).toBeUndefined();
    const step = short({ leftSlope: perHour(8000), rightSlope: 0 });
    expect(evaluateTrigger(host, { cpuMhz: step }, 0).breach).toBeUndefined();
    expect(
      evaluateTrigger(host, { cpuMhz: short({}) }, 0, undefined, { shortTrendLookaheadSeconds: 0 }).breach,
    ).toBeUndefined();
  });

  it('never extrapolates above the ceiling (a VM above its configured size)', () => {
    // the fast ramp of the test above, on a series whose ceiling (7,900) is below the threshold (8,000)
    const capped = { ...short({}), ceiling: 7900 };
    expect(evaluateTrigger(host, { cpuMhz: capped }, 0).breach).toBeUndefined();
    // the same point forecast breach is capped too
    expect(
      evaluateTrigger(host, { cpuMhz: { ...fc(11000, 11000), ceiling: 7900 } }, 0).breach,
    ).toBeUndefined();
    expect(evaluateTrigger(host, { cpuMhz: { ...short({}), ceiling: 9000 } }, 0).breach?.upper).toBe(9000);
  });

  it('opens on a young ramp seen by the onset fit, and not on a step', () => {
    // flat at 3000 (+-20) for 2.5 h, then rising 400 per 5 min for the last 40 min
    const flatThen = (f: (k: number) => number) =>
      Array.from({ length: 38 }, (_, k) => 3000 + (k % 2 ? 20 : -20) + (k >= 30 ? f(k - 29) : 0));
    const withOnset = (v: number[]): SeriesForecast => ({
      ...fc(5000, 5000),
      ramp: fitRampOnset(v, v.length - 1, 300, noiseScale(v, v.length - 1)!),
    });
    // only the onset detector, so the test shows it alone
    const only = { trendLookaheadSeconds: 0, shortTrendLookaheadSeconds: 0 };
    const ramp = withOnset(flatThen((j) => 400 * j));
    expect(ramp.ramp!.slope * 300).toBeGreaterThan(200);
    expect(ramp.ramp!.sinceSeconds).toBeGreaterThanOrEqual(1800);
    const d = evaluateTrigger(host, { cpuMhz: ramp }, 0, { ...INITIAL_TRIGGER_STATE, onsetStreak: 1 }, only);
    expect(d.action).toBe('open');
    expect(d.breach?.source).toBe('onset');
    expect(d.explanation).toMatch(/ramping since \d+ min ago .*more than 4 standard errors/);
    expect(d.state.onsetStreak).toBe(2);
    // a step to 6500 (every sample since it equally high) is not a ramp
    const step = withOnset(flatThen(() => 3500));
    expect(evaluateTrigger(host, { cpuMhz: step }, 0, undefined, only).breach).toBeUndefined();
    // switched off, the ramp has no onset breach
    expect(
      evaluateTrigger(host, { cpuMhz: ramp }, 0, undefined, { ...only, onsetLookaheadSeconds: 0 }).breach,
    ).toBeUndefined();
  });

  it('while an onset is under way, opens on the upper bound of what is rising, and not without an onset', () => {
    // flat at 3000 (+-20) for 2.5 h, then rising 100 per 5 min for the last 40 min: the onset's own line reaches
    // ~5000 in 1 h, far below the threshold (8000); the 1 h upper bound (9000) crosses it
    const series = (rise: number) =>
      Array.from({ length: 38 }, (_, k) => 3000 + (k % 2 ? 20 : -20) + (k >= 30 ? rise * (k - 29) : 0));
    const withOnset = (v: number[], f: SeriesForecast = fc(9000, 7000)): SeriesForecast => ({
      ...f,
      ramp: fitRampOnset(v, v.length - 1, 300, noiseScale(v, v.length - 1)!),
    });
    const only = { trendLookaheadSeconds: 0, shortTrendLookaheadSeconds: 0 };
    const ramping = withOnset(series(100));
    const d = evaluateTrigger(
      host,
      { cpuMhz: ramping },
      0,
      { ...INITIAL_TRIGGER_STATE, onsetStreak: 1 },
      only,
    );
    expect(d.action).toBe('open');
    expect(d.breach?.source).toBe('onset-upper');
    expect(d.breach?.upper).toBe(9000);
    expect(d.explanation).toMatch(/ramping since \d+ min ago .* upper bound of what is rising reaches 9000/);
    // the same bounds on a flat series: no onset, so the upper bound alone does not count (breachOn 'point')
    expect(
      evaluateTrigger(host, { cpuMhz: withOnset(series(0)) }, 0, undefined, only).breach,
    ).toBeUndefined();
    // a rollup whose rising part's spread stays under the line: its risingUpper, not its upper, is watched
    const rollup = withOnset(series(100), {
      ...fc(9000, 7000),
      horizons: fc(9000, 7000).horizons.map((h) => ({ ...h, risingUpper: h.point + 500 })),
    });
    expect(evaluateTrigger(host, { cpuMhz: rollup }, 0, undefined, only).breach).toBeUndefined();
    expect(
      evaluateTrigger(host, { cpuMhz: ramping }, 0, undefined, { ...only, onsetUpperLookaheadSeconds: 0 })
        .breach,
    ).toBeUndefined();
  });

  it('accepts a state stored before the ramp detector (no trendStreak)', () => {
    const old: TriggerState = { open: false, breachStreak: 1, clearStreak: 0 };
    const d = evaluateTrigger(host, { cpuMhz: fc(11000, 11000) }, 0, old);
    expect(d.action).toBe('open');
    const noShort: TriggerState = { open: false, breachStreak: 0, trendStreak: 0, clearStreak: 0 };
    const s = evaluateTrigger(host, { cpuMhz: short({}) }, 0, noShort);
    expect(s.state.shortTrendStreak).toBe(1);
  });
});
