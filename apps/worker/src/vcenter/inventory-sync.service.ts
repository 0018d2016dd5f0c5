import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig, REDIS } from '@app/application';
import { InventorySync, PgInventoryStore, TagService, tagReaderOf, type VimClient } from '@app/vsphere';
import { PeriodicTask } from '../periodic-task';
import { RedisLease } from './lease';
import { ensureConnected, nestVsphereLogger, VIM_CLIENT } from './vim-client.provider';

const LEASE_MS = 30_000;
const TICK_MS = 10_000;

/**
 * Keeps hosts, VMs, layers and datastores in PostgreSQL in step with vCenter (full read, then WaitForUpdatesEx
 * deltas). One worker at a time holds it, by Redis lease; another takes over when the holder stops renewing.
 */
@Injectable()
export class InventorySyncService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = new Logger(InventorySyncService.name);
  private sync?: InventorySync;
  private lease?: RedisLease;
  private readonly task = new PeriodicTask('inventory sync', () => this.holdOrRelease(), this.log);

  constructor(
    private readonly dataSource: DataSource,
    @Inject(VIM_CLIENT) private readonly client: VimClient | undefined,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.client) return;
    this.lease = new RedisLease(this.redis, `${this.config.queuePrefix}:lease:inventory-sync`, LEASE_MS);
    this.task.start(TICK_MS, true);
  }

  /** Starts the sync when this worker takes the lease, stops it when the lease went to another worker. */
  private async holdOrRelease(): Promise<void> {
    const held = await this.lease!.acquireOrExtend();
    if (held && !this.sync) {
      const client = await ensureConnected(this.client!);
      this.sync = new InventorySync(
        client,
        new PgInventoryStore(this.dataSource),
        tagReaderOf(new TagService(client)),
        nestVsphereLogger('inventory-sync'),
      );
      this.sync.start();
      this.log.log(`inventory sync started for ${client.vcenter}`);
    } else if (!held && this.sync) {
      this.log.warn('inventory sync lease lost: stopping here, another worker holds it');
      await this.sync.stop();
      this.sync = undefined;
    }
  }

  /** Resolves once the first full read is stored (tests, demo). */
  async firstSync(): Promise<void> {
    while (!this.sync) await new Promise((r) => setTimeout(r, 100));
    await this.sync.initialSync();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.task.stop();
    await this.sync?.stop();
    await this.lease?.release().catch(() => undefined);
  }
}
