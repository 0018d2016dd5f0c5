import { Writable } from 'node:stream';
import pino from 'pino';
import { request } from 'undici';
import type { VsphereLogger } from '@app/vsphere';

/** A pino logger (debug level) whose lines are kept in memory, so tests can grep everything we logged. */
export function memoryLogger(): { logger: VsphereLogger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      cb();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), lines };
}

/** POST to the vcsim control endpoint (fault injection). */
export async function control(controlUrl: string, path: string, body: unknown = {}): Promise<unknown> {
  const res = await request(`${controlUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.body.text();
  if (res.statusCode !== 200) throw new Error(`control ${path}: HTTP ${res.statusCode} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

export async function topology(
  controlUrl: string,
): Promise<{ hosts: { id: string; name: string; tpmAttestation: string }[] }> {
  const res = await request(`${controlUrl}/topology`);
  return (await res.body.json()) as never;
}

export async function until<T>(
  what: string,
  f: () => Promise<T | undefined>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
