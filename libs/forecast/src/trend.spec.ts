import { describe, expect, it } from 'vitest';
import { recentTrend, SHORT_TREND_WINDOW_SLOTS, shortTrend, sumTrends } from './trend';

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

  it('fits the short 45-min window (pair means of the last 9 samples) on those samples only', () => {
    const v = Array.from({ length: 30 }, (_, k) => (k < 21 ? 500 : 100 + 10 * k));
    const t = shortTrend(v, 29, 300)!;
    expect(t.windowSeconds).toBe(SHORT_TREND_WINDOW_SLOTS * 300);
    expect(t.slope * 300).toBeCloseTo(10, 6);
    expect(t.leftSlope * 300).toBeCloseTo(10, 6);
    expect(t.rightSlope * 300).toBeCloseTo(10, 6);
    expect(t.level).toBeCloseTo(390, 6);
    expect(shortTrend(v, 7, 300)).toBeUndefined(); // 8 samples: not a full window
  });

  it('sees a ramp under a high/low alternation every sample that the raw thirds of 3 miss', () => {
    // a 10-min job sampled every 5 min: +-40 around a ramp of 5 per sample
    const v = Array.from({ length: 30 }, (_, k) => 200 + 5 * k + (k % 2 ? 40 : -40));
    const steady = (t: ReturnType<typeof recentTrend>) =>
      t !== undefined &&
      t.leftSlope > 0 &&
      t.rightSlope > 0 &&
      Math.min(t.leftSlope, t.rightSlope) >= 0.5 * Math.max(t.leftSlope, t.rightSlope);
    for (const end of [28, 29]) {
      const paired = shortTrend(v, end, 300)!;
      expect(steady(paired)).toBe(true);
      expect(paired.slope * 300).toBeCloseTo(5, 6);
      expect(paired.level).toBeCloseTo(200 + 5 * end, 6); // the line without the alternation
      // the raw medians of 3 follow the phase: one of the two ends fails the half-slope test
    }
    expect([28, 29].every((end) => steady(recentTrend(v, end, 300, SHORT_TREND_WINDOW_SLOTS)))).toBe(false);
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
