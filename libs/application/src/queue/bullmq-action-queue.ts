import { Inject, Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bullmq';
import type Redis from 'ioredis';
import type { ActionQueuePort } from '../ports';
import type { AppConfig } from '../platform/config';
import { APP_CONFIG, REDIS } from '../platform/tokens';
import { QUEUES, type JobPayloads } from '@app/domain';

/** The api's side of the actions queue: one job per action, job id = idempotency key (BullMQ ignores duplicates). */
@Injectable()
export class BullmqActionQueue implements ActionQueuePort, BeforeApplicationShutdown {
  private readonly queue: Queue<JobPayloads['execute-action']>;
  constructor(@Inject(APP_CONFIG) config: AppConfig, @Inject(REDIS) redis: Redis) {
    this.queue = new Queue(QUEUES.actions, { connection: redis.duplicate(), prefix: config.queuePrefix });
  }

  async enqueue(actionId: string, idempotencyKey: string, priority: number): Promise<void> {
    await this.queue.add(
      'execute-action',
      { actionId },
      {
        // BullMQ job ids may not contain ':'.
        jobId: idempotencyKey.replace(/:/g, '-'),
        priority: priority + 1,
        attempts: 1,
        removeOnComplete: { age: 7 * 24 * 3600 },
        removeOnFail: { age: 30 * 24 * 3600 },
      },
    );
  }

  async counts(): Promise<Record<string, number>> {
    return this.queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized');
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.queue.close();
  }
}

/** The audits queue: one job per stored power event that may need a plan. */
@Injectable()
export class BullmqAuditQueue implements BeforeApplicationShutdown {
  private readonly queue: Queue<JobPayloads['run-audit']>;
  constructor(@Inject(APP_CONFIG) config: AppConfig, @Inject(REDIS) redis: Redis) {
    this.queue = new Queue(QUEUES.audits, { connection: redis.duplicate(), prefix: config.queuePrefix });
  }

  /** Job id = the power event id: an event that is re-announced (a repeated trap) is audited once per update. */
  async enqueue(powerEventId: string, trigger: string, revision = 0): Promise<void> {
    await this.queue.add(
      'run-audit',
      { powerEventId, trigger },
      {
        jobId: `${powerEventId}-${revision}`,
        removeOnComplete: { age: 7 * 24 * 3600 },
        removeOnFail: { age: 30 * 24 * 3600 },
      },
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.queue.close();
  }
}
