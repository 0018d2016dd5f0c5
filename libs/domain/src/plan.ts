import type { Layer } from './layer';
import type { ShutdownPolicy } from './scenario';

/** The planner's output, exactly as ../shared/SCENARIO.md defines it. */
export interface Plan {
  version: 1;
  /** sha256 of the canonical scenario JSON. */
  scenario: string;
  summary: PlanSummary;
  actions: PlanAction[];
  unplaced: Unplaced[];
}

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

export const ACTION_KINDS = [
  'vmotion',
  'svmotion',
  'xvmotion',
  'shutdown',
  'poweron',
  'maintenance',
  'exit-maintenance',
] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

export interface PlanAction {
  wave: number;
  kind: ActionKind;
  component?: string;
  host?: string;
  from?: string;
  to?: string;
  toDatastores?: string[];
  mode?: Exclude<ShutdownPolicy, 'never'>;
  startSeconds: number;
  endSeconds: number;
  reason: string;
}

export interface Unplaced {
  component: string;
  layer: Layer;
  reason: string;
}
