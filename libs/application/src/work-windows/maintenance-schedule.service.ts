import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { DataSource, In } from 'typeorm';
import { dueMaintenances, type WorkWindow } from '@app/domain';
import { HostEntity, PowerEventEntity, WorkWindowEntity } from '@app/persistence';
import type { AppConfig } from '../platform/config';
import { APP_CONFIG } from '../platform/tokens';

/**
 * How long before a maintenance window starts its evacuation plan is made (vMotions take minutes each), unless
 * LAYERSHIFT_MAINTENANCE_LEAD_MINUTES says otherwise.
 */
export const MAINTENANCE_LEAD_SECONDS = 45 * 60;

const KEY_PREFIX = 'schedule:maintenance:';

export interface MaintenanceTick {
  /** power events opened now, each to be audited (its plan waits for an operator's approval) */
  opened: { powerEventId: string; host: string; windowId: string; start: string }[];
  /** scheduled maintenance events closed: their window ended, or was removed */
  closed: number;
  /** hosts named by a window but not in the inventory: nothing opened for them */
  unknownHosts: string[];
}

/**
 * Scheduled maintenance jobs: a maintenance window naming hosts becomes, the lead time (45 min) before each
 * occurrence, one `maintenance` power event per host (source `schedule`), whose audit plans the host's evacuation
 * and its entry into maintenance, ahead of the work. Idempotent (one event per window, host and occurrence, under
 * a PostgreSQL advisory lock, so several workers may tick); the event closes when the window ends.
 */
@Injectable()
export class MaintenanceScheduleService {
  private readonly log = new Logger(MaintenanceScheduleService.name);
  /** the configured lead time (MAINTENANCE_LEAD_SECONDS without a config) */
  readonly leadSeconds: number;

  constructor(
    private readonly dataSource: DataSource,
    @Optional() @Inject(APP_CONFIG) config?: Pick<AppConfig, 'maintenanceLeadSeconds'>,
  ) {
    this.leadSeconds = config?.maintenanceLeadSeconds ?? MAINTENANCE_LEAD_SECONDS;
  }

  async tick(now = new Date(), leadSeconds = this.leadSeconds): Promise<MaintenanceTick> {
    return this.dataSource.transaction(async (tx) => {
      // one scheduler at a time across workers; released with the transaction
      await tx.query(`SELECT pg_advisory_xact_lock(hashtext('layershift.maintenance-schedule'))`);
      const windows = (await tx.getRepository(WorkWindowEntity).find()).map((r) => r.spec as WorkWindow);
      const due = dueMaintenances(windows, now.getTime() / 1000, leadSeconds);
      const hosts = new Set(
        (
          await tx
            .getRepository(HostEntity)
            .find({ select: ['id'], where: { id: In(due.map((d) => d.host)) } })
        ).map((h) => h.id),
      );
      const events = tx.getRepository(PowerEventEntity);
      const keyOf = (d: { windowId: string; host: string; start: number }) =>
        `${KEY_PREFIX}${d.windowId}:${d.host}:${d.start}`;
      const result: MaintenanceTick = { opened: [], closed: 0, unknownHosts: [] };
      for (const d of due) {
        if (!hosts.has(d.host)) {
          result.unknownHosts.push(d.host);
          continue;
        }
        const dedupKey = keyOf(d);
        if (await events.existsBy({ dedupKey })) continue;
        const start = new Date(d.start * 1000).toISOString();
        const minutes = Math.round((d.start - now.getTime() / 1000) / 60);
        const row = await events.save(
          events.create({
            kind: 'maintenance',
            source: 'schedule',
            device: d.host,
            deviceKind: 'host',
            dedupKey,
            status: 'open',
            occurredAt: now,
            detail:
              `maintenance window "${d.windowId}" takes ${d.host} down ${minutes >= 0 ? `in ${minutes} min` : `since ${-minutes} min ago (found late)`}, ` +
              `${start} to ${new Date(d.end * 1000).toISOString()}: evacuate it first`,
            raw: { windowId: d.windowId, host: d.host, start, end: new Date(d.end * 1000).toISOString() },
          }),
        );
        result.opened.push({ powerEventId: row.id, host: d.host, windowId: d.windowId, start });
      }
      // a scheduled maintenance no longer due (its window ended or was removed) closes
      const dueKeys = new Set(due.map(keyOf));
      const open = await events.find({ where: { source: 'schedule', kind: 'maintenance', status: 'open' } });
      const stale = open.filter((e) => e.dedupKey.startsWith(KEY_PREFIX) && !dueKeys.has(e.dedupKey));
      if (stale.length) {
        await events.update({ id: In(stale.map((e) => e.id)) }, { status: 'closed', closedAt: now });
        result.closed = stale.length;
      }
      if (result.unknownHosts.length)
        this.log.warn(
          `maintenance windows name hosts not in the inventory (nothing planned for them): ${[...new Set(result.unknownHosts)].join(', ')}`,
        );
      return result;
    });
  }
}
