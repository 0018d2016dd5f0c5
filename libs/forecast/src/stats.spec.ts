import { describe, expect, it } from 'vitest';
import { ErrorAccumulator, selectKth } from './stats';

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

describe('ErrorAccumulator', () => {
  it('scores coverage and, beside it, the interval width over the actuals, also after a merge', () => {
    const a = new ErrorAccumulator();
    a.add(10, 9, 8, 12); // inside, width 4
    a.add(20, 18, 17, 19); // outside, width 2
    const b = new ErrorAccumulator();
    b.add(10, 10, 0, 1000); // inside, but as wide as the sky
    expect(a.coverage()).toBe(0.5);
    expect(a.relativeWidth()).toBeCloseTo(6 / 30, 12);
    a.merge(b);
    expect(a.coverage()).toBeCloseTo(2 / 3, 12);
    expect(a.relativeWidth()).toBeCloseTo(1006 / 40, 12);
    expect(a.wape()).toBeCloseTo(3 / 40, 12);
    expect(new ErrorAccumulator().relativeWidth()).toBeNaN();
  });
});
