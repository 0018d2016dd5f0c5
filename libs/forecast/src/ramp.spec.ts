import { describe, expect, it } from 'vitest';
import { fitRampOnset, noiseScale, sumRampFits, type RampFit } from './ramp';

/** Deterministic noise: a fixed pseudo-random sequence (LCG), scaled. */
function noisy(n: number, sd: number, seed = 7): number[] {
  let x = seed;
  return Array.from({ length: n }, () => {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    return ((x / 2 ** 31) * 2 - 1) * sd * Math.sqrt(3);
  });
}

describe('noiseScale', () => {
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

describe('fitRampOnset', () => {
  it('finds a ramp under noise: its slope, its age, and a large t', () => {
    // 3 h flat at 1000 (+-50 noise), then +40 per 5 min for the last 60 min
    const e = noisy(48, 50);
    const v = e.map((x, k) => 1000 + x + (k >= 36 ? 40 * (k - 35) : 0));
    const noise = noiseScale(v, 47)!;
    const r = fitRampOnset(v, 47, 300, noise)!;
    expect(r.slope * 300).toBeGreaterThan(25);
    expect(r.slope * 300).toBeLessThan(55);
    expect(r.sinceSeconds).toBeGreaterThanOrEqual(45 * 60);
    expect(r.sinceSeconds).toBeLessThanOrEqual(90 * 60);
    expect(r.slope / r.slopeSe).toBeGreaterThan(6);
    expect(r.level).toBeGreaterThan(1300);
    expect(r.level).toBeLessThan(1700);
  });

  it('sees a ramp three samples old on a quiet series', () => {
    // 2 h flat at 20000 (+-40 noise), then +1000 per 5 min for the last 3 samples: an onset window of 6 would
    // hold 3 flat samples and fail the thirds' even climb
    const e = noisy(28, 40, 5);
    const v = e.map((x, k) => 20000 + x + (k >= 25 ? 1000 * (k - 24) : 0));
    const r = fitRampOnset(v, 27, 300, noiseScale(v, 27)!)!;
    expect(r.sinceSeconds).toBeLessThanOrEqual(25 * 60);
    expect(r.slope * 300).toBeGreaterThan(600);
    expect(r.slope / r.slopeSe).toBeGreaterThan(4);
  });

  it('does not take a burst, a step or plain noise for a ramp', () => {
    const e = noisy(48, 50, 11);
    const flat = e.map((x) => 1000 + x);
    const burst = flat.map((x, k) => (k === 45 ? x + 3000 : x));
    const step = flat.map((x, k) => (k >= 40 ? x + 800 : x));
    for (const v of [flat, burst, step]) {
      const r = fitRampOnset(v, 47, 300, noiseScale(v, 47)!)!;
      // no onset with a ramp's shape (a flat fit at the recent level), or one below the trigger's 4
      expect(r.slope / r.slopeSe).toBeLessThan(4);
      expect(Math.abs(r.level - v[47])).toBeLessThan(1000);
    }
    // the flat fit keeps the recent level, so a host's sum of fits has every VM's level
    const none = fitRampOnset(step, 47, 300, noiseScale(step, 47)!)!;
    expect(none.slope).toBe(0);
    expect(none.level).toBeGreaterThan(1700);
  });

  it('needs the window and the hour before it', () => {
    const v = Array.from({ length: 15 }, (_, k) => k);
    expect(fitRampOnset(v, 14, 300, 1)).toBeUndefined(); // 4 samples + 12 before = 16 > 15
    expect(fitRampOnset([...v, 15], 15, 300, 1)).toBeDefined();
  });
});

describe('sumRampFits', () => {
  const fit = (slope: number, slopeSe: number, level = 100): RampFit => ({
    level,
    slope,
    slopeSe,
    sinceSeconds: 1800,
    noise: 10,
  });
  it('adds levels of all parts but slopes of significant parts only', () => {
    // one ramping part (t = 10) and two flat parts whose best onsets are slightly positive (t = 1)
    const s = sumRampFits([fit(10, 1), fit(1, 1), fit(1, 1)])!;
    expect(s.level).toBe(300);
    expect(s.slope).toBe(10);
    expect(s.slopeSe).toBe(1);
    // many flat parts alone add up to no slope, not a significant one
    const flat = sumRampFits(Array.from({ length: 30 }, () => fit(1.5, 1)))!;
    expect(flat.slope).toBe(0);
    expect(sumRampFits([fit(10, 1), undefined])).toBeUndefined();
  });
});
