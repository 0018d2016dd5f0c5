import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type BeforeApplicationShutdown,
} from '@nestjs/common';
import { DelayedError, type Job, Worker } from 'bullmq';
import Redis from 'ioredis';
import { Counter, type Registry } from 'prom-client';
import { APP_CONFIG, type AppConfig, ExecuteActionUseCase, METRICS_REGISTRY } from '@app/application';
import { QUEUES, type JobPayloads } from '@app/domain';

/** How long an action whose earlier waves are still running waits before it looks again. */
const DEFER_MS = 2000;

/**
 * The BullMQ consumer of the actions queue: a thin adapter around ExecuteActionUseCase. On SIGTERM, `close()`
 * stops taking jobs and waits for the running ones, so a vMotion in flight is tracked to its end.
 */
@Injectable()
export class ActionsProcessor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = new Logger(ActionsProcessor.name);
  private worker?: Worker<JobPayloads['execute-action']>;
  private readonly outcomes: Counter<'outcome'>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly executeAction: ExecuteActionUseCase,
    @Inject(METRICS_REGISTRY) registry: Registry,
  ) {
    this.outcomes = new Counter({
      name: 'layershift_actions_total',
      help: 'Actions processed by the worker, by outcome',
      labelNames: ['outcome'],
      registers: [registry],
    });
  }

  onApplicationBootstrap(): void {
    // A blocking connection of its own: BullMQ workers must not share one with other commands.
    const connection = new Redis(this.config.redisUrl, { maxRetriesPerRequest: null });
    this.worker = new Worker(QUEUES.actions, (job, token) => this.process(job, token), {
      connection,
      prefix: this.config.queuePrefix,
      concurrency: this.config.worker.concurrency,
      autorun: true,
    });
    this.worker.on('error', (e) => this.log.error(`queue error: ${e.message}`));
  }

  private async process(job: Job<JobPayloads['execute-action']>, token?: string): Promise<unknown> {
    const outcome = await this.executeAction.execute(job.data.actionId);
    this.outcomes.inc({ outcome: outcome.status });
    if (outcome.status === 'deferred') {
      await job.moveToDelayed(Date.now() + DEFER_MS, token);
      throw new DelayedError();
    }
    return outcome;
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (!this.worker) return;
    this.log.log('draining: waiting for running actions to finish');
    await this.worker.close();
    await this.worker.disconnect();
  }
}
