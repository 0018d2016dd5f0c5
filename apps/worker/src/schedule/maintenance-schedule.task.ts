import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { APP_CONFIG, type AppConfig, BullmqAuditQueue, MaintenanceScheduleService } from '@app/application';
import { PeriodicTask } from '../periodic-task';

/** Every minute (LAYERSHIFT_SCHEDULE_TICK_SECONDS): maintenance windows due become power events, each audited. */
@Injectable()
export class MaintenanceScheduleTask implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = new Logger(MaintenanceScheduleTask.name);
  private readonly task = new PeriodicTask('maintenance schedule failed', () => this.run(), this.log);

  constructor(
    private readonly schedule: MaintenanceScheduleService,
    private readonly audits: BullmqAuditQueue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.task.start(this.config.scheduleTickSeconds * 1000, true);
  }

  /** One tick; the audits queue gets one job per opened event (job id = event id: never audited twice). */
  async run(now = new Date()): Promise<number> {
    const { opened } = await this.schedule.tick(now);
    for (const o of opened) {
      this.log.log(`scheduled maintenance of ${o.host} (window "${o.windowId}", ${o.start}): audit queued`);
      await this.audits.enqueue(o.powerEventId, 'schedule');
    }
    return opened.length;
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.task.stop();
  }
}
