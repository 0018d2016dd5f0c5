import { Component, computed, input } from '@angular/core';
import type { ForecastSeries } from './models';

const W = 320;
const H = 120;
const PAD = { left: 38, right: 8, top: 8, bottom: 18 };

function compact(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e6) return `${(v / 1e6).toFixed(1)}M`;
  if (a >= 1e4) return `${(v / 1e3).toFixed(0)}k`;
  if (a >= 1e3) return `${(v / 1e3).toFixed(1)}k`;
  return a >= 10 || v === 0 ? v.toFixed(0) : v.toFixed(2);
}

function hhmm(t: number): string {
  return new Date(t).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

/** A forecast as a line (the point forecast) over its prediction interval (a band): plain inline SVG. */
@Component({
  selector: 'ls-forecast-chart',
  template: `
    @if (shape(); as s) {
      <svg
        class="ls-chart"
        [attr.viewBox]="'0 0 ' + w + ' ' + h"
        role="img"
        [attr.aria-label]="series().metric + ' forecast for ' + series().key"
      >
        <line
          [attr.x1]="pad.left"
          [attr.x2]="w - pad.right"
          [attr.y1]="s.yTop"
          [attr.y2]="s.yTop"
          class="grid"
        />
        <line
          [attr.x1]="pad.left"
          [attr.x2]="w - pad.right"
          [attr.y1]="s.yBottom"
          [attr.y2]="s.yBottom"
          class="axis"
        />
        <path [attr.d]="s.band" class="band" />
        <path [attr.d]="s.line" class="line" />
        <text [attr.x]="pad.left - 4" [attr.y]="s.yTop + 4" text-anchor="end">{{ s.maxLabel }}</text>
        <text [attr.x]="pad.left - 4" [attr.y]="s.yBottom" text-anchor="end">{{ s.minLabel }}</text>
        <text [attr.x]="pad.left" [attr.y]="h - 4">{{ s.startLabel }}</text>
        <text [attr.x]="w - pad.right" [attr.y]="h - 4" text-anchor="end">{{ s.endLabel }}</text>
      </svg>
    } @else {
      <span class="ls-muted">No forecast points.</span>
    }
  `,
  styles: `
    .ls-chart {
      width: 100%;
      max-width: 420px;
      height: auto;
      display: block;
    }
    .band {
      fill: var(--cds-alias-status-info-tint, #e3f5fc);
      stroke: none;
    }
    .line {
      fill: none;
      stroke: var(--cds-alias-status-info, #0072a3);
      stroke-width: 1.5;
    }
    .grid {
      stroke: #ddd;
      stroke-dasharray: 2 3;
    }
    .axis {
      stroke: #aaa;
    }
    text {
      font-size: 9px;
      fill: #666;
    }
  `,
})
export class ForecastChartComponent {
  readonly series = input.required<ForecastSeries>();
  protected readonly w = W;
  protected readonly h = H;
  protected readonly pad = PAD;

  protected readonly shape = computed(() => {
    const pts = this.series()
      .points.map((p) => ({ t: Date.parse(p.targetAt), point: p.point, lower: p.lower, upper: p.upper }))
      .filter((p) => Number.isFinite(p.t) && Number.isFinite(p.point))
      .sort((a, b) => a.t - b.t);
    if (!pts.length) return undefined;
    const lo = Math.min(...pts.map((p) => Math.min(p.lower, p.point)));
    const hi = Math.max(...pts.map((p) => Math.max(p.upper, p.point)));
    const yMin = lo === hi ? lo - 1 : lo;
    const yMax = lo === hi ? hi + 1 : hi;
    const t0 = pts[0].t;
    const t1 = pts[pts.length - 1].t;
    const x = (t: number) => PAD.left + (t1 === t0 ? 0.5 : (t - t0) / (t1 - t0)) * (W - PAD.left - PAD.right);
    const y = (v: number) => PAD.top + (1 - (v - yMin) / (yMax - yMin)) * (H - PAD.top - PAD.bottom);
    const f = (n: number) => n.toFixed(1);
    const line = pts.map((p, i) => `${i ? 'L' : 'M'}${f(x(p.t))},${f(y(p.point))}`).join(' ');
    const upper = pts.map((p, i) => `${i ? 'L' : 'M'}${f(x(p.t))},${f(y(p.upper))}`).join(' ');
    const lower = [...pts]
      .reverse()
      .map((p) => `L${f(x(p.t))},${f(y(p.lower))}`)
      .join(' ');
    return {
      line,
      band: `${upper} ${lower} Z`,
      yTop: y(yMax),
      yBottom: y(yMin),
      maxLabel: compact(yMax),
      minLabel: compact(yMin),
      startLabel: hhmm(t0),
      endLabel: hhmm(t1),
    };
  });
}
