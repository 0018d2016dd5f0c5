import {
  Component,
  computed,
  effect,
  inject,
  input,
  signal,
  untracked,
  type OnDestroy,
  type OnInit,
} from '@angular/core';
import { RouterLink } from '@angular/router';
import { ClrModalModule } from '@clr/angular';
import { ActionsGridComponent } from './actions-grid.component';
import { ApiService } from './api.service';
import { duration, when } from './format';
import { ACTIVE_PLAN_STATES, LAYERS, stateLabel, TERMINAL_ACTION_STATES, type PlanDetail } from './models';
import { AlertComponent } from './alert.component';

/** One plan: its summary, its actions with live state, and approval. Refreshes itself while the plan runs. */
@Component({
  selector: 'ls-plan-detail',
  imports: [AlertComponent, ClrModalModule, RouterLink, ActionsGridComponent],
  template: `
    <div class="ls-page">
      <a routerLink="/plans" class="ls-back">&larr; Plans</a>
      <ls-alert [message]="error()" />
      @if (plan(); as p) {
        <div class="ls-row">
          <h2>
            Plan <span class="ls-mono ls-plan-id">{{ p.id }}</span>
          </h2>
          <span class="ls-plan-state" [class]="label(p.state)">{{ p.state }}</span>
          <span class="ls-spacer"></span>
          <button type="button" class="btn btn-sm btn-outline" (click)="load()">Refresh</button>
          <button
            type="button"
            class="btn btn-sm btn-primary ls-approve"
            [disabled]="p.state !== 'proposed' || approving()"
            (click)="confirmOpen = true"
          >
            Approve
          </button>
        </div>
        @if (p.approvedBy) {
          <p class="ls-muted">Approved by {{ p.approvedBy }} at {{ when(p.approvedAt) }}</p>
        }
        <ls-alert class="ls-approved" kind="success" [small]="true" [message]="approved()" />

        <div class="clr-row ls-cards">
          <div class="clr-col-lg-3 clr-col-md-6 clr-col-12">
            <div class="card">
              <div class="card-block">
                <div class="card-title">Moves / shutdowns</div>
                <div class="ls-big">{{ p.document.summary.moves }} / {{ p.document.summary.shutdowns }}</div>
                <div class="ls-muted">{{ p.document.summary.hostsEvacuated }} hosts evacuated</div>
              </div>
            </div>
          </div>
          <div class="clr-col-lg-3 clr-col-md-6 clr-col-12">
            <div class="card">
              <div class="card-block">
                <div class="card-title">Makespan / deadline</div>
                <div class="ls-big">
                  {{ duration(p.document.summary.makespanSeconds) }} /
                  {{ duration(p.document.summary.deadlineSeconds) }}
                </div>
                <div class="ls-muted">lower bound {{ duration(p.document.summary.lowerBoundSeconds) }}</div>
              </div>
            </div>
          </div>
          <div class="clr-col-lg-3 clr-col-md-6 clr-col-12">
            <div class="card">
              <div class="card-block">
                <div class="card-title">At risk by layer</div>
                <div class="ls-row">
                  @for (l of layers; track l) {
                    <span
                      class="label"
                      [class.label-danger]="l === 'critical' && p.document.summary.atRiskByLayer[l] > 0"
                    >
                      {{ l }} <span class="badge">{{ p.document.summary.atRiskByLayer[l] }}</span>
                    </span>
                  }
                </div>
              </div>
            </div>
          </div>
          <div class="clr-col-lg-3 clr-col-md-6 clr-col-12">
            <div class="card">
              <div class="card-block">
                <div class="progress top success">
                  <progress [value]="progress().done" [max]="progress().total || 1"></progress>
                </div>
                <div class="card-title">Progress</div>
                <div class="ls-big">{{ progress().done }} / {{ progress().total }}</div>
                <div class="ls-muted">actions finished</div>
              </div>
            </div>
          </div>
        </div>

        <ls-alert kind="warning" [message]="unplacedNotes()" />

        <h3>Actions</h3>
        <ls-actions-grid [actions]="p.actions" />

        <clr-modal [(clrModalOpen)]="confirmOpen" [clrModalClosable]="!approving()">
          <h3 class="modal-title">Approve this plan?</h3>
          <div class="modal-body">
            <p>
              {{ p.actions.length }} actions ({{ p.document.summary.moves }} moves,
              {{ p.document.summary.shutdowns }} shutdowns) will be queued and carried out in vCenter, wave by
              wave.
            </p>
          </div>
          <div class="modal-footer">
            <button
              type="button"
              class="btn btn-outline"
              [disabled]="approving()"
              (click)="confirmOpen = false"
            >
              Cancel
            </button>
            <button
              type="button"
              class="btn btn-primary ls-confirm"
              [disabled]="approving()"
              (click)="approve()"
            >
              Approve and queue
            </button>
          </div>
        </clr-modal>
      } @else if (!error()) {
        <span class="spinner spinner-md">Loading...</span>
      }
    </div>
  `,
  styles: `
    .ls-back {
      display: inline-block;
      margin-bottom: 0.5rem;
    }
    .ls-cards {
      margin-top: 0.5rem;
    }
    .ls-cards > div {
      display: flex;
    }
    .ls-cards .card {
      flex: 1 1 auto;
    }
    .ls-big {
      font-size: 1.1rem;
      font-weight: 500;
      margin: 0.3rem 0;
    }
    .ls-plan-id {
      font-size: 0.8rem;
    }
  `,
})
export class PlanDetailComponent implements OnInit, OnDestroy {
  /** The route parameter (component input binding). */
  readonly id = input<string>('');
  private readonly api = inject(ApiService);
  protected readonly plan = signal<PlanDetail | undefined>(undefined);
  protected readonly error = signal<string | undefined>(undefined);
  protected readonly approving = signal(false);
  protected readonly approved = signal<string | undefined>(undefined);
  protected confirmOpen = false;
  protected readonly layers = LAYERS;
  protected readonly label = stateLabel;
  protected readonly duration = duration;
  protected readonly when = when;
  protected readonly unplacedNotes = computed(() =>
    (this.plan()?.document.unplaced ?? []).map((u) => `${u.component} (${u.layer}) not placed: ${u.reason}`),
  );
  protected readonly progress = computed(() => {
    const actions = this.plan()?.actions ?? [];
    return {
      total: actions.length,
      done: actions.filter((a) => TERMINAL_ACTION_STATES.includes(a.state)).length,
    };
  });
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor() {
    // The router reuses this component when only the plan id changes (a link or an edited URL from one plan to
    // another): load whenever the id does, and drop the previous plan's state first.
    effect(() => {
      const id = this.id();
      untracked(() => {
        this.plan.set(undefined);
        this.error.set(undefined);
        this.approved.set(undefined);
        this.confirmOpen = false;
        if (id) void this.load();
      });
    });
  }

  ngOnInit(): void {
    // While the plan runs, the actions' states change underneath: follow them.
    this.timer = setInterval(() => {
      const state = this.plan()?.state;
      if (state && ACTIVE_PLAN_STATES.includes(state)) void this.load();
    }, 3000);
  }

  ngOnDestroy(): void {
    clearInterval(this.timer);
  }

  async load(): Promise<void> {
    const id = this.id();
    try {
      const plan = await this.api.plan(id);
      // a late answer for a plan no longer shown is dropped
      if (id !== this.id()) return;
      this.plan.set(plan);
      this.error.set(undefined);
    } catch (e) {
      if (id === this.id()) this.error.set((e as Error).message);
    }
  }

  async approve(): Promise<void> {
    const p = this.plan();
    if (!p) return;
    this.approving.set(true);
    try {
      const { queued } = await this.api.approve(p.id);
      this.approved.set(`Approved: ${queued} actions queued for the worker.`);
      this.confirmOpen = false;
      await this.load();
    } catch (e) {
      this.error.set((e as Error).message);
      this.confirmOpen = false;
    } finally {
      this.approving.set(false);
    }
  }
}
