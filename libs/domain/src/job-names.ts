/**
 * Queue and job names are a protocol between api and worker: never rename a value without migrating waiting jobs.
 */
export const QUEUES = {
  actions: 'layershift.actions',
  audits: 'layershift.audits',
  forecast: 'layershift.forecast',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export const JOB_NAMES = ['execute-action', 'run-audit', 'train-forecast', 'run-forecast'] as const;
export type JobName = (typeof JOB_NAMES)[number];

export interface JobPayloads {
  'execute-action': { actionId: string };
  'run-audit': { powerEventId?: string; trigger: string };
  'train-forecast': { components?: string[] };
  'run-forecast': { horizonSeconds: number };
}
