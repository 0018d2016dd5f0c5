import type { INestApplication } from '@nestjs/common';
import type { AppConfig } from '@app/application';
import { createApiApp } from '../../apps/api/src/bootstrap';
import { createWorkerApp } from '../../apps/worker/src/bootstrap';
import { listenOnLoopback } from './app-config';
import { dropQueuePrefix } from './wait';

export interface RunningApps {
  api: INestApplication;
  worker: INestApplication;
  /** the api's base URL on loopback */
  base: string;
  /** closes both and removes the queue keys this config's prefix left in Redis */
  close(): Promise<void>;
}

/** The api and the worker on one config, both listening on loopback, as a deployment runs them. */
export async function startApiAndWorker(config: AppConfig): Promise<RunningApps> {
  const api = await createApiApp(config);
  const base = await listenOnLoopback(api);
  const worker = await createWorkerApp(config);
  await worker.listen(0, '127.0.0.1');
  return {
    api,
    worker,
    base,
    close: async () => {
      await worker.close();
      await api.close();
      await dropQueuePrefix(config.queuePrefix);
    },
  };
}
