import { Component, input } from '@angular/core';

/** A page's error banner (Clarity's danger alert); shows nothing while there is no message. */
@Component({
  selector: 'ls-error-alert',
  template: `
    @if (message(); as e) {
      <div class="alert alert-danger" role="alert">
        <div class="alert-items">
          <div class="alert-item static">
            <span class="alert-text">{{ e }}</span>
          </div>
        </div>
      </div>
    }
  `,
})
export class ErrorAlertComponent {
  readonly message = input<string | undefined>(undefined);
}
