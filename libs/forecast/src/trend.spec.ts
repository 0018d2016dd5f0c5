import { describe, expect, it } from 'vitest';
import { recentTrend, SHORT_TREND_WINDOW_SLOTS, sumTrends } from './trend';

describe('recentTrend', () => {
  it('fits a straight line exactly and barely moves for a single spike', () => {
    const v = Array.from({ length: 30 }, (_, k) => 100 + 10 * k);
    const t = recentTrend(v, 29, 300)!;
    expect(t.windowSeconds).toBe(7200);
    expect(t.slope * 300).toBeCloseTo(10, 6);
    expect(t.leftSlope * 300).toBeCloseTo(10, 6);
    expect(t.rightSlope * 300).toBeCloseTo(10, 6);
    expect(t.level).toBeCloseTo(390, 6);
    v[25] = 5000; // a burst in the last third: the median shifts by at most half a step
    const s = recentTrend(v, 29, 300)!;
    expect(Math.abs(s.slope * 300 - 10)).toBeLessThan(1);
    expect(Math.abs(s.level - 390)).toBeLessThan(20); // the spike is 4,600 above the line
  });

  it('fits the short 45-min window (thirds of 3 samples) on the last 9 samples only', () => {
    const v = Array.from({ length: 30 }, (_, k) => (k < 21 ? 500 : 100 + 10 * k));
    const t = recentTrend(v, 29, 300, SHORT_TREND_WINDOW_SLOTS)!;
    expect(t.windowSeconds).toBe(2700);
    expect(t.slope * 300).toBeCloseTo(10, 6);
    expect(t.level).toBeCloseTo(390, 6);
  });

  it('tells a step from a ramp by its half-slopes', () => {
    const v = Array.from({ length: 24 }, (_, k) => (k < 14 ? 0 : 1000));
    const t = recentTrend(v, 23, 300)!;
    expect(t.slope).toBeGreaterThan(0);
    expect(Math.min(t.leftSlope, t.rightSlope)).toBeLessThanOrEqual(0);
  });

  it('needs a full window and sums component trends', () => {
    expect(recentTrend([1, 2, 3], 2, 300)).toBeUndefined();
    const a = recentTrend(
      Array.from({ length: 24 }, (_, k) => k),
      23,
      300,
    )!;
    const s = sumTrends([a, a])!;
    expect(s.slope).toBeCloseTo(2 * a.slope, 12);
    expect(s.level).toBeCloseTo(2 * a.level, 12);
    expect(sumTrends([a, undefined])).toBeUndefined();
  });
});
