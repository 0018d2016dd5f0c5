import 'reflect-metadata';
import { ConfigError, loadConfig } from '@app/application';
import { createApiApp } from './bootstrap';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`layershift-api: ${e.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw e;
  }
  const app = await createApiApp(config);
  await app.listen(config.api.port, config.api.host);
  // On SIGTERM/SIGINT: stop taking work, finish what runs (module shutdown hooks), then exit 0.
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`layershift-api: ${signal}, shutting down\n`);
    app.close().then(
      () => process.exit(0),
      (e: unknown) => {
        process.stderr.write(
          `layershift-api: shutdown failed: ${e instanceof Error ? e.message : String(e)}\n`,
        );
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.stdout.write(`layershift-api listening on ${await app.getUrl()} (OpenAPI at /api/docs)\n`);
}

void main();
