/**
 * The forecast routes' answers (GET /api/v1/forecasts/models, /forecasts/train/{jobId}): a contract between the
 * api, the CLI and the plugin (whose Angular build keeps its own copy in ui-plugin/src/app/models.ts).
 */

/** What one training run did. */
export interface TrainingResult {
  /** components looked at */
  components: number;
  /** models stored by this run */
  models: number;
  /** of those, on a baseline (too little history) */
  fallbacks: number;
  /** component-metrics that kept their model: no sample since it was trained */
  unchanged: number;
}

/** An on-demand training job. */
export interface TrainingStatus {
  jobId: string;
  /** BullMQ's state: waiting, active, completed, failed, delayed, prioritized, ... */
  state: string;
  components: string[] | 'all';
  force: boolean;
  requestedBy?: string;
  requestedAt: string;
  finishedAt?: string;
  /** once completed */
  result?: TrainingResult;
  failedReason?: string;
}

/** Per horizon: the method that forecasts it, and its mean absolute error on the hold-out beside naive's. */
export interface HoldoutErrorView {
  horizonSeconds: number;
  method: string;
  holdoutRows: number;
  mae: number;
  naiveMae: number;
}

/** The model one component and metric forecasts with. */
export interface ForecastModelView {
  component: string;
  metric: string;
  /** ridge, or the baseline it fell back to */
  kind: string;
  fallbackReason?: string;
  holdout: HoldoutErrorView[];
  trainedFrom: string;
  trainedTo: string;
  trainedAt: string;
}
