import { describe, expect, it } from 'vitest';
import {
  fitHoltWinters,
  holtWintersForecast,
  holtWintersInit,
  holtWintersUpdate,
  seasonalNaiveForecast,
} from './baselines';

describe('baselines', () => {
  it('seasonal naive looks back whole seasons, never past the origin', () => {
    const v = Array.from({ length: 20 }, (_, i) => i);
    expect(seasonalNaiveForecast(v, 10, 2, 5)).toBe(7);
    expect(seasonalNaiveForecast(v, 10, 5, 5)).toBe(10);
    expect(seasonalNaiveForecast(v, 10, 6, 5)).toBe(6);
  });

  it('Holt-Winters learns a seasonal pattern with a trend and forecasts it', () => {
    const m = 24;
    const pattern = (i: number) => 100 + 0.5 * i + 30 * Math.sin((2 * Math.PI * i) / m);
    const v = Array.from({ length: 10 * m }, (_, i) => pattern(i));
    const p = fitHoltWinters(v, 0, v.length, m);
    const st = holtWintersInit(v, 0, m);
    for (let t = st.t + 1; t < v.length; t++) holtWintersUpdate(st, v[t], p);
    for (const h of [1, 6, 12, 24])
      expect(Math.abs(holtWintersForecast(st, h, p) - pattern(v.length - 1 + h))).toBeLessThan(3);
  });
});
