/**
 * Our forecasts at every scored origin of one series, as the accuracy workers record them for the rollup section
 * (a module of its own: importing the worker's module would run the worker).
 * Values per origin o and horizon k at [(o * horizonSlots.length + k) * RECORD_FIELDS + field]; NaN where the
 * target was not scored (past the end, or not observed).
 */
export const RECORD_FIELDS = 6;
export const [F_POINT, F_LOWER, F_UPPER, F_ACTUAL, F_SNAIVE, F_EXPECTED] = [0, 1, 2, 3, 4, 5];
export interface RecordedForecasts {
  /** epoch seconds of slot 0 and the step: series are summed only when these agree */
  start: number;
  stepSeconds: number;
  originStep: number;
  horizonSlots: number[];
  /** origin o is the scored origin in slots [o * originStep, (o + 1) * originStep) */
  values: Float64Array;
}
