import { describe, expect, it } from 'vitest';
import { cleanSeries } from './clean';

const T0 = 1_700_000_100 - (1_700_000_100 % 300);

describe('cleanSeries', () => {
  it('sorts, averages duplicates, drops negative/absurd/non-finite values and reports each', () => {
    const s = cleanSeries(
      [
        { t: T0 + 600, v: 30 },
        { t: T0, v: 10 },
        { t: T0 + 300, v: 20 },
        { t: T0 + 300, v: 40 },
        { t: T0 + 900, v: -5 },
        { t: T0 + 1200, v: 1e9 },
        { t: T0 + 1500, v: NaN },
        { t: NaN, v: 1 },
        { t: T0 + 1800, v: 70 },
      ],
      { maxValue: 1000, minObservedSlots: 1 },
    );
    const r = s.report;
    expect(r.outOfOrder).toBe(3); // T0, T0+300 and T0+300 came after T0+600
    expect(r.duplicates).toBe(1);
    expect(r.negative).toBe(1);
    expect(r.absurd).toBe(1);
    expect(r.nonFinite).toBe(1);
    expect(r.badTimestamps).toBe(1);
    expect(Array.from(s.values.subarray(0, 3))).toEqual([10, 30, 30]);
    // slots 3, 4, 5 missing between 30 and 70: interpolated 40, 50, 60
    expect(Array.from(s.values.subarray(3))).toEqual([40, 50, 60, 70]);
    expect(r.interpolated).toBe(3);
    expect(Array.from(s.observed)).toEqual([1, 1, 1, 0, 0, 0, 1]);
  });

  it('fills a long gap from the day before and back-fills a leading gap', () => {
    const samples = [];
    for (let i = 0; i < 3 * 288; i++) {
      if (i < 5 || (i >= 300 && i < 400)) continue;
      samples.push({ t: T0 + i * 300, v: (i % 288) + 1 });
    }
    samples.unshift({ t: T0, v: null });
    const s = cleanSeries(samples, { minObservedSlots: 1 });
    expect(s.report.longestGapSlots).toBe(100);
    expect(s.report.seasonalFilled).toBe(100);
    expect(s.values[350]).toBe((350 % 288) + 1);
    expect(s.values[0]).toBe(6);
    expect(s.report.carried).toBe(5);
  });

  it('never throws on empty or hopeless input and marks it too short', () => {
    expect(cleanSeries([]).report.empty).toBe(true);
    const s = cleanSeries([
      { t: T0, v: -1 },
      { t: T0 + 300, v: null },
    ]);
    expect(s.report.empty).toBe(true);
    expect(s.report.tooShort).toBe(true);
    expect(Array.from(s.values)).toEqual([0, 0]);
    expect(cleanSeries([{ t: T0, v: 5 }]).report.tooShort).toBe(true);
  });
});
