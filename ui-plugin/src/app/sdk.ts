/**
 * The small part of the vSphere Client remote-plugin JavaScript SDK (`htmlClientSdk`, loaded from the vCenter's
 * `/api/ui/htmlClientSdk.js`) that this plugin uses. Present only when the UI runs inside the vSphere Client.
 */
export interface HtmlClientSdk {
  initialize(callback: () => void): void;
  isInitialized?(): boolean;
  app: {
    getSessionInfo(callback: (info: { sessionToken: string }) => void): void;
    getContextObjects?(): Array<{ id: string }>;
    getTheme?(): { name: string };
    navigateTo?(options: { targetViewId: string; objectId?: string; customData?: unknown }): void;
  };
  event?: {
    onThemeChanged?(callback: (theme: { name: string }) => void): void;
  };
}

declare global {
  interface Window {
    htmlClientSdk?: HtmlClientSdk;
  }
}

/** The SDK when the vSphere Client injected it (or it was loaded from the vCenter), else undefined. */
export function clientSdk(): HtmlClientSdk | undefined {
  return typeof window === 'undefined' ? undefined : window.htmlClientSdk;
}

/**
 * A context object id from the vSphere Client looks like `urn:vmomi:VirtualMachine:vm-42:<vcenter-uuid>`.
 * Returns the type and the managed object id (`vm-42`), or undefined for anything else.
 */
export function parseContextId(id: string): { type: string; moref: string } | undefined {
  const m = /^urn:vmomi:([A-Za-z]+):([^:]+):/.exec(id);
  return m ? { type: m[1], moref: m[2] } : undefined;
}
