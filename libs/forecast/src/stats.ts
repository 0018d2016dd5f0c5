/** Linear-interpolated empirical quantile (type 7); 0 for an empty sample. Does not modify xs. */
export function quantile(xs: ArrayLike<number>, q: number): number {
  const n = xs.length;
  if (n === 0) return 0;
  const s = Float64Array.from(xs).sort();
  const pos = Math.min(1, Math.max(0, q)) * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

export function median(xs: ArrayLike<number>): number {
  return quantile(xs, 0.5);
}

/** Accumulates forecast errors for one series: MAE, WAPE and interval coverage. */
export class ErrorAccumulator {
  count = 0;
  absError = 0;
  absActual = 0;
  covered = 0;
  /** sum of interval widths: coverage alone rewards an interval as wide as the sky */
  width = 0;

  add(actual: number, point: number, lower: number, upper: number): void {
    this.count++;
    this.absError += Math.abs(actual - point);
    this.absActual += Math.abs(actual);
    this.width += upper - lower;
    if (actual >= lower && actual <= upper) this.covered++;
  }

  merge(o: ErrorAccumulator): void {
    this.count += o.count;
    this.absError += o.absError;
    this.absActual += o.absActual;
    this.covered += o.covered;
    this.width += o.width;
  }

  mae(): number {
    return this.count ? this.absError / this.count : NaN;
  }
  /** MAE scaled by the in-sample seasonal-naive MAE (Hyndman and Koehler 2006). */
  mase(scale: number): number {
    return scale > 0 && this.count ? this.mae() / scale : NaN;
  }
  wape(): number {
    return this.absActual > 0 ? this.absError / this.absActual : NaN;
  }
  coverage(): number {
    return this.count ? this.covered / this.count : NaN;
  }
  /** mean interval width over mean |actual| (pooled): how much capacity the interval asks to reserve */
  relativeWidth(): number {
    return this.absActual > 0 ? this.width / this.absActual : NaN;
  }
}

/** In-sample MAE of the seasonal naive forecast y[t] = y[t-m] over observed pairs: the MASE scale. */
export function seasonalNaiveScale(
  values: ArrayLike<number>,
  observed: ArrayLike<number>,
  m: number,
  from = 0,
  to = values.length,
): number {
  let s = 0;
  let c = 0;
  for (let t = Math.max(from, m); t < to; t++) {
    if (!observed[t] || !observed[t - m]) continue;
    s += Math.abs(values[t] - values[t - m]);
    c++;
  }
  return c ? s / c : 0;
}

/**
 * The k-th smallest (0-based) of buf[0..n-1], found in place by Hoare's selection (buf is reordered): linear time,
 * for the per-forecast medians of the noise scale and the ramp fit, where sorting was the forecaster's largest
 * added cost.
 */
export function selectKth(buf: Float64Array, n: number, k: number): number {
  let lo = 0;
  let hi = n - 1;
  while (hi > lo) {
    const pivot = buf[(lo + hi) >> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (buf[i] < pivot) i++;
      while (buf[j] > pivot) j--;
      if (i <= j) {
        const t = buf[i];
        buf[i] = buf[j];
        buf[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return buf[k];
  }
  return buf[k];
}
