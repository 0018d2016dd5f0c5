import { Component, computed, inject, signal, type OnDestroy, type OnInit } from '@angular/core';
import { ApiError, ApiService } from './api.service';
import { when } from './format';
import type { ForecastModelView, TrainingStatusView } from './models';
import { AlertComponent } from './alert.component';

/** How often a training the operator started is asked about, and for how long at most. */
const POLL_MS = 2000;
const POLL_LIMIT_MS = 15 * 60_000;

/**
 * The forecast models behind the charts: how many, how many on a baseline (too little history) and when they were
 * trained; "Retrain now" asks the worker to train instead of waiting for the nightly run (components whose samples
 * have not changed keep their model) and follows the job to its end.
 */
@Component({
  selector: 'ls-forecast-models',
  imports: [AlertComponent],
  template: `
    <div class="ls-row ls-models">
      <span class="ls-models-summary">{{ summary() }}</span>
      <span class="ls-spacer"></span>
      @if (training(); as t) {
        <span class="ls-training" [attr.data-state]="t.state">{{ describe(t) }}</span>
      }
      <button type="button" class="btn btn-sm btn-outline ls-retrain" [disabled]="busy()" (click)="retrain()">
        Retrain now
      </button>
    </div>
    <ls-alert [message]="error()" />
  `,
  styles: `
    .ls-models {
      margin: 0.6rem 0;
      align-items: center;
      gap: 0.6rem;
    }
    .ls-training {
      font-size: 0.6rem;
    }
  `,
})
export class ForecastModelsComponent implements OnInit, OnDestroy {
  private readonly api = inject(ApiService);
  protected readonly models = signal<ForecastModelView[] | undefined>(undefined);
  protected readonly training = signal<TrainingStatusView | undefined>(undefined);
  protected readonly busy = signal(false);
  protected readonly error = signal<string | undefined>(undefined);
  private timer: ReturnType<typeof setTimeout> | undefined;

  protected readonly summary = computed(() => {
    const all = this.models();
    if (all === undefined) return 'Forecast models: loading';
    if (all.length === 0)
      return 'No forecast model yet: the worker trains nightly at 02:00 once it has perf samples, or now with Retrain.';
    const baseline = all.filter((m) => m.kind !== 'ridge').length;
    const last = all.reduce((a, m) => (m.trainedAt > a ? m.trainedAt : a), '');
    return (
      `Forecast models: ${all.length} (${all.length - baseline} regression, ${baseline} on a baseline: too little ` +
      `history) · last trained ${when(last)}`
    );
  });

  ngOnInit(): void {
    void this.load();
  }

  ngOnDestroy(): void {
    clearTimeout(this.timer);
  }

  protected describe(t: TrainingStatusView): string {
    if (t.state === 'completed' && t.result)
      return `Training done: ${t.result.models} models stored, ${t.result.unchanged} unchanged`;
    if (t.state === 'failed') return `Training failed: ${t.failedReason ?? 'no reason given'}`;
    if (t.state === 'active') return 'Training running';
    return t.state === 'waiting' ? 'Training queued: waiting for a worker' : `Training queued (${t.state})`;
  }

  async load(): Promise<void> {
    try {
      this.models.set(await this.api.forecastModels());
    } catch (e) {
      // an older api without the route: say nothing rather than a red banner on the Layers page
      if (e instanceof ApiError && e.status === 404) this.models.set([]);
      else this.error.set((e as Error).message);
    }
  }

  protected async retrain(): Promise<void> {
    this.busy.set(true);
    this.error.set(undefined);
    try {
      const { jobId } = await this.api.train();
      this.training.set({ jobId, state: 'waiting' });
      this.follow(jobId, Date.now() + POLL_LIMIT_MS);
    } catch (e) {
      this.error.set((e as Error).message);
      this.busy.set(false);
    }
  }

  private follow(jobId: string, until: number): void {
    this.timer = setTimeout(async () => {
      try {
        const status = await this.api.trainingStatus(jobId);
        this.training.set(status);
        if (status.state === 'completed' || status.state === 'failed') {
          this.busy.set(false);
          await this.load();
          return;
        }
      } catch (e) {
        this.error.set((e as Error).message);
        this.busy.set(false);
        return;
      }
      // the worker goes on; the page only stops asking
      if (Date.now() < until) this.follow(jobId, until);
      else this.busy.set(false);
    }, POLL_MS);
  }
}
