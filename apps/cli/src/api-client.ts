import { readFileSync } from 'node:fs';
import type { CliIo } from './command';
import { UsageError } from './command';

/** Flags every command that talks to the API takes; spread into parseFlags' spec. */
export const API_FLAGS = { api: 'string', 'token-file': 'string', timeout: 'string' } as const;

export interface ApiTarget {
  /** e.g. http://127.0.0.1:8080, no trailing slash */
  base: string;
  token: string;
  timeoutMs: number;
}

/**
 * Where the API is and how to authenticate. URL: --api, else LAYERSHIFT_API_URL, else http://127.0.0.1:8080.
 * Token: --token-file, else LAYERSHIFT_API_TOKEN_FILE, else LAYERSHIFT_API_TOKEN (a file keeps it out of `ps`).
 */
export function apiTarget(flags: Record<string, string | boolean>, io: CliIo): ApiTarget {
  const base = String(flags.api ?? io.env.LAYERSHIFT_API_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
  try {
    new URL(base);
  } catch {
    throw new UsageError(`--api '${base}' is not a URL`);
  }
  const tokenFile = flags['token-file'] ?? io.env.LAYERSHIFT_API_TOKEN_FILE;
  let token: string | undefined;
  if (typeof tokenFile === 'string') {
    try {
      token = readFileSync(tokenFile, 'utf8').trim();
    } catch (e) {
      throw new UsageError(`--token-file ${tokenFile}: ${(e as NodeJS.ErrnoException).code ?? 'unreadable'}`);
    }
  } else token = io.env.LAYERSHIFT_API_TOKEN;
  if (!token)
    throw new UsageError(
      'no API token: give --token-file (or LAYERSHIFT_API_TOKEN_FILE / LAYERSHIFT_API_TOKEN)',
    );
  return { base, token, timeoutMs: wholeNumberFlag(flags, 'timeout', 10_000) };
}

/** A `--name N` flag that must be a whole number >= 0. */
export function wholeNumberFlag(
  flags: Record<string, string | boolean>,
  name: string,
  fallback: number,
): number {
  const n = flags[name] === undefined ? fallback : Number(flags[name]);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} needs a whole number >= 0`);
  return n;
}

/** One authenticated call; the answer's status and body text, or an error naming what could not be reached. */
export async function callApi(
  target: ApiTarget,
  method: 'GET' | 'POST' | 'PUT',
  path: string,
  body?: unknown,
): Promise<{ status: number; text: string }> {
  const url = `${target.base}${path}`;
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers: {
        authorization: `Bearer ${target.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(target.timeoutMs),
    });
  } catch (e) {
    throw new ApiUnreachable(
      `${new URL(url).origin} unreachable: ${e instanceof Error ? ((e.cause as Error | undefined)?.message ?? e.message) : String(e)}`,
    );
  }
  return { status: res.status, text: await res.text() };
}

export class ApiUnreachable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ApiUnreachable';
  }
}
