import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ComponentEntity, MetricSampleEntity } from '@app/persistence';
import { queryPerf, vmRef, type PerfSample, type VimClient } from '@app/vsphere';
import { PeriodicTask } from '../periodic-task';
import { ensureConnected, VIM_CLIENT } from '../vcenter/vim-client.provider';

/** Every 5 minutes: the last 5 minutes of real-time perf, averaged onto the forecaster's 5-minute grid. */
const INTERVAL_MS = 5 * 60_000;
const BUCKET_S = 300;
const COUNTERS = { 'cpu.usagemhz.average': 'cpuMhz', 'mem.consumed.average': 'memMb' } as const;
const BATCH = 200;

/** Pure: 20-second samples to one 5-minute mean per (entity, metric, bucket). */
export function toBuckets(
  samples: readonly PerfSample[],
): { entityId: string; metric: string; ts: Date; value: number }[] {
  const acc = new Map<string, { entityId: string; metric: string; t: number; sum: number; n: number }>();
  for (const s of samples) {
    const metric = COUNTERS[s.counter as keyof typeof COUNTERS];
    if (!metric || !Number.isFinite(s.value) || s.instance !== '') continue;
    const t = Math.floor(Date.parse(s.timestamp) / 1000 / BUCKET_S) * BUCKET_S;
    const key = `${s.entity}|${metric}|${t}`;
    const a = acc.get(key) ?? { entityId: s.entity, metric, t, sum: 0, n: 0 };
    a.sum += s.value;
    a.n++;
    acc.set(key, a);
  }
  return [...acc.values()].map((a) => ({
    entityId: a.entityId,
    metric: a.metric,
    ts: new Date(a.t * 1000),
    value: a.sum / a.n,
  }));
}

@Injectable()
export class PerfCollectorService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = new Logger(PerfCollectorService.name);
  private readonly task = new PeriodicTask('perf collection failed', () => this.collect(), this.log);

  constructor(
    private readonly dataSource: DataSource,
    @Inject(VIM_CLIENT) private readonly client: VimClient | undefined,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.client) return;
    this.task.start(INTERVAL_MS);
  }

  /** Reads perf for every known VM and upserts the 5-minute means; returns the number of rows written. */
  async collect(): Promise<number> {
    if (!this.client) return 0;
    await ensureConnected(this.client);
    const ids = (
      await this.dataSource
        .getRepository(ComponentEntity)
        .find({ select: ['id'], where: { poweredOn: true } })
    ).map((c) => c.id);
    let written = 0;
    for (let i = 0; i < ids.length; i += BATCH) {
      const samples = await queryPerf(this.client, ids.slice(i, i + BATCH).map(vmRef), {
        counters: Object.keys(COUNTERS),
        maxSample: 15,
      });
      const rows = toBuckets(samples);
      if (rows.length === 0) continue;
      await this.dataSource
        .createQueryBuilder()
        .insert()
        .into(MetricSampleEntity)
        .values(rows)
        .orUpdate(['value'], ['entity_id', 'metric', 'ts'])
        .execute();
      written += rows.length;
    }
    return written;
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.task.stop();
  }
}
