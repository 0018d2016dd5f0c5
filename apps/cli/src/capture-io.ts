import type { CliIo } from './command';

/** A CliIo that keeps what a command writes (tests, or a caller that runs a command in-process). */
export function captureIo(env: NodeJS.ProcessEnv): { io: CliIo; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (t) => out.push(t), err: (t) => err.push(t), env }, out, err };
}
