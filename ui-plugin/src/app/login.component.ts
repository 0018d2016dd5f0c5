import { Component, inject, signal } from '@angular/core';
import { AuthService } from './auth.service';
import { AlertComponent } from './alert.component';

/** Standalone sign-in: a bearer token for the Layershift api (LAYERSHIFT_API_TOKENS), kept for this tab only. */
@Component({
  selector: 'ls-login',
  imports: [AlertComponent],
  template: `
    <div class="ls-login">
      <h2>Sign in to Layershift</h2>
      <p class="ls-muted">
        Outside the vSphere Client the plugin needs an api token (one of <code>LAYERSHIFT_API_TOKENS</code>).
        It is kept in this browser tab only.
      </p>
      <ls-alert kind="warning" [message]="auth.notice()" />
      <form class="clr-form clr-form-vertical" (submit)="submit($event)">
        <div class="clr-form-control">
          <label for="ls-token" class="clr-control-label">API token</label>
          <div class="clr-control-container">
            <div class="clr-input-wrapper">
              <input
                id="ls-token"
                name="token"
                type="password"
                class="clr-input"
                autocomplete="off"
                [value]="token()"
                (input)="token.set($any($event.target).value)"
              />
            </div>
          </div>
        </div>
        <button type="submit" class="btn btn-primary" [disabled]="!token().trim()">Sign in</button>
      </form>
    </div>
  `,
  styles: `
    .ls-login {
      max-width: 28rem;
      margin: 2rem auto;
    }
    .clr-input {
      width: 24rem;
    }
    form button {
      margin-top: 1.2rem;
    }
  `,
})
export class LoginComponent {
  protected readonly auth = inject(AuthService);
  protected readonly token = signal('');

  protected submit(event: Event): void {
    event.preventDefault();
    this.auth.login(this.token());
    this.token.set('');
  }
}
