import { Inject, Injectable, Optional } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  parseWorkWindows,
  upcomingOccurrences,
  type WindowOccurrence,
  type WorkWindow,
  type WorkWindowsDocument,
} from '@app/domain';
import type { AppConfig } from '../platform/config';
import { APP_CONFIG } from '../platform/tokens';
import { MAINTENANCE_LEAD_SECONDS } from './maintenance-schedule.service';
import { AuditLogEntity, WorkWindowEntity } from '@app/persistence';

/** Reads and replaces the operator's windows of anticipated work (one transaction: never half a schedule). */
@Injectable()
export class WorkWindowsService {
  private readonly leadSeconds: number;
  constructor(
    private readonly dataSource: DataSource,
    @Optional() @Inject(APP_CONFIG) config?: Pick<AppConfig, 'maintenanceLeadSeconds'>,
  ) {
    this.leadSeconds = config?.maintenanceLeadSeconds ?? MAINTENANCE_LEAD_SECONDS;
  }

  async get(): Promise<WorkWindowsDocument> {
    const rows = await this.dataSource.getRepository(WorkWindowEntity).find({ order: { id: 'ASC' } });
    return { windows: rows.map((r) => r.spec as WorkWindow) };
  }

  /**
   * The occurrences from now to `hours` ahead (a running one included), soonest first; a maintenance naming hosts
   * says when its evacuation is planned (the configured lead time before it starts).
   */
  async upcoming(now: Date, hours: number): Promise<(WindowOccurrence & { evacuationPlannedAt?: string })[]> {
    const { windows } = await this.get();
    const from = now.getTime() / 1000;
    return upcomingOccurrences(windows, from, from + hours * 3600).map((o) =>
      o.kind === 'maintenance' && o.hosts?.length
        ? {
            ...o,
            evacuationPlannedAt: new Date(Date.parse(o.start) - this.leadSeconds * 1000).toISOString(),
          }
        : o,
    );
  }

  async replace(input: unknown, actor: string): Promise<WorkWindowsDocument> {
    const doc = parseWorkWindows(input);
    await this.dataSource.transaction(async (tx) => {
      const repo = tx.getRepository(WorkWindowEntity);
      await repo.clear();
      if (doc.windows.length)
        await repo.insert(doc.windows.map((w) => ({ id: w.id, kind: w.kind, spec: w })));
      await tx.getRepository(AuditLogEntity).insert({
        actor,
        action: 'work-windows.replaced',
        subjectType: 'work-windows',
        subjectId: 'all',
        detail: { windows: doc.windows.map((w) => w.id) },
      });
    });
    return this.get();
  }
}
