import { CholeskyDecomposition, Matrix, solve } from 'ml-matrix';
import { MultivariateLinearRegression } from 'ml-regression';

/** The serialised form of ml-regression's MultivariateLinearRegression (what its toJSON() writes). */
export interface LinearModelJSON {
  name: 'multivariateLinearRegression';
  weights: number[][];
  inputs: number;
  outputs: number;
  intercept: boolean;
}

/**
 * Ridge regression on standardised columns, solved with ml-matrix (Cholesky, SVD if that fails), returned as an
 * ml-regression MultivariateLinearRegression model on the raw columns (scaling folded into the weights), so the
 * returned JSON is that library's own format (MultivariateLinearRegression.load() reads it; its predict() runs).
 *
 * x is row-major (rows x cols). lambda is relative: the penalty is lambda * rows on standardised weights.
 * A constant column gets weight 0.
 */
export interface RidgeOptions {
  /** relative penalty: lambda * rows on the standardised weights (the intercept is not penalised) */
  lambda: number;
  /**
   * 'l2' = least squares; 'huber' = iteratively reweighted least squares with Huber weights whose threshold is
   * huberK x the median absolute residual, which tends to the median (L1) regression as huberK shrinks.
   */
  loss?: 'l2' | 'huber';
  iterations?: number;
  huberK?: number;
}

export function fitRidge(
  x: Float64Array,
  y: Float64Array,
  rows: number,
  cols: number,
  options: RidgeOptions,
): LinearModelJSON {
  const mu = new Float64Array(cols);
  const sd = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    for (let c = 0; c < cols; c++) mu[c] += x[o + c];
  }
  for (let c = 0; c < cols; c++) mu[c] /= rows;
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    for (let c = 0; c < cols; c++) {
      const d = x[o + c] - mu[c];
      sd[c] += d * d;
    }
  }
  const scale = new Float64Array(cols);
  for (let c = 0; c < cols; c++) {
    sd[c] = Math.sqrt(sd[c] / rows);
    scale[c] = sd[c] > 1e-12 * (1 + Math.abs(mu[c])) ? 1 / sd[c] : 0;
  }
  // standardised design with an explicit, unpenalised intercept column 0
  const p = cols + 1;
  const xs = new Float64Array(rows * p);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    const q = r * p;
    xs[q] = 1;
    for (let c = 0; c < cols; c++) xs[q + 1 + c] = (x[o + c] - mu[c]) * scale[c];
  }
  const loss = options.loss ?? 'l2';
  const iterations = loss === 'l2' ? 0 : (options.iterations ?? 4);
  const huberK = options.huberK ?? 1;
  const w = new Float64Array(rows).fill(1);
  const res = new Float64Array(rows);
  let beta = solveWeighted(xs, y, w, rows, p, options.lambda);
  for (let it = 0; it < iterations; it++) {
    for (let r = 0; r < rows; r++) {
      let f = 0;
      const q = r * p;
      for (let c = 0; c < p; c++) f += beta[c] * xs[q + c];
      res[r] = Math.abs(y[r] - f);
    }
    const mad = quickMedian(res);
    const delta = Math.max(huberK * mad, 1e-9);
    for (let r = 0; r < rows; r++) w[r] = res[r] <= delta ? 1 : delta / res[r];
    beta = solveWeighted(xs, y, w, rows, p, options.lambda);
  }

  const weights: number[][] = [];
  let intercept = beta[0];
  for (let c = 0; c < cols; c++) {
    let wc = beta[c + 1] * scale[c];
    if (!Number.isFinite(wc)) wc = 0;
    weights.push([wc]);
    intercept -= wc * mu[c];
  }
  weights.push([Number.isFinite(intercept) ? intercept : 0]);
  return { name: 'multivariateLinearRegression', weights, inputs: cols, outputs: 1, intercept: true };
}

function quickMedian(a: Float64Array): number {
  const s = Float64Array.from(a).sort();
  return s.length ? s[s.length >> 1] : 0;
}

/** Solve (X'WX + ridge) beta = X'Wy with ml-matrix (Cholesky; SVD when not positive definite). */
function solveWeighted(
  xs: Float64Array,
  y: Float64Array,
  w: Float64Array,
  rows: number,
  p: number,
  lambda: number,
): Float64Array {
  const a = new Float64Array(p * p);
  const b = new Float64Array(p);
  let wsum = 0;
  for (let r = 0; r < rows; r++) {
    const q = r * p;
    const wr = w[r];
    wsum += wr;
    const yr = y[r] * wr;
    for (let c = 0; c < p; c++) {
      const v = xs[q + c];
      if (v === 0) continue;
      b[c] += v * yr;
      const vw = v * wr;
      const base = c * p;
      for (let d = c; d < p; d++) a[base + d] += vw * xs[q + d];
    }
  }
  const A = new Matrix(p, p);
  const B = new Matrix(p, 1);
  const ridge = (lambda + 1e-9) * wsum;
  for (let c = 0; c < p; c++) {
    for (let d = c; d < p; d++) {
      A.set(c, d, a[c * p + d]);
      A.set(d, c, a[c * p + d]);
    }
    if (c > 0) A.set(c, c, A.get(c, c) + ridge);
    B.set(c, 0, b[c]);
  }
  const chol = new CholeskyDecomposition(A);
  const sol = chol.isPositiveDefinite() ? chol.solve(B) : solve(A, B, true);
  return Float64Array.from(sol.getColumn(0));
}

export function loadLinearModel(json: LinearModelJSON): MultivariateLinearRegression {
  return MultivariateLinearRegression.load(json);
}

/** Dot product with the model's weights, without the per-call array allocations of predict(). */
export function predictRow(weights: readonly (readonly number[])[], features: ArrayLike<number>): number {
  const n = weights.length - 1;
  let s = weights[n][0];
  for (let c = 0; c < n; c++) s += weights[c][0] * features[c];
  return s;
}
