import { readFileSync } from 'node:fs';
import { Registry } from 'prom-client';
import type { ReceiverConfig, V3UserConfig } from '@app/snmp';
import {
  DEFAULT_TRAP_PORT,
  IngestMetrics,
  MemoryPowerEventSink,
  PowerIngest,
  createTrapService,
  describeDecoded,
  validateReceiverConfig,
} from '@app/snmp';
import { ValidationError } from '@app/domain';
import type { CliCommand, CliIo } from '../command';
import { EXIT, UsageError, parseFlags } from '../command';

const USAGE =
  'layershift snmp listen [--port P] [--address A] [--community C[,C2]] [--v3-users-file F] ' +
  '[--allow ADDR|CIDR[,...]] [--confirm-delay MS] [--count N] [--json]';

/**
 * `layershift snmp listen`: the production receiver and decoder in the foreground, one line per trap.
 * Communities may come from SNMP_COMMUNITIES instead of --community (keeps them out of `ps`).
 */
export const snmpCommand: CliCommand = {
  name: 'snmp',
  summary: 'SNMP trap tools: `snmp listen` prints what each trap becomes',
  usage: USAGE,
  async run(argv: string[], io: CliIo): Promise<number> {
    const [sub, ...rest] = argv;
    if (sub !== 'listen')
      throw new UsageError(sub ? `unknown subcommand '${sub}'` : 'missing subcommand (listen)');
    const { flags, positional } = parseFlags(rest, {
      port: 'string',
      address: 'string',
      community: 'string',
      'v3-users-file': 'string',
      allow: 'string',
      'confirm-delay': 'string',
      count: 'string',
      json: 'boolean',
    });
    if (positional.length) throw new UsageError(`unexpected argument '${positional[0]}'`);
    const int = (name: string, dflt: number) => {
      const v = flags[name];
      if (v === undefined) return dflt;
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0)
        throw new UsageError(`--${name} needs a whole number >= 0, got '${String(v)}'`);
      return n;
    };
    const split = (v: unknown) =>
      typeof v === 'string'
        ? v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : [];
    const communities = split(flags.community ?? io.env.SNMP_COMMUNITIES);
    let users: V3UserConfig[] = [];
    const usersFile = flags['v3-users-file'] ?? io.env.SNMP_V3_USERS_FILE;
    if (typeof usersFile === 'string') {
      try {
        users = JSON.parse(readFileSync(usersFile, 'utf8')) as V3UserConfig[];
      } catch (e) {
        throw new UsageError(`--v3-users-file ${usersFile}: ${(e as Error).message.split('\n')[0]}`);
      }
    }
    if (!communities.length && !users.length)
      throw new UsageError('give --community (or SNMP_COMMUNITIES) and/or --v3-users-file');
    let config: ReceiverConfig;
    try {
      config = validateReceiverConfig({
        address: typeof flags.address === 'string' ? flags.address : '0.0.0.0',
        port: int('port', DEFAULT_TRAP_PORT),
        communities,
        users,
        allowAuthNoPriv: io.env.SNMP_ALLOW_AUTHNOPRIV === 'true',
        allowedSources: split(flags.allow ?? io.env.SNMP_ALLOWED_SOURCES),
      });
    } catch (e) {
      if (e instanceof ValidationError) {
        io.err(`layershift snmp: ${e.message}\n`);
        return EXIT.badInput;
      }
      throw e;
    }
    const count = int('count', 0);
    const json = flags.json === true;
    const ingest = new PowerIngest({
      sink: new MemoryPowerEventSink(false),
      metrics: new IngestMetrics(new Registry()),
      tracker: { confirmationDelayMs: int('confirm-delay', 0) },
      tickMs: 1000,
    });
    let seen = 0;
    let finish: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (finish = resolve));
    const service = createTrapService(config, ingest, {
      onResult(trap, r) {
        if (count && seen >= count) return;
        seen++;
        if ('error' in r) {
          io.err(`${trap.source.address} ${trap.trapOid}: not stored: ${r.error}\n`);
        } else if (json) {
          const d = r.decoded;
          io.out(
            JSON.stringify({
              receivedAt: trap.receivedAt,
              from: trap.source.address,
              version: trap.version,
              pdu: trap.pdu,
              trapOid: trap.trapOid,
              trapName: d?.trapName ?? trap.trapOid,
              mib: d?.mib ?? null,
              vendor: d?.vendor ?? 'unknown',
              kind: d?.kind ?? 'unknown',
              runtimeSeconds: d?.runtimeSeconds,
              secondsOnBattery: d?.secondsOnBattery,
              loadPercent: d?.loadPercent,
              device: r.event?.device ?? trap.source.address,
              outcome: r.outcome,
              decision: r.decision ?? null,
              reason: r.reason ?? null,
              event: r.event ? { ...r.event, raw: undefined } : null,
            }) + '\n',
          );
        } else {
          const d = r.decoded;
          const what = d && d.known ? describeDecoded(d) : `unknown trap ${trap.trapOid}`;
          const becomes =
            r.outcome === 'unknown'
              ? 'stored raw as unknown, no event'
              : r.decision === 'suppressed'
                ? `ignored (${r.reason})`
                : r.decision === 'pending'
                  ? `${r.event?.kind} pending confirmation`
                  : r.decision === 'duplicate'
                    ? `duplicate of the open ${r.event?.kind} event`
                    : `${r.decision} ${r.event?.kind} event${r.event?.runtimeSeconds !== undefined ? ` (runtime ${r.event.runtimeSeconds}s)` : ''}`;
          io.out(
            `${trap.receivedAt} ${r.event?.device ?? trap.source.address} ${trap.version} ${what} -> ${becomes}\n`,
          );
        }
        if (count && seen >= count) finish();
      },
      onReject(reason, remote) {
        if (json) io.out(JSON.stringify({ rejected: reason, from: remote?.address ?? null }) + '\n');
        else io.err(`rejected (${reason}) from ${remote?.address ?? '?'}\n`);
      },
    });
    const bound = await service.start();
    io.err(
      `listening on ${bound.address}:${bound.port} (udp)${count ? `, stopping after ${count} traps` : ', Ctrl-C to stop'}\n`,
    );
    const stop = () => finish();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    await done;
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
    await service.close();
    await ingest.close();
    return EXIT.ok;
  },
};
