import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import type Redis from 'ioredis';
import { QUEUES, type JobPayloads, type TrainingResult, type TrainingStatus } from '@app/domain';
import type { AppConfig } from '../platform/config';
import { APP_CONFIG, REDIS } from '../platform/tokens';

/** What training on demand was asked, and whether it joined a request that was already waiting or running. */
export interface TrainingRequest {
  jobId: string;
  /** true: the same request (same components, same force) was still waiting or running; this is that job */
  deduplicated: boolean;
}

/** Job ids of on-demand training start with this; the nightly schedule's do not (BullMQ names them). */
const ON_DEMAND_PREFIX = 'train-';

/**
 * The api's side of the forecast queue: training on demand (the nightly run is the worker's job scheduler). A
 * request that is still waiting or running absorbs an identical one (BullMQ deduplication by the request's
 * content), so an impatient operator or a retried call does not queue the same training twice.
 */
@Injectable()
export class BullmqForecastQueue implements BeforeApplicationShutdown {
  private readonly queue: Queue<JobPayloads['train-forecast']>;
  constructor(@Inject(APP_CONFIG) config: AppConfig, @Inject(REDIS) redis: Redis) {
    this.queue = new Queue(QUEUES.forecast, { connection: redis.duplicate(), prefix: config.queuePrefix });
  }

  async requestTraining(request: JobPayloads['train-forecast']): Promise<TrainingRequest> {
    const components = request.components && [...new Set(request.components)].sort();
    const what = `${components ? components.join('\n') : '*all*'}|${request.force === true}`;
    const dedupId = `train-${createHash('sha256').update(what).digest('hex').slice(0, 24)}`;
    const jobId = `${ON_DEMAND_PREFIX}${randomUUID()}`;
    const job = await this.queue.add(
      'train-forecast',
      { components, force: request.force === true, requestedBy: request.requestedBy },
      {
        jobId,
        deduplication: { id: dedupId },
        attempts: 1,
        removeOnComplete: { age: 7 * 24 * 3600 },
        removeOnFail: { age: 30 * 24 * 3600 },
      },
    );
    return { jobId: job.id ?? jobId, deduplicated: job.id !== jobId };
  }

  /** An on-demand training job's state and outcome; undefined if there is none by that id (or it has expired). */
  async trainingStatus(jobId: string): Promise<TrainingStatus | undefined> {
    if (!jobId.startsWith(ON_DEMAND_PREFIX)) return undefined;
    // the state first, then the job: read the other way round, a job that finished in between would be reported
    // completed with the result it did not have yet when it was read
    const state = await this.queue.getJobState(jobId);
    const job = await this.queue.getJob(jobId);
    if (!job || job.name !== 'train-forecast') return undefined;
    return {
      jobId,
      state,
      components: job.data.components ?? 'all',
      force: job.data.force === true,
      requestedBy: job.data.requestedBy,
      requestedAt: new Date(job.timestamp).toISOString(),
      finishedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : undefined,
      result: (job.returnvalue as TrainingResult | null) ?? undefined,
      failedReason: job.failedReason || undefined,
    };
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.queue.close();
  }
}
