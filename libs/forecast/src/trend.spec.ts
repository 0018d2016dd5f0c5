import { describe, expect, it } from 'vitest';
import { noiseScale, recentTrend, SHORT_TREND_WINDOW_SLOTS, sumTrends } from './trend';

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

  it('measures noise from 5-min differences, which a daily cycle barely moves', () => {
    // alternating +-10 around a slow daily sine of amplitude 1000: differences of 20 +- the sine's ~22 per step
    const v = Array.from(
      { length: 288 },
      (_, k) => 5000 + 1000 * Math.sin((2 * Math.PI * k) / 288) + (k % 2 ? 10 : -10),
    );
    const n = noiseScale(v, 287)!;
    expect(n).toBeGreaterThan(14);
    expect(n).toBeLessThan(40);
    // the sine alone, sampled as coarsely, is 10x larger than that per sample over the day
    expect(1000 * Math.SQRT1_2).toBeGreaterThan(10 * n);
    expect(noiseScale([1, 2, 3], 2)).toBeUndefined();
  });
});
