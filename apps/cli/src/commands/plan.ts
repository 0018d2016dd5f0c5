import { readFile, writeFile } from 'node:fs/promises';
import { checkScenario } from '@app/domain';
import { plan } from '@app/planner';
import type { CliCommand, CliIo } from '../command';
import { EXIT, parseFlags, UsageError } from '../command';

/** `layershift plan --scenario FILE [--out FILE]`: plan one scenario (SCENARIO.md) and print or write the plan JSON. */
export const planCommand: CliCommand = {
  name: 'plan',
  summary: 'plan relocations and shutdowns for a scenario JSON file',
  usage: 'layershift plan --scenario FILE [--out FILE]',
  async run(argv: string[], io: CliIo): Promise<number> {
    const { flags, positional } = parseFlags(argv, { scenario: 'string', out: 'string' });
    if (positional.length > 0) throw new UsageError(`unexpected argument ${positional[0]}`);
    const file = flags.scenario;
    if (typeof file !== 'string') throw new UsageError('--scenario FILE is required');
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      io.err(`layershift plan: cannot read ${file}: ${(e as Error).message}\n`);
      return EXIT.badInput;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      io.err(
        `layershift plan: scenario refused:\n  $: expected valid JSON, found a syntax error (${(e as Error).message})\n`,
      );
      return EXIT.badInput;
    }
    const checked = checkScenario(json);
    if (!checked.ok) {
      io.err(
        `layershift plan: scenario refused (${checked.issues.length} problem${checked.issues.length === 1 ? '' : 's'}):\n` +
          checked.issues.map((i) => `  ${i.path}: expected ${i.expected}, found ${i.found}\n`).join(''),
      );
      return EXIT.badInput;
    }
    const out = JSON.stringify(plan(checked.scenario), null, 2) + '\n';
    if (typeof flags.out === 'string') {
      await writeFile(flags.out, out);
      io.err(`layershift plan: wrote ${flags.out}\n`);
    } else io.out(out);
    return EXIT.ok;
  },
};
