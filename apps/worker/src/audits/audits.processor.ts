import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type BeforeApplicationShutdown,
} from '@nestjs/common';
import { type Job, Worker } from 'bullmq';
import Redis from 'ioredis';
import { APP_CONFIG, type AppConfig, HandlePowerEventUseCase } from '@app/application';
import { QUEUES, type JobPayloads } from '@app/domain';

/** Consumes the audits queue: each stored power event gets its audit (and, by policy, its approval). */
@Injectable()
export class AuditsProcessor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = new Logger(AuditsProcessor.name);
  private worker?: Worker<JobPayloads['run-audit']>;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly handlePowerEvent: HandlePowerEventUseCase,
  ) {}

  onApplicationBootstrap(): void {
    this.worker = new Worker(QUEUES.audits, (job) => this.process(job), {
      connection: new Redis(this.config.redisUrl, { maxRetriesPerRequest: null }),
      prefix: this.config.queuePrefix,
      // Audits are serial: two plans computed at once from one snapshot would supersede each other.
      concurrency: 1,
    });
    this.worker.on('error', (e) => this.log.error(`queue error: ${e.message}`));
    this.worker.on('failed', (job, e) =>
      this.log.error(`audit for power event ${job?.data.powerEventId ?? '?'} failed: ${e.message}`),
    );
  }

  private async process(job: Job<JobPayloads['run-audit']>): Promise<unknown> {
    if (!job.data.powerEventId) return { status: 'ignored', reason: 'no power event id' };
    const outcome = await this.handlePowerEvent.execute(job.data.powerEventId);
    return outcome.status === 'planned'
      ? { status: 'planned', planId: outcome.audit.planId, approved: outcome.approved }
      : outcome;
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker?.close();
    await this.worker?.disconnect();
  }
}
