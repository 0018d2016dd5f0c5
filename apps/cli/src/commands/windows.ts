import { readFileSync } from 'node:fs';
import { parseWorkWindows, ValidationError, type WorkWindowsDocument } from '@app/domain';
import type { CliCommand, CliIo } from '../command';
import { EXIT, UsageError, parseFlags } from '../command';
import { API_FLAGS, ApiUnreachable, apiTarget, callApi } from '../api-client';

const USAGE =
  'layershift windows get | layershift windows put --file F [--check]  (both: [--api URL] [--token-file F] [--timeout MS])';

function summary(doc: WorkWindowsDocument): string {
  if (doc.windows.length === 0) return '(no windows)\n';
  return (
    doc.windows
      .map((w) => {
        const when = w.at ? `once at ${w.at}` : `${w.days?.join(',') ?? 'daily'} at ${w.start} UTC`;
        const what = [
          w.components?.length ? `VMs ${w.components.join(',')}` : '',
          w.hosts?.length ? `hosts ${w.hosts.join(',')}` : '',
          w.layers?.length ? `layers ${w.layers.join(',')}` : '',
        ]
          .filter(Boolean)
          .join('; ');
        return `${w.id}\t${w.kind}\t${when} for ${w.durationMinutes} min\t${what || 'every VM'}`;
      })
      .join('\n') + '\n'
  );
}

/**
 * `layershift windows`: the windows of anticipated work (batch runs, maintenance jobs; docs/operators-guide.md).
 * `get` prints them; `put --file F` checks the file here first (every problem with its path, exit 2, nothing sent)
 * and then replaces them; `--check` only checks. Exit 1 when the API cannot be reached or refuses.
 */
export const windowsCommand: CliCommand = {
  name: 'windows',
  summary:
    'windows of anticipated work: batch runs and maintenance jobs (`windows get`, `windows put --file F`)',
  usage: USAGE,
  async run(argv: string[], io: CliIo): Promise<number> {
    const { flags, positional } = parseFlags(argv, { ...API_FLAGS, file: 'string', check: 'boolean' });
    const [sub, ...extra] = positional;
    if (extra.length) throw new UsageError(`unexpected argument '${extra[0]}'`);
    if (sub !== 'get' && sub !== 'put')
      throw new UsageError(sub ? `unknown subcommand '${sub}': get or put` : 'say get or put');
    let doc: WorkWindowsDocument | undefined;
    if (sub === 'put') {
      if (typeof flags.file !== 'string')
        throw new UsageError('put needs --file F (a JSON {"windows": [...]})');
      let text: string;
      try {
        text = readFileSync(flags.file, 'utf8');
      } catch (e) {
        throw new UsageError(`--file ${flags.file}: ${(e as NodeJS.ErrnoException).code ?? 'unreadable'}`);
      }
      try {
        doc = parseWorkWindows(JSON.parse(text));
      } catch (e) {
        if (!(e instanceof ValidationError) && !(e instanceof SyntaxError)) throw e;
        io.err(`layershift windows: ${flags.file}: ${e.message}\n`);
        return EXIT.badInput;
      }
      if (flags.check) {
        io.out(`${flags.file}: ${doc.windows.length} windows, valid\n`);
        return EXIT.ok;
      }
    }
    const target = apiTarget(flags, io);
    try {
      const res = await callApi(target, sub === 'get' ? 'GET' : 'PUT', '/api/v1/work-windows', doc);
      if (res.status !== 200) {
        io.err(`layershift windows ${sub}: API answered ${res.status}: ${res.text.slice(0, 2000)}\n`);
        return EXIT.failure;
      }
      io.out(summary(JSON.parse(res.text) as WorkWindowsDocument));
      return EXIT.ok;
    } catch (e) {
      if (!(e instanceof ApiUnreachable)) throw e;
      io.err(`layershift windows ${sub}: ${e.message}\n`);
      return EXIT.failure;
    }
  },
};
