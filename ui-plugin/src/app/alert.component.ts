import { Component, computed, input } from '@angular/core';

/**
 * A Clarity alert: one item per message, in the given kind (danger for errors, the default). Shows nothing while
 * there is no message, so a page can bind it to a signal that is usually empty.
 */
@Component({
  selector: 'ls-alert',
  template: `
    @if (items().length) {
      <div class="alert alert-{{ kind() }}" [class.alert-sm]="small()" role="alert">
        <div class="alert-items">
          @for (m of items(); track $index) {
            <div class="alert-item static">
              <span class="alert-text">{{ m }}</span>
            </div>
          }
        </div>
      </div>
    }
  `,
})
export class AlertComponent {
  readonly message = input<string | readonly string[] | undefined>(undefined);
  readonly kind = input<'danger' | 'warning' | 'success'>('danger');
  readonly small = input(false);
  protected readonly items = computed(() => {
    const m = this.message();
    return m === undefined ? [] : typeof m === 'string' ? (m ? [m] : []) : m;
  });
}
