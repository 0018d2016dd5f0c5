import { type ApplicationConfig, provideZoneChangeDetection } from '@angular/core';
import { provideAnimations } from '@angular/platform-browser/animations';
import { provideRouter, withComponentInputBinding, withHashLocation, type Routes } from '@angular/router';
import { LayersComponent } from './layers.component';
import { MonitorComponent } from './monitor.component';
import { PendingComponent } from './pending.component';
import { PlanDetailComponent } from './plan-detail.component';
import { PlansComponent } from './plans.component';
import { ScheduleComponent } from './schedule.component';

/**
 * Hash routes, so that the plugin manifest's view URIs (`index.html#/plans`) work the same behind the vSphere
 * Client's proxy and standalone, whatever the server does with paths.
 */
export const routes: Routes = [
  { path: '', pathMatch: 'full', redirectTo: 'plans' },
  { path: 'plans', component: PlansComponent, title: 'Plans - Layershift' },
  { path: 'plans/:id', component: PlanDetailComponent, title: 'Plan - Layershift' },
  { path: 'pending', component: PendingComponent, title: 'Pending moves - Layershift' },
  { path: 'layers', component: LayersComponent, title: 'Layers - Layershift' },
  { path: 'schedule', component: ScheduleComponent, title: 'Schedule - Layershift' },
  { path: 'monitor', component: MonitorComponent, title: 'Layershift' },
  { path: '**', redirectTo: 'plans' },
];

export const appConfig: ApplicationConfig = {
  providers: [
    // Clarity's components still rely on zone-driven change detection and Angular animations.
    provideZoneChangeDetection({ eventCoalescing: true }),
    provideAnimations(),
    provideRouter(routes, withHashLocation(), withComponentInputBinding()),
  ],
};
