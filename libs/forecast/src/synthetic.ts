// Test helpers only (not exported from the library).
import { cleanRegular, type CleanSeries } from './clean';

export const T0 = Date.UTC(2024, 0, 1) / 1000;

export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** Daily sine around `base` plus AR(1) noise; deterministic per seed. */
export function dailySeries(days: number, seed: number, base = 1000, amp = 400, noise = 40): Float64Array {
  const r = lcg(seed);
  const n = days * 288;
  const v = new Float64Array(n);
  let e = 0;
  for (let i = 0; i < n; i++) {
    e = 0.8 * e + noise * (r() + r() + r() - 1.5);
    v[i] = Math.max(0, base + amp * Math.sin((2 * Math.PI * i) / 288) + e);
  }
  return v;
}

export function series(values: Float64Array): CleanSeries {
  return cleanRegular(T0, values);
}
