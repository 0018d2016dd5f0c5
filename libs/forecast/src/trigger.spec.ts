import { describe, expect, it } from 'vitest';
import { evaluateTrigger, INITIAL_TRIGGER_STATE, type CapacityTarget, type TriggerState } from './trigger';
import type { SeriesForecast } from './types';

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

function run(uppers: [number, number][], start: TriggerState = INITIAL_TRIGGER_STATE) {
  let state = start;
  return uppers.map(([a, b], k) => {
    const d = evaluateTrigger(host, { cpuMhz: fc(a, b) }, k * 300, state, {}, { cpuMhz: 5000 });
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
    expect(evaluateTrigger(host, { cpuMhz: fc(5000, 5000, 20000) }, 0).breach).toBeUndefined();
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
      const d = evaluateTrigger(host, { cpuMhz: fc(6000, 6000) }, k * 300, state);
      actions.push(d.action);
      state = d.state;
    }
    // opened at t=300; 3 clear evaluations reached at t=600 but the minimum hour holds it until t=3900 (k=13)
    expect(actions.indexOf('close')).toBe(13);
    expect(state.open).toBe(false);
  });

  it('checks memory too and flags a late warning', () => {
    const t: CapacityTarget = { ...host, capacity: { cpuMhz: 10000, memMb: 1000 } };
    const mem: SeriesForecast = { ...fc(900, 900), metric: 'memMb' };
    const d = evaluateTrigger(
      t,
      { cpuMhz: fc(1000, 1000), memMb: mem },
      0,
      INITIAL_TRIGGER_STATE,
      {},
      { memMb: 790 },
    );
    expect(d.breach?.metric).toBe('memMb');
    expect(d.explanation).toMatch(/late/);
  });
});
