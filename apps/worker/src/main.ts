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
  // On SIGTERM/SIGINT: stop taking work, finish what runs (module shutdown hooks), then exit 0.
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`layershift-worker: ${signal}, shutting down\n`);
    app.close().then(
      () => process.exit(0),
      (e: unknown) => {
        process.stderr.write(
          `layershift-worker: shutdown failed: ${e instanceof Error ? e.message : String(e)}\n`,
        );
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.stdout.write(`layershift-worker listening on ${await app.getUrl()} (health and metrics)\n`);
}

void main();
