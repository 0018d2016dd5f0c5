import { randomBytes } from 'node:crypto';
import { type AppConfig, loadConfig } from '@app/application';

/** A token made for this test run only; never printed. */
export const TEST_TOKEN = randomBytes(24).toString('hex');

/** Config for an app under test: its own database, its own queue prefix on the shared Redis, port 0. */
export function testConfig(databaseUrl: string, extra: Record<string, string> = {}): AppConfig {
  return loadConfig({
    DATABASE_URL: databaseUrl,
    REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    LAYERSHIFT_API_TOKENS: TEST_TOKEN,
    LAYERSHIFT_QUEUE_PREFIX: `lstest-${randomBytes(4).toString('hex')}`,
    API_PORT: '0',
    WORKER_PORT: '0',
    LOG_LEVEL: 'warn',
    SNMP_TRAP_PORT: 'off',
    ...extra,
  });
}

export const auth = { authorization: `Bearer ${TEST_TOKEN}` };

/** Listens on a free loopback port and returns the base URL to call (getUrl may say [::1]). */
export async function listenOnLoopback(app: {
  listen(port: number, host: string): Promise<unknown>;
  getUrl(): Promise<string>;
}): Promise<string> {
  await app.listen(0, '127.0.0.1');
  return (await app.getUrl()).replace('[::1]', '127.0.0.1');
}
