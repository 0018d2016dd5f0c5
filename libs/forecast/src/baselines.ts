/**
 * Baselines the regression is measured against: naive, seasonal naive and additive Holt-Winters with a daily
 * season. All work on a filled, regular series (values) and forecast y[i + h] from origin i.
 */

export function naiveForecast(values: ArrayLike<number>, i: number, _h: number): number {
  return values[i];
}

/** y[i + h - m * ceil(h / m)]: the last value at the same phase of the season, never past the origin. */
export function seasonalNaiveForecast(values: ArrayLike<number>, i: number, h: number, m: number): number {
  const back = m * Math.ceil(h / m);
  const k = i + h - back;
  return k >= 0 ? values[k] : values[Math.max(0, i)];
}

export interface HoltWintersParams {
  alpha: number;
  beta: number;
  gamma: number;
  /** trend damping; 1 = undamped */
  phi: number;
  season: number;
}

export interface HoltWintersState {
  level: number;
  trend: number;
  /** seasonal indices, s[t mod m] */
  seasonal: Float64Array;
  /** slot index of the last observation absorbed */
  t: number;
}

/** Initialise from the first two seasons from `from`: level = first season's mean, trend from the second. */
export function holtWintersInit(values: ArrayLike<number>, from: number, m: number): HoltWintersState {
  let s1 = 0;
  let s2 = 0;
  const have2 = from + 2 * m <= values.length;
  for (let k = 0; k < m; k++) {
    s1 += values[from + k] ?? 0;
    if (have2) s2 += values[from + m + k];
  }
  const level = s1 / m;
  const trend = have2 ? (s2 / m - level) / m : 0;
  const seasonal = new Float64Array(m);
  for (let k = 0; k < m; k++) seasonal[(from + k) % m] = (values[from + k] ?? 0) - level;
  return { level, trend, seasonal, t: from + m - 1 };
}

/** Absorb observation y at slot t (= state.t + 1). Mutates the state. */
export function holtWintersUpdate(state: HoltWintersState, y: number, p: HoltWintersParams): void {
  const t = state.t + 1;
  const idx = t % p.season;
  const sPrev = state.seasonal[idx];
  const lPrev = state.level;
  const level = p.alpha * (y - sPrev) + (1 - p.alpha) * (lPrev + p.phi * state.trend);
  state.trend = p.beta * (level - lPrev) + (1 - p.beta) * p.phi * state.trend;
  state.level = level;
  state.seasonal[idx] = p.gamma * (y - level) + (1 - p.gamma) * sPrev;
  state.t = t;
}

/** h-step forecast from the state (h <= season). */
export function holtWintersForecast(state: HoltWintersState, h: number, p: HoltWintersParams): number {
  let damp = 0;
  if (p.phi === 1) damp = h;
  else {
    let f = p.phi;
    for (let k = 0; k < h; k++) {
      damp += f;
      f *= p.phi;
    }
  }
  return state.level + damp * state.trend + state.seasonal[(state.t + h) % p.season];
}

const ALPHAS = [0.02, 0.05, 0.1, 0.2, 0.4, 0.7];
const BETAS = [0, 0.005];
const GAMMAS = [0.02, 0.1, 0.3];

/**
 * Grid search of (alpha, beta, gamma) minimising the one-step squared error over values[from, to), after a
 * two-season initialisation. The trend is damped (phi 0.98) when present so a 24 h forecast cannot run away.
 */
export function fitHoltWinters(
  values: ArrayLike<number>,
  from: number,
  to: number,
  m: number,
): HoltWintersParams {
  let best: HoltWintersParams = { alpha: 0.1, beta: 0, gamma: 0.1, phi: 1, season: m };
  if (to - from < 3 * m) return best;
  let bestErr = Infinity;
  for (const alpha of ALPHAS)
    for (const beta of BETAS)
      for (const gamma of GAMMAS) {
        const p: HoltWintersParams = { alpha, beta, gamma, phi: beta > 0 ? 0.98 : 1, season: m };
        const st = holtWintersInit(values, from, m);
        let err = 0;
        for (let t = st.t + 1; t < to; t++) {
          if (t >= from + 2 * m) {
            const e = values[t] - holtWintersForecast(st, 1, p);
            err += e * e;
            if (err >= bestErr) break;
          }
          holtWintersUpdate(st, values[t], p);
        }
        if (err < bestErr) {
          bestErr = err;
          best = p;
        }
      }
  return best;
}
