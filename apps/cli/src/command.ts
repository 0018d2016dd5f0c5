/** One `layershift <name>` subcommand. `run` returns the process exit code; it never calls process.exit itself. */
export interface CliCommand {
  name: string;
  summary: string;
  usage: string;
  run(argv: string[], io: CliIo): Promise<number>;
}

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: NodeJS.ProcessEnv;
}

/** Exit codes shared by every subcommand. */
export const EXIT = { ok: 0, failure: 1, badInput: 2 } as const;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Minimal `--flag value` / `--flag=value` / `--switch` parser; unknown flags are a usage error naming the flag. */
export function parseFlags(
  argv: string[],
  spec: Record<string, 'string' | 'boolean'>,
): { flags: Record<string, string | boolean>; positional: string[] } {
  const flags: Record<string, string | boolean> = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const type = spec[name];
    if (!type)
      throw new UsageError(
        `unknown option --${name}; known: ${Object.keys(spec)
          .map((k) => '--' + k)
          .join(', ')}`,
      );
    if (type === 'boolean') {
      flags[name] = true;
      continue;
    }
    const value = eq === -1 ? argv[++i] : arg.slice(eq + 1);
    if (value === undefined || (eq === -1 && value.startsWith('--')))
      throw new UsageError(`option --${name} needs a value`);
    flags[name] = value;
  }
  return { flags, positional };
}
