import { describe, expect, it } from 'vitest';
import { selectKth } from './stats';

describe('selectKth', () => {
  it('returns what sorting would, for every k, with duplicates and negatives', () => {
    let x = 12345;
    const next = () => {
      x = (x * 1103515245 + 12345) % 2 ** 31;
      return x / 2 ** 31;
    };
    for (const n of [1, 2, 3, 7, 12, 50, 288]) {
      const values = Array.from({ length: n }, () => Math.round((next() - 0.5) * 20) + 0); // + 0: no -0
      const sorted = [...values].sort((a, b) => a - b);
      for (let k = 0; k < n; k++) {
        const buf = Float64Array.from(values);
        expect(selectKth(buf, n, k)).toBe(sorted[k]);
      }
    }
  });

  it('only reads the first n entries', () => {
    const buf = Float64Array.from([5, 1, 3, -100, -100]);
    expect(selectKth(buf, 3, 1)).toBe(3);
  });
});
