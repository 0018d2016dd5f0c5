import { describe, expect, it } from 'vitest';
import { fitRidge, loadLinearModel } from './ridge';
import { lcg } from './synthetic';

function data(rows: number, outliers: number) {
  const r = lcg(11);
  const x = new Float64Array(rows * 3);
  const y = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const a = r() * 10;
    const b = r() * 5;
    x.set([a, b, 7], i * 3); // third column constant
    y[i] = 2 * a - 3 * b + 4 + (r() - 0.5) * 0.01 + (i < outliers ? 500 : 0);
  }
  return { x, y };
}

describe('fitRidge', () => {
  it('recovers linear coefficients, gives a constant column weight 0, and loads into ml-regression', () => {
    const { x, y } = data(400, 0);
    const json = fitRidge(x, y, 400, 3, { lambda: 1e-8 });
    const w = json.weights.map((r) => r[0]);
    expect(w[0]).toBeCloseTo(2, 2);
    expect(w[1]).toBeCloseTo(-3, 2);
    expect(w[2]).toBe(0);
    expect(w[3]).toBeCloseTo(4, 1);
    expect(loadLinearModel(json).predict([1, 1, 7])[0]).toBeCloseTo(3, 1);
  });

  it('with the Huber loss, resists outliers that drag least squares', () => {
    const { x, y } = data(400, 40);
    const l2 = fitRidge(x, y, 400, 3, { lambda: 1e-8 }).weights.map((r) => r[0]);
    const hub = fitRidge(x, y, 400, 3, { lambda: 1e-8, loss: 'huber', iterations: 8 }).weights.map(
      (r) => r[0],
    );
    expect(Math.abs(hub[3] - 4)).toBeLessThan(Math.abs(l2[3] - 4) / 5);
  });
});
