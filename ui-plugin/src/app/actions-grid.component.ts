import { Component, input } from '@angular/core';
import { ClrDatagridModule } from '@clr/angular';
import { when } from './format';
import { stateLabel, taskIdOf, type PlanActionView } from './models';

/** The actions of one plan with their live state: the same grid on the plan, pending-moves and monitor views. */
@Component({
  selector: 'ls-actions-grid',
  imports: [ClrDatagridModule],
  template: `
    <clr-datagrid class="ls-actions" [clrDgLoading]="loading()">
      <clr-dg-column [clrDgField]="'seq'" [clrDgSortOrder]="1">#</clr-dg-column>
      <clr-dg-column [clrDgField]="'wave'">Wave</clr-dg-column>
      <clr-dg-column [clrDgField]="'kind'">Kind</clr-dg-column>
      <clr-dg-column [clrDgField]="'component'">Component</clr-dg-column>
      <clr-dg-column>From &rarr; to</clr-dg-column>
      <clr-dg-column [clrDgField]="'state'">State</clr-dg-column>
      <clr-dg-column>Reason</clr-dg-column>
      <clr-dg-column>Last error</clr-dg-column>
      <clr-dg-column>vCenter task</clr-dg-column>

      <clr-dg-row *clrDgItems="let a of actions()" [clrDgItem]="a" [attr.data-action]="a.id">
        <clr-dg-cell>{{ a.seq }}</clr-dg-cell>
        <clr-dg-cell>{{ a.wave }}</clr-dg-cell>
        <clr-dg-cell>{{ a.kind }}</clr-dg-cell>
        <clr-dg-cell class="ls-component">{{ a.component ?? a.host ?? '-' }}</clr-dg-cell>
        <clr-dg-cell>
          @if (a.from || a.to) {
            {{ a.from ?? '?' }} &rarr; {{ a.to ?? '?' }}
          } @else {
            {{ a.host ?? '-' }}
          }
        </clr-dg-cell>
        <clr-dg-cell
          ><span class="ls-state" [class]="label(a.state)">{{ a.state }}</span></clr-dg-cell
        >
        <clr-dg-cell class="ls-reason">{{ a.reason ?? '' }}</clr-dg-cell>
        <clr-dg-cell class="ls-error">{{ a.lastError ?? '' }}</clr-dg-cell>
        <clr-dg-cell class="ls-mono">{{ task(a) ?? '-' }}</clr-dg-cell>

        <clr-dg-row-detail *clrIfExpanded>
          @if (a.attempts.length) {
            <table class="table table-compact table-noborder ls-attempts">
              <thead>
                <tr>
                  <th>Attempt</th>
                  <th>Outcome</th>
                  <th>Task</th>
                  <th>Started</th>
                  <th>Ended</th>
                  <th class="left">Error</th>
                </tr>
              </thead>
              <tbody>
                @for (t of a.attempts; track t.attempt) {
                  <tr>
                    <td>{{ t.attempt }}</td>
                    <td>{{ t.outcome ?? 'in progress' }}</td>
                    <td class="ls-mono">{{ t.taskId ?? '-' }}</td>
                    <td>{{ when(t.startedAt) }}</td>
                    <td>{{ when(t.endedAt) }}</td>
                    <td class="left">{{ t.error ?? '' }}</td>
                  </tr>
                }
              </tbody>
            </table>
          } @else {
            <span class="ls-muted">Not attempted yet.</span>
          }
        </clr-dg-row-detail>
      </clr-dg-row>

      <clr-dg-placeholder>{{ empty() }}</clr-dg-placeholder>
      <clr-dg-footer>
        <clr-dg-pagination #pagination [clrDgPageSize]="25">
          <clr-dg-page-size [clrPageSizeOptions]="[25, 50, 100, 500]">Actions per page</clr-dg-page-size>
          {{ pagination.firstItem + 1 }} - {{ pagination.lastItem + 1 }} of
          {{ pagination.totalItems }} actions
        </clr-dg-pagination>
      </clr-dg-footer>
    </clr-datagrid>
  `,
  styles: `
    .ls-reason {
      max-width: 22rem;
      white-space: normal;
    }
    .ls-error {
      color: var(--cds-alias-status-danger, #c21d00);
      white-space: normal;
    }
    .ls-attempts {
      margin-top: 0;
    }
  `,
})
export class ActionsGridComponent {
  readonly actions = input.required<PlanActionView[]>();
  readonly loading = input(false);
  readonly empty = input('This plan has no actions.');
  protected readonly label = stateLabel;
  protected readonly task = taskIdOf;
  protected readonly when = when;
}
