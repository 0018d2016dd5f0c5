import { ValidationError } from '@app/domain';
import { parseAlarmAction, pickAlarmEnv } from '@app/snmp';
import type { CliCommand, CliIo } from '../command';
import { EXIT, UsageError, parseFlags } from '../command';
import { API_FLAGS, ApiUnreachable, apiTarget, callApi, wholeNumberFlag } from '../api-client';

const USAGE = 'layershift alarm [--api URL] [--token-file F] [--timeout MS] [--retries N]';

/**
 * `layershift alarm`: for a vCenter alarm's "run script" action. Reads the VMWARE_ALARM_* environment vCenter
 * sets, checks it, and posts it (and nothing else of the environment) to POST /api/v1/alarm-actions.
 * API URL: --api, else LAYERSHIFT_API_URL, else http://127.0.0.1:8080. Token: --token-file, else
 * LAYERSHIFT_API_TOKEN_FILE, else LAYERSHIFT_API_TOKEN. Exit 0 stored, 2 bad environment or options,
 * 1 the API could not be reached or refused.
 */
export const alarmCommand: CliCommand = {
  name: 'alarm',
  summary: 'post a vCenter alarm action (VMWARE_ALARM_* environment) to the API',
  usage: USAGE,
  async run(argv: string[], io: CliIo): Promise<number> {
    const { flags, positional } = parseFlags(argv, { ...API_FLAGS, retries: 'string' });
    if (positional.length) throw new UsageError(`unexpected argument '${positional[0]}'`);
    const target = apiTarget(flags, io);
    const retries = wholeNumberFlag(flags, 'retries', 2);

    const env = pickAlarmEnv(io.env);
    try {
      parseAlarmAction(env, undefined, 'env');
    } catch (e) {
      if (e instanceof ValidationError) {
        io.err(
          `layershift alarm: the alarm environment is incomplete (is this run by a vCenter alarm action?)\n${e.message}\n`,
        );
        return EXIT.badInput;
      }
      throw e;
    }
    let lastError = '';
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt) await new Promise((r) => setTimeout(r, 500 * 2 ** (attempt - 1)));
      let res: { status: number; text: string };
      try {
        res = await callApi(target, 'POST', '/api/v1/alarm-actions', env);
      } catch (e) {
        if (!(e instanceof ApiUnreachable)) throw e;
        lastError = e.message;
        continue;
      }
      const text = res.text;
      if (res.status === 202 || res.status === 200) {
        let summary = text;
        try {
          const b = JSON.parse(text) as {
            outcome: string;
            decision: string | null;
            powerEventId: string | null;
            event: { kind: string; device: string };
          };
          summary = `${b.event.kind} on ${b.event.device}: ${b.outcome}${b.decision ? ` (${b.decision})` : ''}${b.powerEventId ? `, power event ${b.powerEventId}` : ''}`;
        } catch {
          /* print the body as it came */
        }
        io.out(`${summary}\n`);
        return EXIT.ok;
      }
      lastError = `API answered ${res.status}: ${text.slice(0, 500)}`;
      if (res.status < 500) break; // the caller's mistake: retrying will not help
    }
    io.err(`layershift alarm: ${lastError}\n`);
    return EXIT.failure;
  },
};
