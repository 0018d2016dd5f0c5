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
  process.stdout.write(`layershift-api listening on ${await app.getUrl()} (OpenAPI at /api/docs)\n`);
}

void main();
