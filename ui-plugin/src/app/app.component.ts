import { Component, inject } from '@angular/core';
import { RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { AuthService } from './auth.service';
import { LoginComponent } from './login.component';

@Component({
  selector: 'ls-root',
  imports: [RouterOutlet, RouterLink, RouterLinkActive, LoginComponent],
  template: `
    <div class="main-container">
      @if (!embedded) {
        <header class="header header-6">
          <div class="branding">
            <a routerLink="/plans" class="nav-link"><span class="title">Layershift</span></a>
          </div>
          <div class="header-actions">
            @if (auth.signedIn()) {
              <button type="button" class="btn btn-link ls-signout" (click)="auth.logout()">Sign out</button>
            }
          </div>
        </header>
      }
      @if (auth.signedIn()) {
        <nav class="subnav">
          <ul class="nav">
            <li class="nav-item">
              <a class="nav-link" routerLink="/plans" routerLinkActive="active">Plans</a>
            </li>
            <li class="nav-item">
              <a class="nav-link" routerLink="/pending" routerLinkActive="active">Pending moves</a>
            </li>
            <li class="nav-item">
              <a class="nav-link" routerLink="/layers" routerLinkActive="active">Layers</a>
            </li>
            <li class="nav-item">
              <a class="nav-link" routerLink="/schedule" routerLinkActive="active">Schedule</a>
            </li>
          </ul>
        </nav>
        <div class="content-container">
          <main class="content-area">
            <router-outlet />
          </main>
        </div>
      } @else {
        <div class="content-container">
          <main class="content-area">
            <ls-login />
          </main>
        </div>
      }
    </div>
  `,
  styles: `
    .ls-signout {
      color: #fff;
      margin-right: 1rem;
    }
    .header-actions {
      align-items: center;
    }
  `,
})
export class AppComponent {
  protected readonly auth = inject(AuthService);
  /** Inside the vSphere Client the frame already has its own header. */
  protected readonly embedded = this.auth.mode === 'vsphere';
}
