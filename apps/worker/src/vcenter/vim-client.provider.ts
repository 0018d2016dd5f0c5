import { readFileSync } from 'node:fs';
import { Logger, type Provider } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@app/application';
import { VimClient, type VsphereLogger } from '@app/vsphere';

export const VIM_CLIENT = Symbol('VIM_CLIENT');

/** libs/vsphere logs through this; it never passes credentials, and pino's redaction is the second fence. */
export function nestVsphereLogger(context: string): VsphereLogger {
  const log = new Logger(context);
  return {
    debug: (obj, msg) => log.debug({ ...obj, msg }),
    info: (obj, msg) => log.log({ ...obj, msg }),
    warn: (obj, msg) => log.warn({ ...obj, msg }),
    error: (obj, msg) => log.error({ ...obj, msg }),
  };
}

/** One vim25 session per worker process (re-logged in by the client on NotAuthenticated); undefined without vCenter. */
export const vimClientProvider: Provider = {
  provide: VIM_CLIENT,
  inject: [APP_CONFIG],
  useFactory: (config: AppConfig): VimClient | undefined => {
    const vc = config.vcenter;
    if (!vc) return undefined;
    return new VimClient({
      url: vc.url,
      username: vc.username,
      password: vc.password,
      ...(vc.thumbprint ? { thumbprint: vc.thumbprint } : {}),
      ...(vc.caFile ? { ca: readFileSync(vc.caFile) } : {}),
      logger: nestVsphereLogger('vcenter'),
    });
  },
};

const connecting = new WeakMap<VimClient, Promise<unknown>>();

/**
 * Logs the shared client in once, lazily (the worker starts even when vCenter is down). Concurrent callers share
 * the login; a failed one is retried by the next caller. After that the client re-logs in by itself.
 */
export async function ensureConnected(client: VimClient): Promise<VimClient> {
  if (client.hasSession) return client;
  let p = connecting.get(client);
  if (!p) {
    p = client.connect().finally(() => connecting.delete(client));
    connecting.set(client, p);
  }
  await p;
  return client;
}
