import type { ScheduleWindow } from './types';

const DAY = 86400;
const WEEK = 7 * DAY;

/** Daily Fourier terms sin/cos(2 pi k t / day), k = 1..K, written into out from offset. */
export function writeFourier(
  t: number,
  period: number,
  harmonics: number,
  out: Float64Array | number[],
  offset: number,
): void {
  const phase = (2 * Math.PI * (((t % period) + period) % period)) / period;
  for (let k = 1; k <= harmonics; k++) {
    out[offset + 2 * (k - 1)] = Math.sin(k * phase);
    out[offset + 2 * (k - 1) + 1] = Math.cos(k * phase);
  }
}

export const DAILY_HARMONICS = 3;
export const WEEKLY_HARMONICS = 2;
export { DAY, WEEK };

/** Sorted, merged copy of a schedule of anticipated work, so that lookups can binary-search. */
export function normaliseSchedule(windows: readonly ScheduleWindow[] | undefined): ScheduleWindow[] {
  if (!windows || windows.length === 0) return [];
  const valid = windows
    .filter((w) => Number.isFinite(w.start) && Number.isFinite(w.end) && w.end > w.start)
    .map((w) => ({ start: w.start, end: w.end }))
    .sort((a, b) => a.start - b.start);
  const merged: ScheduleWindow[] = [];
  for (const w of valid) {
    const last = merged[merged.length - 1];
    if (last && w.start <= last.end) last.end = Math.max(last.end, w.end);
    else merged.push({ ...w });
  }
  return merged;
}

/** 1 when t falls inside one of the (normalised) windows, else 0. */
export function inSchedule(windows: readonly ScheduleWindow[], t: number): number {
  let lo = 0;
  let hi = windows.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const w = windows[mid];
    if (t < w.start) hi = mid - 1;
    else if (t >= w.end) lo = mid + 1;
    else return 1;
  }
  return 0;
}
