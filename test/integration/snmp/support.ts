import { execFile } from 'node:child_process';
import dgram from 'node:dgram';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import pino from 'pino';

const exec = promisify(execFile);

/** Runs a net-snmp command-line tool (snmptrap, snmpinform); resolves with its exit code and output. */
export async function runTool(
  tool: string,
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await exec(tool, args, {
      timeout: 15_000,
      env: { ...process.env, MIBS: '', MIBDIRS: '/nonexistent', SNMPCONFPATH: '/nonexistent' },
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return {
      code: typeof err.code === 'number' ? err.code : 1,
      stdout: err.stdout ?? '',
      stderr: err.stderr ?? '',
    };
  }
}

/** Sends one datagram from a fresh socket. */
export async function sendUdp(port: number, payload: Buffer, address = '127.0.0.1'): Promise<void> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((resolve, reject) =>
    s.send(payload, port, address, (e) => (e ? reject(e) : resolve())),
  );
  s.close();
}

/** Listens on a free port and resolves with the first datagram (to capture what snmptrap sends). */
export async function captureOne(): Promise<{ port: number; packet: Promise<Buffer>; close: () => void }> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  const packet = new Promise<Buffer>((resolve) => s.once('message', (m) => resolve(m)));
  return { port: s.address().port, packet, close: () => s.close() };
}

export async function freeUdpPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(r));
  return port;
}

/** A pino logger writing into memory, to check what the process would log. */
export function memoryLogger(): { logger: pino.Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      cb();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

export async function waitFor<T>(
  what: string,
  f: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 10_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
