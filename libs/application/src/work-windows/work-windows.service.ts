import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { parseWorkWindows, type WorkWindow, type WorkWindowsDocument } from '@app/domain';
import { AuditLogEntity, WorkWindowEntity } from '@app/persistence';

/** Reads and replaces the operator's windows of anticipated work (one transaction: never half a schedule). */
@Injectable()
export class WorkWindowsService {
  constructor(private readonly dataSource: DataSource) {}

  async get(): Promise<WorkWindowsDocument> {
    const rows = await this.dataSource.getRepository(WorkWindowEntity).find({ order: { id: 'ASC' } });
    return { windows: rows.map((r) => r.spec as WorkWindow) };
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
