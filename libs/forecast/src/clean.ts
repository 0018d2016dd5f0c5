import { STEP_SECONDS, STEPS_PER_DAY } from './types';

/** One raw sample: epoch seconds and a value; null/undefined/NaN is a missing sample. */
export interface SamplePoint {
  t: number;
  v: number | null | undefined;
}

export interface CleanOptions {
  stepSeconds?: number;
  /** values above this are absurd (e.g. 2 x provisioned capacity); dropped as missing */
  maxValue?: number;
  /** gaps up to this many slots are linearly interpolated; longer ones are filled from the day before */
  maxInterpolateSlots?: number;
  /** fewer observed slots than this marks the series too short for the regression */
  minObservedSlots?: number;
}

export interface CleaningReport {
  inputSamples: number;
  slots: number;
  observedSlots: number;
  /** samples whose timestamp was not a finite number: dropped */
  badTimestamps: number;
  /** samples that arrived before an earlier one: sorted */
  outOfOrder: number;
  /** samples sharing a grid slot with another: averaged */
  duplicates: number;
  /** samples off the grid: snapped to the nearest slot */
  offGrid: number;
  nonFinite: number;
  negative: number;
  absurd: number;
  missingSlots: number;
  interpolated: number;
  seasonalFilled: number;
  carried: number;
  longestGapSlots: number;
  tooShort: boolean;
  empty: boolean;
  notes: string[];
}

/** A regular series on a fixed grid with every slot filled; `observed` marks slots that held a real sample. */
export interface CleanSeries {
  start: number;
  stepSeconds: number;
  values: Float64Array;
  observed: Uint8Array;
  report: CleaningReport;
}

export const DEFAULT_MIN_OBSERVED_SLOTS = 10 * STEPS_PER_DAY;

/**
 * Put raw samples on a regular grid and repair them, never throwing: bad timestamps are dropped, samples are
 * sorted, snapped to the grid and duplicates averaged; negative, non-finite and absurd values become missing;
 * short gaps are interpolated, long ones filled from the same time the day before (or carried), and the leading
 * gap back-filled. Everything fixed is counted in the report.
 */
export function cleanSeries(samples: readonly SamplePoint[], options: CleanOptions = {}): CleanSeries {
  const step = options.stepSeconds ?? STEP_SECONDS;
  const maxInterp = options.maxInterpolateSlots ?? 12;
  const minObserved = options.minObservedSlots ?? DEFAULT_MIN_OBSERVED_SLOTS;
  const daySlots = Math.round(86400 / step);
  const report: CleaningReport = {
    inputSamples: samples.length,
    slots: 0,
    observedSlots: 0,
    badTimestamps: 0,
    outOfOrder: 0,
    duplicates: 0,
    offGrid: 0,
    nonFinite: 0,
    negative: 0,
    absurd: 0,
    missingSlots: 0,
    interpolated: 0,
    seasonalFilled: 0,
    carried: 0,
    longestGapSlots: 0,
    tooShort: false,
    empty: false,
    notes: [],
  };

  const good: SamplePoint[] = [];
  let lastT = -Infinity;
  for (const s of samples) {
    if (s === null || typeof s !== 'object' || typeof s.t !== 'number' || !Number.isFinite(s.t)) {
      report.badTimestamps++;
      continue;
    }
    if (s.t < lastT) report.outOfOrder++;
    lastT = Math.max(lastT, s.t);
    good.push(s);
  }
  if (report.outOfOrder > 0) good.sort((a, b) => a.t - b.t);
  if (good.length === 0) {
    report.empty = true;
    report.tooShort = true;
    report.notes.push('no sample with a valid timestamp');
    return { start: 0, stepSeconds: step, values: new Float64Array(0), observed: new Uint8Array(0), report };
  }

  const start = Math.round(good[0].t / step) * step;
  const slots = Math.round((good[good.length - 1].t - start) / step) + 1;
  report.slots = slots;
  const sum = new Float64Array(slots);
  const count = new Uint32Array(slots);
  const seen = new Uint8Array(slots);
  for (const s of good) {
    const slot = Math.round((s.t - start) / step);
    if (Math.abs(s.t - (start + slot * step)) > 1e-6) report.offGrid++;
    if (seen[slot]) report.duplicates++;
    seen[slot] = 1;
    const v = s.v;
    if (v === null || v === undefined || typeof v !== 'number' || !Number.isFinite(v)) {
      if (v !== null && v !== undefined) report.nonFinite++;
      continue;
    }
    if (v < 0) {
      report.negative++;
      continue;
    }
    if (options.maxValue !== undefined && v > options.maxValue) {
      report.absurd++;
      continue;
    }
    sum[slot] += v;
    count[slot]++;
  }

  const values = new Float64Array(slots).fill(NaN);
  const observed = new Uint8Array(slots);
  for (let i = 0; i < slots; i++) {
    if (count[i] > 0) {
      values[i] = sum[i] / count[i];
      observed[i] = 1;
      report.observedSlots++;
    }
  }
  report.missingSlots = slots - report.observedSlots;
  if (report.observedSlots === 0) {
    report.empty = true;
    report.tooShort = true;
    report.notes.push('no valid value: series set to 0');
    values.fill(0);
    return { start, stepSeconds: step, values, observed, report };
  }

  // Fill gaps, first to last.
  let i = 0;
  while (i < slots) {
    if (observed[i]) {
      i++;
      continue;
    }
    let j = i;
    while (j < slots && !observed[j]) j++;
    const len = j - i;
    report.longestGapSlots = Math.max(report.longestGapSlots, len);
    if (i === 0) {
      // leading gap: back-fill from the first observed value
      for (let k = 0; k < j; k++) values[k] = values[j];
      report.carried += len;
    } else if (j < slots && len <= maxInterp) {
      const a = values[i - 1];
      const b = values[j];
      for (let k = i; k < j; k++) values[k] = a + ((b - a) * (k - i + 1)) / (len + 1);
      report.interpolated += len;
    } else {
      for (let k = i; k < j; k++) {
        if (k - daySlots >= 0) {
          values[k] = values[k - daySlots];
          report.seasonalFilled++;
        } else {
          values[k] = values[k - 1];
          report.carried++;
        }
      }
    }
    i = j;
  }

  if (report.duplicates > 0) report.notes.push(`${report.duplicates} duplicated timestamps averaged`);
  if (report.negative > 0) report.notes.push(`${report.negative} negative values dropped`);
  if (report.absurd > 0) report.notes.push(`${report.absurd} values above ${options.maxValue} dropped`);
  if (report.missingSlots > 0)
    report.notes.push(`${report.missingSlots} missing slots filled (longest gap ${report.longestGapSlots})`);
  if (report.observedSlots < minObserved) {
    report.tooShort = true;
    report.notes.push(`only ${report.observedSlots} observed slots (< ${minObserved})`);
  }
  return { start, stepSeconds: step, values, observed, report };
}

/** Build a CleanSeries straight from a regular array (NaN = missing), e.g. the evaluation traces. */
export function cleanRegular(
  start: number,
  values: ArrayLike<number>,
  options: CleanOptions = {},
): CleanSeries {
  const step = options.stepSeconds ?? STEP_SECONDS;
  const samples: SamplePoint[] = new Array<SamplePoint>(values.length);
  for (let i = 0; i < values.length; i++) samples[i] = { t: start + i * step, v: values[i] };
  return cleanSeries(samples, options);
}
