/** The api's resources as the UI reads them (apps/api, /api/v1). */
export type Layer = 'critical' | 'high' | 'medium' | 'low';
export const LAYERS: readonly Layer[] = ['critical', 'high', 'medium', 'low'];

export interface PlanSummary {
  criticalAtRisk: number;
  atRiskByLayer: Record<Layer, number>;
  moves: number;
  shutdowns: number;
  hostsEvacuated: number;
  makespanSeconds: number;
  deadlineSeconds: number;
  lowerBoundSeconds: number;
  plannerMs: number;
}

export interface PlanListItem {
  id: string;
  auditId: string;
  state: string;
  createdAt: string;
  summary: PlanSummary;
}

export interface ActionAttempt {
  attempt: number;
  outcome: string | null;
  taskId: string | null;
  error: string | null;
  startedAt: string | null;
  endedAt: string | null;
}

export interface PlanActionView {
  id: string;
  seq: number;
  wave: number;
  kind: string;
  component: string | null;
  host: string | null;
  from: string | null;
  to: string | null;
  state: string;
  reason: string | null;
  lastError: string | null;
  attempts: ActionAttempt[];
}

export interface PlanDetail {
  id: string;
  state: string;
  approvedBy: string | null;
  approvedAt: string | null;
  document: {
    summary: PlanSummary;
    unplaced?: Array<{ component: string; layer: Layer; reason: string }>;
  };
  actions: PlanActionView[];
}

export interface ComponentView {
  id: string;
  name: string;
  layer: Layer;
  layerTagged: boolean;
  host: string | null;
  cpuMhz: number;
  memMb: number;
  sensitive: boolean;
}

export interface ForecastPoint {
  targetAt: string;
  point: number;
  lower: number;
  upper: number;
  /** the forecast of the mean (null on forecasts stored before it) */
  expected?: number | null;
}

export interface ForecastSeries {
  scope: string;
  key: string;
  metric: string;
  horizonSeconds: number;
  points: ForecastPoint[];
}

/** GET /api/v1/forecasts/models (libs/domain/src/forecast-api.ts, the fields this UI reads). */
export interface ForecastModelView {
  component: string;
  metric: string;
  /** ridge, or the baseline it fell back to */
  kind: string;
  fallbackReason?: string;
  trainedFrom: string;
  trainedTo: string;
  trainedAt: string;
}

/** GET /api/v1/forecasts/train/{jobId} (libs/domain/src/forecast-api.ts, the fields this UI reads). */
export interface TrainingStatusView {
  jobId: string;
  state: string;
  result?: { components: number; models: number; fallbacks: number; unchanged: number };
  failedReason?: string;
}

/** GET /api/v1/work-windows/upcoming: one occurrence of a window of anticipated work (libs/domain). */
export interface WindowOccurrenceView {
  windowId: string;
  kind: 'batch' | 'maintenance';
  start: string;
  end: string;
  components?: string[];
  hosts?: string[];
  layers?: string[];
  detail?: string;
  /** a host maintenance: when the worker opens its event and plans the evacuation */
  evacuationPlannedAt?: string;
}

/** Plan states in which actions are (or are about to be) carried out. */
export const ACTIVE_PLAN_STATES = ['approved', 'executing'];
/** Action states that will not change again. */
export const TERMINAL_ACTION_STATES = ['succeeded', 'failed', 'cancelled', 'superseded'];

/** The vCenter task id of an action's latest attempt, if it got that far. */
export function taskIdOf(a: PlanActionView): string | null {
  for (let i = a.attempts.length - 1; i >= 0; i--) if (a.attempts[i].taskId) return a.attempts[i].taskId;
  return null;
}

/** Clarity label class for a plan or action state. */
export function stateLabel(state: string): string {
  switch (state) {
    case 'succeeded':
      return 'label label-success';
    case 'failed':
      return 'label label-danger';
    case 'running':
    case 'executing':
    case 'queued':
      return 'label label-info';
    case 'approved':
      return 'label label-purple';
    case 'proposed':
      return 'label label-warning';
    default:
      return 'label';
  }
}

export function layerLabel(layer: string): string {
  switch (layer) {
    case 'critical':
      return 'label label-danger';
    case 'high':
      return 'label label-warning';
    case 'medium':
      return 'label label-info';
    default:
      return 'label';
  }
}
