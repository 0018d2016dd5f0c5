import 'reflect-metadata';
import { ConfigError, loadConfig } from '@app/application';
import { createWorkerApp } from './bootstrap';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`layershift-worker: ${e.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw e;
  }
  const app = await createWorkerApp(config);
  await app.listen(config.worker.port, config.worker.host);
  process.stdout.write(`layershift-worker listening on ${await app.getUrl()} (health and metrics)\n`);
}

void main();
