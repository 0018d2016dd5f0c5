import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig, BullmqAuditQueue, METRICS_REGISTRY } from '@app/application';
import { startSnmpIngest, type SnmpIngestHandle } from '@app/snmp';
import { nestVsphereLogger } from '../vcenter/vim-client.provider';

/**
 * The UPS/PDU trap receiver and poller in the worker: every stored power event that changed goes to the audits
 * queue (job id = event id + revision, so a repeated trap that only lowers the runtime re-plans once per change).
 */
@Injectable()
export class SnmpService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = new Logger(SnmpService.name);
  private handle?: SnmpIngestHandle;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly dataSource: DataSource,
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
    private readonly audits: BullmqAuditQueue,
  ) {}

  /** Where the receiver listens, once started (for tests and the log). */
  get address(): { address: string; port: number } | undefined {
    return this.handle?.address;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.snmp.enabled) {
      this.log.warn(
        'SNMP trap receiver off: set SNMP_COMMUNITIES_FILE or SNMP_V3_USERS_FILE (see docs/snmp.md)',
      );
      return;
    }
    this.handle = await startSnmpIngest({
      dataSource: this.dataSource,
      env: this.config.snmp.env,
      registry: this.registry,
      logger: nestVsphereLogger('snmp'),
      onEvent: (d) => {
        this.audits
          .enqueue(d.powerEventId, 'snmp', d.revision)
          .catch((e: unknown) =>
            this.log.error(`audit enqueue failed: ${e instanceof Error ? e.message : String(e)}`),
          );
      },
    });
    this.log.log(`SNMP traps on udp ${this.handle.address.address}:${this.handle.address.port}`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.handle?.stop();
  }
}
