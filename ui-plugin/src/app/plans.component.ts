import { Component, inject, signal, type OnInit } from '@angular/core';
import { RouterLink } from '@angular/router';
import { ClrDatagridModule } from '@clr/angular';
import { ApiService } from './api.service';
import { duration, shortId, when } from './format';
import { stateLabel, type PlanListItem } from './models';
import { AlertComponent } from './alert.component';

@Component({
  selector: 'ls-plans',
  imports: [AlertComponent, ClrDatagridModule, RouterLink],
  template: `
    <div class="ls-page">
      <div class="ls-row">
        <h2>Plans</h2>
        <span class="ls-spacer"></span>
        <button type="button" class="btn btn-sm btn-outline" (click)="load()">Refresh</button>
      </div>
      <ls-alert [message]="error()" />
      <clr-datagrid [clrDgLoading]="loading()" class="ls-plans">
        <clr-dg-column [clrDgField]="'id'">Plan</clr-dg-column>
        <clr-dg-column [clrDgField]="'state'">State</clr-dg-column>
        <clr-dg-column [clrDgField]="'createdAt'" [clrDgSortOrder]="-1">Created</clr-dg-column>
        <clr-dg-column>Moves</clr-dg-column>
        <clr-dg-column>Shutdowns</clr-dg-column>
        <clr-dg-column>Critical at risk</clr-dg-column>
        <clr-dg-column>Makespan / deadline</clr-dg-column>

        <clr-dg-row *clrDgItems="let p of plans()" [clrDgItem]="p">
          <clr-dg-cell
            ><a [routerLink]="['/plans', p.id]" class="ls-mono">{{ short(p.id) }}</a></clr-dg-cell
          >
          <clr-dg-cell
            ><span [class]="label(p.state)">{{ p.state }}</span></clr-dg-cell
          >
          <clr-dg-cell>{{ when(p.createdAt) }}</clr-dg-cell>
          <clr-dg-cell>{{ p.summary.moves }}</clr-dg-cell>
          <clr-dg-cell>{{ p.summary.shutdowns }}</clr-dg-cell>
          <clr-dg-cell>
            @if (p.summary.criticalAtRisk > 0) {
              <span class="label label-danger">{{ p.summary.criticalAtRisk }}</span>
            } @else {
              0
            }
          </clr-dg-cell>
          <clr-dg-cell
            >{{ duration(p.summary.makespanSeconds) }} /
            {{ duration(p.summary.deadlineSeconds) }}</clr-dg-cell
          >
        </clr-dg-row>

        <clr-dg-placeholder
          >No plans yet: an audit (power event, schedule or operator) makes one.</clr-dg-placeholder
        >
        <clr-dg-footer>{{ plans().length }} plans (newest 50)</clr-dg-footer>
      </clr-datagrid>
    </div>
  `,
})
export class PlansComponent implements OnInit {
  private readonly api = inject(ApiService);
  protected readonly plans = signal<PlanListItem[]>([]);
  protected readonly loading = signal(true);
  protected readonly error = signal<string | undefined>(undefined);
  protected readonly label = stateLabel;
  protected readonly short = shortId;
  protected readonly when = when;
  protected readonly duration = duration;

  ngOnInit(): void {
    void this.load();
  }

  async load(): Promise<void> {
    this.loading.set(true);
    try {
      this.plans.set(await this.api.plans());
      this.error.set(undefined);
    } catch (e) {
      this.error.set((e as Error).message);
    } finally {
      this.loading.set(false);
    }
  }
}
