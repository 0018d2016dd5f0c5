import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { type Job, Queue, Worker } from 'bullmq';
import Redis from 'ioredis';
import { APP_CONFIG, type AppConfig, BullmqAuditQueue, ForecastPipelineService } from '@app/application';
import { QUEUES, type JobPayloads } from '@app/domain';

/**
 * The forecast queue: `train-forecast` nightly (and on demand: POST /api/v1/forecasts/train puts it here),
 * `run-forecast` every five minutes. BullMQ's repeatable jobs make one schedule for all workers: only one worker
 * runs each tick.
 */
@Injectable()
export class ForecastProcessor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = new Logger(ForecastProcessor.name);
  private worker?: Worker;
  private queue?: Queue;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly pipeline: ForecastPipelineService,
    private readonly audits: BullmqAuditQueue,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const connection = () => new Redis(this.config.redisUrl, { maxRetriesPerRequest: null });
    this.queue = new Queue(QUEUES.forecast, { connection: connection(), prefix: this.config.queuePrefix });
    await this.queue.upsertJobScheduler(
      'nightly-training',
      { pattern: '0 2 * * *' },
      { name: 'train-forecast', data: {} },
    );
    await this.queue.upsertJobScheduler(
      'forecast-every-5-min',
      { every: 5 * 60_000 },
      { name: 'run-forecast', data: { horizonSeconds: 86400 } },
    );
    this.worker = new Worker(QUEUES.forecast, (job) => this.process(job), {
      connection: connection(),
      prefix: this.config.queuePrefix,
      concurrency: 1,
    });
    this.worker.on('error', (e) => this.log.error(`queue error: ${e.message}`));
  }

  private async process(job: Job): Promise<unknown> {
    switch (job.name as 'train-forecast' | 'run-forecast') {
      case 'train-forecast': {
        const data = job.data as JobPayloads['train-forecast'];
        if (data.requestedBy)
          this.log.log(
            `training on demand for ${data.requestedBy}: ${data.components ? `${data.components.length} components` : 'all components'}${data.force ? ', forced' : ''}`,
          );
        return this.pipeline.train(new Date(), { components: data.components, force: data.force });
      }
      case 'run-forecast': {
        void (job.data as JobPayloads['run-forecast']);
        const result = await this.pipeline.forecast();
        for (const o of result.opened) {
          this.log.warn(`forecast shortage on ${o.deviceKind} ${o.device}: ${o.explanation}`);
          await this.audits.enqueue(o.powerEventId, 'forecast');
        }
        return { components: result.components, forecasts: result.forecasts, opened: result.opened.length };
      }
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker?.close();
    await this.worker?.disconnect();
    await this.queue?.close();
  }
}
