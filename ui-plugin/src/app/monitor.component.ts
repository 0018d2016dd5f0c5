import { Component, computed, inject, input, signal, type OnDestroy, type OnInit } from '@angular/core';
import { RouterLink } from '@angular/router';
import { ActionsGridComponent } from './actions-grid.component';
import { ApiService } from './api.service';
import { shortId } from './format';
import { stateLabel, type PlanActionView, type PlanDetail } from './models';
import { clientSdk, parseContextId } from './sdk';
import { AlertComponent } from './alert.component';

const OPEN_PLAN_STATES = ['proposed', 'approved', 'executing'];

/**
 * The "Layershift" tab under Monitor of a VM, host or cluster: the open plans' actions that touch this object.
 * Inside the vSphere Client the object comes from the SDK's context; standalone from `#/monitor?object=vm-42`.
 */
@Component({
  selector: 'ls-monitor',
  imports: [AlertComponent, RouterLink, ActionsGridComponent],
  template: `
    <div class="ls-page">
      <h2>Layershift &middot; {{ target() ?? 'no object' }}</h2>
      <ls-alert [message]="error()" />
      @for (p of plans(); track p.id) {
        <div class="ls-row ls-plan-line">
          <span
            >Plan <a [routerLink]="['/plans', p.id]" class="ls-mono">{{ short(p.id) }}</a></span
          >
          <span [class]="label(p.state)">{{ p.state }}</span>
        </div>
        <ls-actions-grid [actions]="touching(p)" empty="This plan does not touch this object." />
      } @empty {
        @if (!loading()) {
          <p class="ls-muted">No open plan touches this object.</p>
        }
      }
    </div>
  `,
  styles: `
    .ls-plan-line {
      margin: 0.6rem 0;
    }
  `,
})
export class MonitorComponent implements OnInit, OnDestroy {
  /** Query parameter `object` (standalone). */
  readonly object = input<string | undefined>(undefined);
  private readonly api = inject(ApiService);
  protected readonly plans = signal<PlanDetail[]>([]);
  protected readonly loading = signal(true);
  protected readonly error = signal<string | undefined>(undefined);
  protected readonly label = stateLabel;
  protected readonly short = shortId;
  private readonly context = signal<{ type: string; moref: string } | undefined>(undefined);
  private readonly clusterHosts = signal<Set<string>>(new Set());
  protected readonly target = computed(() => this.context()?.moref ?? this.object());
  private timer: ReturnType<typeof setInterval> | undefined;

  ngOnInit(): void {
    const ctx = clientSdk()?.app.getContextObjects?.()?.[0];
    if (ctx) this.context.set(parseContextId(ctx.id));
    void this.load();
    this.timer = setInterval(() => void this.load(), 5000);
  }

  ngOnDestroy(): void {
    clearInterval(this.timer);
  }

  protected touching(p: PlanDetail): PlanActionView[] {
    const id = this.target();
    const hosts = this.clusterHosts();
    return p.actions.filter((a) =>
      [a.component, a.host, a.from, a.to].some((v) => v != null && (v === id || hosts.has(v))),
    );
  }

  async load(): Promise<void> {
    try {
      if (this.context()?.type === 'ClusterComputeResource') {
        const id = this.target();
        const hosts = await this.api.hosts();
        this.clusterHosts.set(new Set(hosts.filter((h) => h.cluster === id).map((h) => h.id)));
      }
      const list = await this.api.plans(OPEN_PLAN_STATES);
      this.plans.set(await Promise.all(list.slice(0, 3).map((p) => this.api.plan(p.id))));
      this.error.set(undefined);
    } catch (e) {
      this.error.set((e as Error).message);
    } finally {
      this.loading.set(false);
    }
  }
}
