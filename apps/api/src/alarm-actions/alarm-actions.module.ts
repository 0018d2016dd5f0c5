import { Inject, Logger, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { BullmqAuditQueue, METRICS_REGISTRY } from '@app/application';
import { IngestMetrics, PgPowerEventSink, PgTopologyLookup, PowerIngest } from '@app/snmp';
import { AlarmActionsController } from './alarm-actions.controller';
import { ALARM_INGEST } from './tokens';

/**
 * `POST /api/v1/alarm-actions`. Stored events go to the audits queue (job id = power event id + revision),
 * as the worker does for traps. No confirmation delay: vCenter applied the alarm's own conditions.
 */
@Module({
  controllers: [AlarmActionsController],
  providers: [
    {
      provide: ALARM_INGEST,
      inject: [DataSource, METRICS_REGISTRY],
      useFactory: async (ds: DataSource, registry: Registry) => {
        const sink = new PgPowerEventSink(ds);
        const topology = new PgTopologyLookup(ds);
        await topology.start();
        const ingest = new PowerIngest({
          sink,
          topology,
          metrics: new IngestMetrics(registry),
          preserialize: true,
          tracker: { confirmationDelayMs: 0 },
          flushMs: 1,
        });
        ingest.resume(await sink.openEvents());
        return ingest;
      },
    },
  ],
})
export class AlarmActionsModule implements OnModuleInit, OnApplicationShutdown {
  private readonly log = new Logger(AlarmActionsModule.name);
  constructor(
    @Inject(ALARM_INGEST) private readonly ingest: PowerIngest,
    private readonly audits: BullmqAuditQueue,
  ) {}

  onModuleInit(): void {
    this.ingest.onEvent((d) => {
      this.audits
        .enqueue(d.powerEventId, 'alarm-action', d.revision)
        .catch((e: unknown) =>
          this.log.error(
            `audit enqueue for ${d.powerEventId} failed: ${e instanceof Error ? e.message : String(e)}`,
          ),
        );
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.ingest.close();
  }
}
