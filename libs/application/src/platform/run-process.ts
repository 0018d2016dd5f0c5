import type { INestApplication } from '@nestjs/common';
import { ValidationError } from '@app/domain';
import { type AppConfig, ConfigError, loadConfig } from './config';

const EX_CONFIG = 78;

/**
 * The life of a Layershift process (api or worker): configuration checked first (every problem named, exit 78),
 * start-up failures printed without a stack trace dump of secrets, and on SIGTERM/SIGINT a drain (module shutdown
 * hooks: running vCenter tasks finish and are recorded) followed by exit 0.
 */
export async function runProcess(
  name: string,
  create: (config: AppConfig) => Promise<INestApplication>,
  where: (config: AppConfig) => { port: number; host: string },
  what: string,
): Promise<void> {
  const fail = (text: string, code: number): never => {
    process.stderr.write(`${name}: ${text}\n`);
    process.exit(code);
  };
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) return fail(e.message, EX_CONFIG);
    throw e;
  }
  let app: INestApplication;
  try {
    app = await create(config);
    const { port, host } = where(config);
    await app.listen(port, host);
  } catch (e) {
    if (e instanceof ValidationError) return fail(e.message, EX_CONFIG);
    return fail(`start-up failed: ${e instanceof Error ? e.message : String(e)}`, 1);
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${name}: ${signal}, shutting down\n`);
    app.close().then(
      () => process.exit(0),
      (e: unknown) => fail(`shutdown failed: ${e instanceof Error ? e.message : String(e)}`, 1),
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  process.stdout.write(`${name} listening on ${await app.getUrl()} (${what})\n`);
}
