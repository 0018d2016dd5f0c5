import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureIo } from '../capture-io';
import { alarmCommand } from './alarm';

const TOKEN = 'cli-alarm-token-abcdef0123456789';
const ENV = {
  VMWARE_ALARM_NAME: 'UPS on battery',
  VMWARE_ALARM_TARGET_NAME: 'esx-09',
  VMWARE_ALARM_NEWSTATUS: 'Red',
  VMWARE_ALARM_OLDSTATUS: 'Green',
  PATH: '/usr/bin',
  AWS_SECRET_ACCESS_KEY: 'must-not-leave',
};

const io = (env: NodeJS.ProcessEnv) => {
  const c = captureIo(env);
  return { cli: c.io, out: c.out, err: c.err };
};

describe('layershift alarm', () => {
  let server: Server;
  let api: string;
  let status = 202;
  const seen: { auth?: string; body: unknown }[] = [];
  let tokenFile: string;

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      let data = '';
      req.on('data', (c: Buffer) => (data += c.toString()));
      req.on('end', () => {
        seen.push({ auth: req.headers.authorization, body: JSON.parse(data) });
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(
          status === 202
            ? JSON.stringify({
                outcome: 'accepted',
                decision: 'open',
                powerEventId: 'pe-1',
                event: { kind: 'on_battery', device: 'esx-09' },
              })
            : JSON.stringify({ statusCode: status, message: 'nope' }),
        );
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    api = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    tokenFile = join(mkdtempSync(join(tmpdir(), 'ls-alarm-')), 'token');
    writeFileSync(tokenFile, TOKEN + '\n');
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('posts only the VMWARE_ALARM_* variables with the bearer token from the file', async () => {
    const { cli, out } = io(ENV);
    expect(await alarmCommand.run(['--api', api, '--token-file', tokenFile], cli)).toBe(0);
    expect(seen.at(-1)).toEqual({
      auth: `Bearer ${TOKEN}`,
      body: {
        VMWARE_ALARM_NAME: 'UPS on battery',
        VMWARE_ALARM_TARGET_NAME: 'esx-09',
        VMWARE_ALARM_NEWSTATUS: 'Red',
        VMWARE_ALARM_OLDSTATUS: 'Green',
      },
    });
    expect(out.join('')).toBe('on_battery on esx-09: accepted (open), power event pe-1\n');
  });

  it('exits 2 without posting when the environment is not an alarm action', async () => {
    const before = seen.length;
    const { cli, err } = io({ PATH: '/bin' });
    expect(await alarmCommand.run(['--api', api, '--token-file', tokenFile], cli)).toBe(2);
    expect(err.join('')).toContain('$.VMWARE_ALARM_NAME');
    expect(seen.length).toBe(before);
  });

  it('exits 1 on a refusal without retrying and without printing the token', async () => {
    status = 401;
    const before = seen.length;
    const { cli, err } = io(ENV);
    expect(await alarmCommand.run(['--api', api, '--token-file', tokenFile, '--retries', '3'], cli)).toBe(1);
    expect(seen.length).toBe(before + 1);
    expect(err.join('')).toContain('401');
    expect(err.join('')).not.toContain(TOKEN);
    status = 202;
  });

  it('exits 1 when the API cannot be reached, after its retries', async () => {
    const { cli, err } = io({ ...ENV, LAYERSHIFT_API_TOKEN: TOKEN });
    expect(
      await alarmCommand.run(['--api', 'http://127.0.0.1:1', '--retries', '1', '--timeout', '500'], cli),
    ).toBe(1);
    expect(err.join('')).toContain('unreachable');
  });
});
