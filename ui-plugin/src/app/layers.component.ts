import { Component, computed, inject, signal, type OnInit } from '@angular/core';
import { ClrDatagridModule } from '@clr/angular';
import { ApiError, ApiService } from './api.service';
import { duration } from './format';
import { ForecastChartComponent } from './forecast-chart.component';
import { ForecastModelsComponent } from './forecast-models.component';
import { LAYERS, layerLabel, type ComponentView, type ForecastSeries, type Layer } from './models';
import { AlertComponent } from './alert.component';

interface LayerCard {
  layer: Layer;
  count: number;
  untagged: number;
  cpuGhz: number;
  memGb: number;
  forecasts: ForecastSeries[];
}

/** Components by layer, untagged VMs flagged (they count as medium), and each layer's forecasts. */
@Component({
  selector: 'ls-layers',
  imports: [AlertComponent, ClrDatagridModule, ForecastChartComponent, ForecastModelsComponent],
  template: `
    <div class="ls-page">
      <div class="ls-row">
        <h2>Layers</h2>
        <span class="ls-spacer"></span>
        <button type="button" class="btn btn-sm btn-outline" (click)="load()">Refresh</button>
      </div>
      <ls-alert [message]="error()" />
      @if (missing()) {
        <div class="ls-empty ls-missing">
          <p>This Layershift api does not serve the inventory yet (components and forecasts answered 404).</p>
        </div>
      } @else {
        @if (untaggedCount() > 0) {
          <div class="alert alert-warning ls-untagged-alert" role="alert">
            <div class="alert-items">
              <div class="alert-item static">
                <span class="alert-text">
                  {{ untaggedCount() }} VMs have no tag in the category Layershift.Layer: they are treated as
                  medium. Tag them in vCenter to place them deliberately.
                </span>
              </div>
            </div>
          </div>
        }
        <ls-forecast-models />
        <div class="clr-row">
          @for (c of cards(); track c.layer) {
            <div class="clr-col-lg-3 clr-col-md-6 clr-col-12">
              <div class="card ls-layer-card" [attr.data-layer]="c.layer">
                <div class="card-header">
                  <span [class]="layerLabel(c.layer)">{{ c.layer }}</span>
                  <span class="ls-count">{{ c.count }} VMs</span>
                </div>
                <div class="card-block">
                  <div class="ls-muted">
                    {{ c.cpuGhz.toFixed(1) }} GHz &middot; {{ c.memGb.toFixed(0) }} GB
                    @if (c.untagged) {
                      &middot; <span class="label label-warning">{{ c.untagged }} untagged</span>
                    }
                  </div>
                  @for (f of c.forecasts; track f.metric + f.horizonSeconds) {
                    <div class="ls-forecast">
                      <div class="ls-forecast-title">
                        {{ f.metric }}, {{ horizon(f.horizonSeconds) }} ahead
                      </div>
                      <ls-forecast-chart [series]="f" />
                    </div>
                  } @empty {
                    <p class="ls-muted">No forecast for this layer yet.</p>
                  }
                </div>
              </div>
            </div>
          }
        </div>

        <h3>Components</h3>
        <clr-datagrid class="ls-components" [clrDgLoading]="loading()">
          <clr-dg-column [clrDgField]="'name'">Name</clr-dg-column>
          <clr-dg-column [clrDgField]="'layer'">Layer</clr-dg-column>
          <clr-dg-column [clrDgField]="'host'">Host</clr-dg-column>
          <clr-dg-column [clrDgField]="'cpuMhz'">CPU (MHz)</clr-dg-column>
          <clr-dg-column [clrDgField]="'memMb'">Memory (MB)</clr-dg-column>
          <clr-dg-column>Flags</clr-dg-column>
          <clr-dg-row *clrDgItems="let c of components()" [clrDgItem]="c" [attr.data-component]="c.id">
            <clr-dg-cell>
              {{ c.name }}
              @if (c.name !== c.id) {
                <span class="ls-muted ls-mono">{{ c.id }}</span>
              }
            </clr-dg-cell>
            <clr-dg-cell
              ><span [class]="layerLabel(c.layer)">{{ c.layer }}</span></clr-dg-cell
            >
            <clr-dg-cell>{{ c.host ?? '-' }}</clr-dg-cell>
            <clr-dg-cell>{{ c.cpuMhz }}</clr-dg-cell>
            <clr-dg-cell>{{ c.memMb }}</clr-dg-cell>
            <clr-dg-cell>
              @if (!c.layerTagged) {
                <span class="label label-warning ls-untagged">untagged</span>
              }
              @if (c.sensitive) {
                <span class="label label-purple">sensitive</span>
              }
            </clr-dg-cell>
          </clr-dg-row>
          <clr-dg-placeholder>No components in the inventory yet.</clr-dg-placeholder>
          <clr-dg-footer>
            <clr-dg-pagination #pg [clrDgPageSize]="50">
              {{ pg.totalItems }} components, {{ untaggedCount() }} untagged
            </clr-dg-pagination>
          </clr-dg-footer>
        </clr-datagrid>
      }
    </div>
  `,
  styles: `
    .ls-layer-card .card-header {
      display: flex;
      justify-content: space-between;
      align-items: center;
    }
    .ls-forecast {
      margin-top: 0.6rem;
    }
    .ls-forecast-title {
      font-size: 0.6rem;
      font-weight: 500;
    }
    .ls-empty {
      margin-top: 2rem;
      text-align: center;
    }
  `,
})
export class LayersComponent implements OnInit {
  private readonly api = inject(ApiService);
  protected readonly components = signal<ComponentView[]>([]);
  protected readonly forecasts = signal<ForecastSeries[]>([]);
  protected readonly loading = signal(true);
  protected readonly missing = signal(false);
  protected readonly error = signal<string | undefined>(undefined);
  protected readonly layerLabel = layerLabel;
  protected readonly horizon = duration;
  protected readonly untaggedCount = computed(() => this.components().filter((c) => !c.layerTagged).length);
  protected readonly cards = computed<LayerCard[]>(() =>
    LAYERS.map((layer) => {
      const of = this.components().filter((c) => c.layer === layer);
      return {
        layer,
        count: of.length,
        untagged: of.filter((c) => !c.layerTagged).length,
        cpuGhz: of.reduce((s, c) => s + c.cpuMhz, 0) / 1000,
        memGb: of.reduce((s, c) => s + c.memMb, 0) / 1024,
        forecasts: this.forecasts().filter((f) => f.key === layer),
      };
    }),
  );

  ngOnInit(): void {
    void this.load();
  }

  async load(): Promise<void> {
    this.loading.set(true);
    try {
      const [components, forecasts] = await Promise.all([
        this.api.components(),
        this.api.forecasts('layer').catch((e: unknown) => {
          if (e instanceof ApiError && e.status === 404) return [];
          throw e;
        }),
      ]);
      this.components.set(components);
      this.forecasts.set(forecasts);
      this.missing.set(false);
      this.error.set(undefined);
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) this.missing.set(true);
      else this.error.set((e as Error).message);
    } finally {
      this.loading.set(false);
    }
  }
}
