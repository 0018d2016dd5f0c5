import { Injectable, signal } from '@angular/core';
import { clientSdk, type HtmlClientSdk } from './sdk';

const TOKEN_KEY = 'layershift.apiToken';

/**
 * How this UI proves who it is to the Layershift api.
 * - Inside the vSphere Client: the SDK's session token, sent as `vmware-api-session-id` (the backend clones the
 *   vCenter session to act as that user). The token is asked from the SDK before every call since it can change.
 * - Standalone (tests, demo): a bearer token for our api, entered once and kept in sessionStorage (this tab only).
 * Neither is ever logged.
 */
@Injectable({ providedIn: 'root' })
export class AuthService {
  readonly mode: 'vsphere' | 'bearer';
  /** True once there is something to authenticate with. */
  readonly signedIn = signal(false);
  /** Why the last sign-in ended (token refused), shown on the login form. */
  readonly notice = signal<string | undefined>(undefined);
  private readonly sdk: HtmlClientSdk | undefined;
  private sdkReady: Promise<void> | undefined;

  constructor() {
    this.sdk = clientSdk();
    this.mode = this.sdk ? 'vsphere' : 'bearer';
    if (this.sdk) {
      const sdk = this.sdk;
      this.sdkReady = new Promise<void>((resolve) => sdk.initialize(() => resolve()));
      void this.sdkReady.then(() => this.signedIn.set(true));
    } else {
      this.signedIn.set(!!this.storedToken());
    }
  }

  /** The headers that authenticate one api call. */
  async headers(): Promise<Record<string, string>> {
    if (this.sdk) {
      await this.sdkReady;
      const sdk = this.sdk;
      const token = await new Promise<string>((resolve) =>
        sdk.app.getSessionInfo((info) => resolve(info.sessionToken)),
      );
      return { 'vmware-api-session-id': token };
    }
    const token = this.storedToken();
    return token ? { authorization: `Bearer ${token}` } : {};
  }

  login(token: string): void {
    const t = token.trim();
    if (!t) return;
    sessionStorage.setItem(TOKEN_KEY, t);
    this.notice.set(undefined);
    this.signedIn.set(true);
  }

  /** Forget the token (sign out, or the api refused it). Inside the vSphere Client there is nothing to forget. */
  logout(notice?: string): void {
    if (this.mode === 'vsphere') return;
    sessionStorage.removeItem(TOKEN_KEY);
    this.notice.set(notice);
    this.signedIn.set(false);
  }

  private storedToken(): string | null {
    try {
      return sessionStorage.getItem(TOKEN_KEY);
    } catch {
      return null;
    }
  }
}
