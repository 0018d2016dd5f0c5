import { Component, inject, signal, type OnInit } from '@angular/core';
import { ClrDatagridModule } from '@clr/angular';
import { ApiError, ApiService } from './api.service';
import { duration, when } from './format';
import type { WindowOccurrenceView } from './models';
import { AlertComponent } from './alert.component';

/**
 * The next week of anticipated work the operator announced (PUT /api/v1/work-windows): batch runs the forecast
 * expects, and host maintenances with the time their evacuation plan is made.
 */
@Component({
  selector: 'ls-schedule',
  imports: [AlertComponent, ClrDatagridModule],
  template: `
    <div class="ls-page">
      <div class="ls-row">
        <h2>Schedule</h2>
        <span class="ls-spacer"></span>
        <button type="button" class="btn btn-sm btn-outline" (click)="load()">Refresh</button>
      </div>
      <p class="ls-muted">
        The next 7 days of announced work (times in your browser's zone). Batch runs are expected by the
        forecast; a host maintenance gets its evacuation plan 45 minutes ahead, for approval under Plans.
      </p>
      <ls-alert [message]="error()" />
      <clr-datagrid class="ls-schedule" [clrDgLoading]="loading()">
        <clr-dg-column>Starts</clr-dg-column>
        <clr-dg-column>Window</clr-dg-column>
        <clr-dg-column>Kind</clr-dg-column>
        <clr-dg-column>Length</clr-dg-column>
        <clr-dg-column>Applies to</clr-dg-column>
        <clr-dg-column>Evacuation planned</clr-dg-column>
        <clr-dg-row *clrDgItems="let o of occurrences()" [attr.data-window]="o.windowId">
          <clr-dg-cell>{{ when(o.start) }}</clr-dg-cell>
          <clr-dg-cell class="ls-mono">{{ o.windowId }}</clr-dg-cell>
          <clr-dg-cell>
            <span [class]="o.kind === 'maintenance' ? 'label label-warning' : 'label label-info'">{{
              o.kind
            }}</span>
          </clr-dg-cell>
          <clr-dg-cell>{{ length(o) }}</clr-dg-cell>
          <clr-dg-cell>{{ target(o) }}</clr-dg-cell>
          <clr-dg-cell>{{ o.evacuationPlannedAt ? when(o.evacuationPlannedAt) : '-' }}</clr-dg-cell>
        </clr-dg-row>
        <clr-dg-placeholder
          >No announced work in the next 7 days (PUT /api/v1/work-windows, or layershift windows
          put).</clr-dg-placeholder
        >
      </clr-datagrid>
    </div>
  `,
})
export class ScheduleComponent implements OnInit {
  private readonly api = inject(ApiService);
  protected readonly occurrences = signal<WindowOccurrenceView[]>([]);
  protected readonly loading = signal(true);
  protected readonly error = signal<string | undefined>(undefined);
  protected readonly when = when;

  ngOnInit(): void {
    void this.load();
  }

  protected length(o: WindowOccurrenceView): string {
    return duration((Date.parse(o.end) - Date.parse(o.start)) / 1000);
  }

  protected target(o: WindowOccurrenceView): string {
    const parts = [
      o.components?.length ? `VMs ${o.components.join(', ')}` : '',
      o.hosts?.length ? `hosts ${o.hosts.join(', ')}` : '',
      o.layers?.length ? `layers ${o.layers.join(', ')}` : '',
    ].filter(Boolean);
    return parts.length ? parts.join('; ') : 'every VM';
  }

  async load(): Promise<void> {
    this.loading.set(true);
    try {
      this.occurrences.set(await this.api.upcomingWork(168));
      this.error.set(undefined);
    } catch (e) {
      this.error.set(
        e instanceof ApiError && e.status === 404
          ? 'This Layershift api does not serve the schedule yet (work-windows answered 404).'
          : (e as Error).message,
      );
    } finally {
      this.loading.set(false);
    }
  }
}
