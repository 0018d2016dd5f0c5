import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Scenario, ScenarioEvent } from '@app/domain';
import { ComponentEntity, HostEntity, HostFeedEntity, PduEntity, UpsEntity } from '@app/persistence';
import { buildScenario } from './build-scenario';

/** Reads the stored inventory and topology in one repeatable-read transaction and builds the scenario. */
@Injectable()
export class SnapshotScenarioService {
  constructor(private readonly dataSource: DataSource) {}

  async build(event: ScenarioEvent, clock = new Date()): Promise<Scenario> {
    const snap = await this.dataSource.transaction('REPEATABLE READ', async (tx) => ({
      hosts: await tx.getRepository(HostEntity).find(),
      components: await tx.getRepository(ComponentEntity).find({ where: { poweredOn: true } }),
      ups: await tx.getRepository(UpsEntity).find(),
      pdus: await tx.getRepository(PduEntity).find(),
      feeds: await tx.getRepository(HostFeedEntity).find(),
    }));
    // power_restored plans bring back what is off; every other plan is about what runs.
    if (event.type === 'power_restored')
      snap.components = await this.dataSource.getRepository(ComponentEntity).find();
    return buildScenario(snap, event, clock);
  }
}
