import type { CliIo } from './command';
import { EXIT, UsageError } from './command';
import { COMMANDS } from './commands';

function help(io: CliIo): void {
  io.out('usage: layershift <command> [options]\n\ncommands:\n');
  for (const c of COMMANDS) io.out(`  ${c.name.padEnd(12)} ${c.summary}\n`);
  io.out('\nlayershift <command> --help shows the options of one command.\n');
}

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    help(io);
    return name ? EXIT.ok : EXIT.badInput;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.err(`layershift: unknown command '${name}'. Run 'layershift help' for the list.\n`);
    return EXIT.badInput;
  }
  if (rest.includes('--help')) {
    io.out(`usage: ${command.usage}\n`);
    return EXIT.ok;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`layershift ${name}: ${e.message}\nusage: ${command.usage}\n`);
      return EXIT.badInput;
    }
    throw e;
  }
}

if (require.main === module) {
  const io: CliIo = {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
    env: process.env,
  };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`layershift: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = EXIT.failure;
    },
  );
}
