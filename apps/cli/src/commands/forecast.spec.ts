import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureIo } from '../capture-io';
import { forecastCommand } from './forecast';

const io = (env: NodeJS.ProcessEnv) => {
  const c = captureIo(env);
  return { cli: c.io, out: c.out, err: c.err };
};

describe('layershift forecast (options)', () => {
  let server: Server;
  let requests = 0;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    server = createServer((_req, res) => {
      requests++;
      res.writeHead(500).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    env = {
      LAYERSHIFT_API_URL: `http://127.0.0.1:${port}`,
      LAYERSHIFT_API_TOKEN: 'unit-test-token-0123456789',
    };
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('refuses a missing or unknown subcommand and a bad --wait-seconds before calling the API', async () => {
    await expect(forecastCommand.run([], io(env).cli)).rejects.toThrow(/say train or models/);
    await expect(forecastCommand.run(['retrain'], io(env).cli)).rejects.toThrow(
      /unknown subcommand 'retrain'/,
    );
    await expect(
      forecastCommand.run(['train', '--wait', '--wait-seconds', 'soon'], io(env).cli),
    ).rejects.toThrow(/--wait-seconds needs a whole number/);
    await expect(
      forecastCommand.run(['models'], io({ LAYERSHIFT_API_URL: env.LAYERSHIFT_API_URL }).cli),
    ).rejects.toThrow(/no API token/);
    expect(requests).toBe(0);
  });

  it('exits 1 with the status when the API fails, and when it cannot be reached', async () => {
    const failing = io(env);
    expect(await forecastCommand.run(['train', '--component', 'vm-1,vm-2'], failing.cli)).toBe(1);
    expect(failing.err.join('')).toMatch(/layershift forecast train: API answered 500/);
    expect(requests).toBe(1);
    const away = io({ ...env, LAYERSHIFT_API_URL: 'http://127.0.0.1:1' });
    expect(await forecastCommand.run(['models'], away.cli)).toBe(1);
    expect(away.err.join('')).toMatch(/layershift forecast models: http:\/\/127\.0\.0\.1:1 unreachable/);
  });
});
