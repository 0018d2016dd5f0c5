import { Component, computed, inject, input, signal, type OnDestroy, type OnInit } from '@angular/core';
import { RouterLink } from '@angular/router';
import { ActionsGridComponent } from './actions-grid.component';
import { ApiError, ApiService } from './api.service';
import { shortId, when } from './format';
import { stateLabel, type PlanActionView, type PlanDetail, type WindowOccurrenceView } from './models';
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
      @if (work().length) {
        <div class="ls-work">
          <h3>Announced work in the next 7 days</h3>
          @for (o of work(); track o.windowId + o.start) {
            <div class="ls-row ls-work-line" [attr.data-window]="o.windowId">
              <span [class]="o.kind === 'maintenance' ? 'label label-warning' : 'label label-info'">{{
                o.kind
              }}</span>
              <span class="ls-mono">{{ o.windowId }}</span>
              <span>{{ when(o.start) }} to {{ when(o.end) }}</span>
              @if (o.evacuationPlannedAt) {
                <span class="ls-muted">evacuation planned {{ when(o.evacuationPlannedAt) }}</span>
              }
            </div>
          }
        </div>
      }
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
    .ls-work-line {
      gap: 0.6rem;
      margin: 0.3rem 0;
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
  protected readonly when = when;
  /** announced work (GET /api/v1/work-windows/upcoming) that names this object, or for a VM its host or layer */
  protected readonly work = signal<WindowOccurrenceView[]>([]);
  /** a VM's host and layer, read once, to match the windows that name them */
  private vmPlacement?: { host: string | null; layer: string } | null;
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
      await this.loadWork();
      const list = await this.api.plans(OPEN_PLAN_STATES);
      this.plans.set(await Promise.all(list.slice(0, 3).map((p) => this.api.plan(p.id))));
      this.error.set(undefined);
    } catch (e) {
      this.error.set((e as Error).message);
    } finally {
      this.loading.set(false);
    }
  }

  private async loadWork(): Promise<void> {
    const id = this.target();
    if (!id) return;
    const occurrences = await this.api.upcomingWork(168).catch((e: unknown) => {
      if (e instanceof ApiError && e.status === 404) return [];
      throw e;
    });
    if (
      this.vmPlacement === undefined &&
      (this.context()?.type ?? (id.startsWith('vm-') ? 'VirtualMachine' : '')) === 'VirtualMachine'
    ) {
      const vm = (await this.api.components()).find((c) => c.id === id);
      this.vmPlacement = vm ? { host: vm.host, layer: vm.layer } : null;
    }
    const vm = this.vmPlacement;
    this.work.set(
      occurrences.filter(
        (o) =>
          o.hosts?.includes(id) ||
          o.components?.includes(id) ||
          (vm && ((vm.host !== null && o.hosts?.includes(vm.host)) || o.layers?.includes(vm.layer))),
      ),
    );
  }
}
