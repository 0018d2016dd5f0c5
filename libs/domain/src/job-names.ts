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
  /**
   * components: only these (default all); force: retrain even where no sample arrived since the last model;
   * requestedBy: who asked (an API token's actor), for the log
   */
  'train-forecast': { components?: string[]; force?: boolean; requestedBy?: string };
  'run-forecast': { horizonSeconds: number };
}
