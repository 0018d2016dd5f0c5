import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type Redis from 'ioredis';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig, BullmqAuditQueue, REDIS, scenarioEventFor } from '@app/application';
import { PowerEventEntity, SyncStateEntity, VcenterEventEntity } from '@app/persistence';
import { EventReader, toPowerEvent, type VcenterEvent, type VimClient } from '@app/vsphere';
import { ensureConnected, VIM_CLIENT } from './vim-client.provider';
import { PeriodicTask } from '../periodic-task';
import { RedisLease } from './lease';

const POLL_MS = 5_000;

/**
 * Reads vCenter's EventHistoryCollector incrementally (one worker at a time, by lease). Every event is stored
 * once per (vcenter, key); a host failure becomes a PowerEvent and an audit. The last key read is kept in
 * sync_state so a restart resumes after it instead of replaying history.
 */
@Injectable()
export class VcenterEventsService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = new Logger(VcenterEventsService.name);
  private reader?: EventReader;
  private lease?: RedisLease;
  private readonly task = new PeriodicTask(
    'vCenter events',
    async () => {
      if (await this.lease!.acquireOrExtend()) await this.pollOnce();
    },
    this.log,
  );

  constructor(
    private readonly dataSource: DataSource,
    @Inject(VIM_CLIENT) private readonly client: VimClient | undefined,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly audits: BullmqAuditQueue,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.client) return;
    this.lease = new RedisLease(this.redis, `${this.config.queuePrefix}:lease:vcenter-events`, POLL_MS * 4);
    this.task.start(POLL_MS);
  }

  /** One read: returns the events stored now (already-stored ones are skipped). */
  async pollOnce(): Promise<VcenterEvent[]> {
    const client = this.client!;
    if (!this.reader) {
      await ensureConnected(client);
      const vcenter = client.serviceContent.about.instanceUuid || client.vcenter;
      const state = await this.dataSource
        .getRepository(SyncStateEntity)
        .findOneBy({ vcenter, stream: 'events' });
      this.reader = new EventReader(client, {
        ...(state ? { lastKey: Number(state.version), since: state.updatedAt } : {}),
      });
    }
    const events = await this.reader.poll();
    const stored: VcenterEvent[] = [];
    for (const e of events) {
      const inserted = await this.dataSource
        .createQueryBuilder()
        .insert()
        .into(VcenterEventEntity)
        .values({
          vcenter: e.vcenter,
          key: String(e.key),
          type: e.type,
          createdTime: e.createdTime ? new Date(e.createdTime) : new Date(),
          objectId: e.host ?? e.vm ?? null,
          message: e.message,
          payload: e.raw,
        })
        .orIgnore()
        .execute();
      if ((inserted.identifiers.filter(Boolean).length ?? 0) === 0) continue;
      stored.push(e);
      await this.toAudit(e);
    }
    if (events.length > 0) {
      const vcenter = events[0].vcenter;
      await this.dataSource
        .getRepository(SyncStateEntity)
        .save({ vcenter, stream: 'events', version: String(this.reader.lastKey) });
    }
    return stored;
  }

  private async toAudit(e: VcenterEvent): Promise<void> {
    const pe = toPowerEvent(e);
    if (!pe || !scenarioEventFor(pe)) return;
    const row = await this.dataSource.getRepository(PowerEventEntity).save(
      this.dataSource.getRepository(PowerEventEntity).create({
        kind: pe.kind,
        source: pe.source,
        device: pe.device,
        deviceKind: pe.deviceKind,
        dedupKey: `vcenter:${pe.device}:${pe.kind}`,
        status: 'open',
        occurredAt: new Date(pe.occurredAt),
        detail: pe.detail,
        raw: pe.raw,
      }),
    );
    this.log.warn(`vCenter event ${e.type} on ${pe.device}: ${pe.kind}, audit queued`);
    await this.audits.enqueue(row.id, 'vcenter-event');
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.task.stop();
    await this.reader?.close().catch(() => undefined);
    await this.lease?.release().catch(() => undefined);
  }
}
