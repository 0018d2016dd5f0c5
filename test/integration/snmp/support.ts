import { execFile } from 'node:child_process';
import dgram from 'node:dgram';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import pino from 'pino';
import { waitFor as sharedWaitFor } from '../../support/wait';

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

/** snmptrap/snmpinform options for SNMPv2c with a community. */
export function v2c(community: string): string[] {
  return ['-v', '2c', '-c', community];
}

/** snmptrap/snmpinform options for SNMPv3 with SHA-256 auth, and AES privacy when a privKey is given. */
export function v3(user: { name: string; authKey: string; privKey?: string }): string[] {
  const auth = ['-u', user.name, '-a', 'SHA-256', '-A', user.authKey];
  return user.privKey === undefined
    ? ['-v', '3', '-l', 'authNoPriv', ...auth]
    : ['-v', '3', '-l', 'authPriv', ...auth, '-x', 'AES', '-X', user.privKey];
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

/** The shared waitFor, polling faster and giving up sooner: a datagram's effect shows within milliseconds. */
export function waitFor<T>(
  what: string,
  f: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 10_000,
): Promise<T> {
  return sharedWaitFor(what, f, timeoutMs, 25);
}
