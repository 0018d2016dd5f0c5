import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditLogEntity, HostEntity, HostFeedEntity, PduEntity, UpsEntity } from '@app/persistence';
import { parseTopology, type TopologyDocument } from './topology';

/** Reads and replaces the stored power topology (one transaction: never half a topology). */
@Injectable()
export class TopologyService {
  constructor(private readonly dataSource: DataSource) {}

  async get(): Promise<TopologyDocument> {
    const [ups, pdus, feeds] = await Promise.all([
      this.dataSource.getRepository(UpsEntity).find({ order: { id: 'ASC' } }),
      this.dataSource.getRepository(PduEntity).find({ order: { id: 'ASC' } }),
      this.dataSource.getRepository(HostFeedEntity).find({ order: { hostId: 'ASC', pduId: 'ASC' } }),
    ]);
    const byHost = new Map<string, string[]>();
    for (const f of feeds) byHost.set(f.hostId, [...(byHost.get(f.hostId) ?? []), f.pduId]);
    const opt = (k: string, v: string | null) => (v ? { [k]: v } : {});
    return {
      ups: ups.map((u) => ({
        id: u.id,
        capacityW: u.capacityW,
        ...opt('name', u.name),
        ...opt('address', u.address),
        ...opt('sysName', u.sysName),
        ...opt('serial', u.serial),
      })),
      pdus: pdus.map((p) => ({
        id: p.id,
        ups: p.upsId,
        capacityW: p.capacityW,
        ...opt('address', p.address),
        ...opt('sysName', p.sysName),
        ...opt('serial', p.serial),
      })),
      feeds: [...byHost].map(([host, list]) => ({ host, pdus: list })),
    };
  }

  async replace(input: unknown, actor: string): Promise<TopologyDocument> {
    const t = parseTopology(input);
    await this.dataSource.transaction(async (tx) => {
      const upsRepo = tx.getRepository(UpsEntity);
      const existing = new Map((await upsRepo.find()).map((u) => [u.id, u]));
      await tx.getRepository(HostFeedEntity).clear();
      await tx.getRepository(PduEntity).clear();
      await upsRepo.clear();
      // Battery state is live data from traps and polls, not part of the edited document: keep it.
      await upsRepo.insert(
        t.ups.map((u) => ({
          id: u.id,
          capacityW: u.capacityW,
          name: u.name ?? null,
          address: u.address ?? null,
          sysName: u.sysName ?? null,
          serial: u.serial ?? null,
          onBattery: existing.get(u.id)?.onBattery ?? false,
          runtimeSeconds: existing.get(u.id)?.runtimeSeconds ?? 0,
        })),
      );
      if (t.pdus.length)
        await tx.getRepository(PduEntity).insert(
          t.pdus.map((p) => ({
            id: p.id,
            upsId: p.ups,
            capacityW: p.capacityW,
            address: p.address ?? null,
            sysName: p.sysName ?? null,
            serial: p.serial ?? null,
          })),
        );
      const feeds = t.feeds.flatMap((f) => [...new Set(f.pdus)].map((pduId) => ({ hostId: f.host, pduId })));
      if (feeds.length) await tx.getRepository(HostFeedEntity).insert(feeds);
      // Power figures belong to the topology, not to vCenter: the inventory sync never writes these columns.
      for (const f of t.feeds)
        if (f.powerIdleW !== undefined || f.powerPeakW !== undefined)
          await tx.getRepository(HostEntity).update(
            { id: f.host },
            {
              ...(f.powerIdleW !== undefined ? { powerIdleW: f.powerIdleW } : {}),
              ...(f.powerPeakW !== undefined ? { powerPeakW: f.powerPeakW } : {}),
            },
          );
      await tx.getRepository(AuditLogEntity).insert({
        actor,
        action: 'topology.replaced',
        subjectType: 'topology',
        subjectId: 'power',
        detail: { ups: t.ups.length, pdus: t.pdus.length, feeds: feeds.length },
      });
    });
    return this.get();
  }
}
