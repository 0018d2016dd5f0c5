import { Injectable, inject } from '@angular/core';
import { AuthService } from './auth.service';
import type {
  ComponentView,
  ForecastModelView,
  ForecastSeries,
  PlanDetail,
  PlanListItem,
  TrainingStatusView,
  WindowOccurrenceView,
} from './models';

/** An api answer other than 2xx, with the api's own message when it sent one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/**
 * The Layershift api, always on the origin that served this UI. The UI lives at `<root>/ui/`, so the api is
 * `<root>/api/v1/` resolved relative to the document: that also holds behind the vSphere Client's plugin proxy.
 */
@Injectable({ providedIn: 'root' })
export class ApiService {
  private readonly auth = inject(AuthService);
  private readonly base = new URL('../api/v1/', document.baseURI);

  plans(state?: string[]): Promise<PlanListItem[]> {
    return this.get<PlanListItem[]>(
      state?.length ? `plans?state=${encodeURIComponent(state.join(','))}` : 'plans',
    );
  }

  plan(id: string): Promise<PlanDetail> {
    return this.get<PlanDetail>(`plans/${encodeURIComponent(id)}`);
  }

  approve(id: string): Promise<{ queued: number }> {
    return this.request<{ queued: number }>('POST', `plans/${encodeURIComponent(id)}/approve`);
  }

  components(): Promise<ComponentView[]> {
    return this.get<ComponentView[]>('components');
  }

  hosts(): Promise<Array<{ id: string; name: string; cluster: string | null }>> {
    return this.get('hosts');
  }

  forecasts(scope: string): Promise<ForecastSeries[]> {
    return this.get<ForecastSeries[]>(`forecasts?scope=${encodeURIComponent(scope)}`);
  }

  forecastModels(): Promise<ForecastModelView[]> {
    return this.get<ForecastModelView[]>('forecasts/models');
  }

  /** Train all components now (unchanged ones keep their model); an identical waiting request is the same job. */
  train(): Promise<{ jobId: string; deduplicated: boolean }> {
    return this.request('POST', 'forecasts/train', {});
  }

  trainingStatus(jobId: string): Promise<TrainingStatusView> {
    return this.get<TrainingStatusView>(`forecasts/train/${encodeURIComponent(jobId)}`);
  }

  /** The windows of anticipated work from now to `hours` ahead, soonest first. */
  upcomingWork(hours = 168): Promise<WindowOccurrenceView[]> {
    return this.get<WindowOccurrenceView[]>(`work-windows/upcoming?hours=${hours}`);
  }

  private get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json', ...(await this.auth.headers()) };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(new URL(path, this.base), {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status === 401) {
      this.auth.logout('The api did not accept the token. Enter it again.');
      throw new ApiError(401, 'not signed in');
    }
    if (!res.ok) {
      let message = `${method} ${path}: HTTP ${res.status}`;
      try {
        const body = (await res.json()) as { message?: unknown };
        if (typeof body.message === 'string') message = body.message;
        else if (Array.isArray(body.message)) message = body.message.join('; ');
      } catch {
        /* not JSON: keep the status line */
      }
      throw new ApiError(res.status, message);
    }
    return (await res.json()) as T;
  }
}
