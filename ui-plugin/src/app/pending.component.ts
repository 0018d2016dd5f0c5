import { Component, computed, inject, signal, type OnDestroy, type OnInit } from '@angular/core';
import { RouterLink } from '@angular/router';
import { ActionsGridComponent } from './actions-grid.component';
import { ApiService } from './api.service';
import { shortId, when } from './format';
import { ACTIVE_PLAN_STATES, stateLabel, TERMINAL_ACTION_STATES, type PlanDetail } from './models';
import { AlertComponent } from './alert.component';

/** The moves of the newest approved or executing plan, refreshed every few seconds. */
@Component({
  selector: 'ls-pending',
  imports: [AlertComponent, RouterLink, ActionsGridComponent],
  template: `
    <div class="ls-page">
      <div class="ls-row">
        <h2>Pending moves</h2>
        <span class="ls-spacer"></span>
        <button type="button" class="btn btn-sm btn-outline" (click)="load()">Refresh</button>
      </div>
      <ls-alert [message]="error()" />
      @if (plan(); as p) {
        <div class="ls-row ls-plan-line">
          <span
            >Plan <a [routerLink]="['/plans', p.id]" class="ls-mono">{{ short(p.id) }}</a></span
          >
          <span [class]="label(p.state)">{{ p.state }}</span>
          <span class="ls-muted">
            approved {{ when(p.approvedAt) }}
            @if (p.approvedBy) {
              by {{ p.approvedBy }}
            }
          </span>
        </div>
        <div class="ls-row ls-counts">
          @for (c of counts(); track c.state) {
            <span [class]="label(c.state)"
              >{{ c.state }} <span class="badge">{{ c.n }}</span></span
            >
          }
        </div>
        <ls-actions-grid [actions]="open()" empty="Every action of this plan has finished." />
        @if (finished().length) {
          <h3>Finished ({{ finished().length }})</h3>
          <ls-actions-grid [actions]="finished()" />
        }
      } @else if (!loading() && !error()) {
        <div class="ls-empty">
          <p>No approved or executing plan: nothing is waiting to move.</p>
          <a routerLink="/plans" class="btn btn-sm btn-link">See the plans</a>
        </div>
      }
      @if (loading() && !plan()) {
        <span class="spinner spinner-md">Loading...</span>
      }
    </div>
  `,
  styles: `
    .ls-counts,
    .ls-plan-line {
      margin-bottom: 0.6rem;
    }
    .ls-empty {
      margin-top: 2rem;
      text-align: center;
    }
  `,
})
export class PendingComponent implements OnInit, OnDestroy {
  private readonly api = inject(ApiService);
  protected readonly plan = signal<PlanDetail | undefined>(undefined);
  protected readonly loading = signal(true);
  protected readonly error = signal<string | undefined>(undefined);
  protected readonly label = stateLabel;
  protected readonly short = shortId;
  protected readonly when = when;
  protected readonly open = computed(
    () => this.plan()?.actions.filter((a) => !TERMINAL_ACTION_STATES.includes(a.state)) ?? [],
  );
  protected readonly finished = computed(
    () => this.plan()?.actions.filter((a) => TERMINAL_ACTION_STATES.includes(a.state)) ?? [],
  );
  protected readonly counts = computed(() => {
    const by = new Map<string, number>();
    for (const a of this.plan()?.actions ?? []) by.set(a.state, (by.get(a.state) ?? 0) + 1);
    return [...by].map(([state, n]) => ({ state, n }));
  });
  private timer: ReturnType<typeof setInterval> | undefined;

  ngOnInit(): void {
    void this.load();
    this.timer = setInterval(() => void this.load(), 3000);
  }

  ngOnDestroy(): void {
    clearInterval(this.timer);
  }

  async load(): Promise<void> {
    try {
      const [newest] = await this.api.plans(ACTIVE_PLAN_STATES);
      this.plan.set(newest ? await this.api.plan(newest.id) : undefined);
      this.error.set(undefined);
    } catch (e) {
      this.error.set((e as Error).message);
    } finally {
      this.loading.set(false);
    }
  }
}
