import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../../apps/cli/src/command';
import { snmpCommand } from '../../../apps/cli/src/commands/snmp';
import { runTool, sendUdp, waitFor, v2c } from './support';

const COMMUNITY = 'l1sten-c0mm-4471';

describe('layershift snmp listen', () => {
  it('prints one JSON line per trap (and per rejection), and exits after --count traps', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = { out: (t) => out.push(t), err: (t) => err.push(t), env: {} };
    const run = snmpCommand.run(
      ['listen', '--address', '127.0.0.1', '--port', '0', '--community', COMMUNITY, '--count', '3', '--json'],
      io,
    );
    const port = Number(await waitFor('listening line', () => /:(\d+) \(udp\)/.exec(err.join(''))?.[1]));
    const t = `127.0.0.1:${port}`;
    await runTool('snmptrap', [
      ...v2c(COMMUNITY),
      t,
      '',
      '1.3.6.1.2.1.33.2.1',
      '1.3.6.1.2.1.33.1.2.3.0',
      'i',
      '11',
    ]);
    await waitFor('first line', () => out.length >= 1);
    await runTool('snmptrap', [...v2c('not-it'), t, '', '1.3.6.1.2.1.33.2.1']);
    await waitFor('rejection line', () => out.length >= 2);
    await sendUdp(port, Buffer.from('junk'));
    await waitFor('garbage line', () => out.length >= 3);
    await runTool('snmptrap', ['-v', '1', '-c', COMMUNITY, t, '1.3.6.1.4.1.318', '10.1.1.1', '6', '9', '']);
    await waitFor('second trap', () => out.length >= 4);
    await runTool('snmptrap', [...v2c(COMMUNITY), t, '', '1.3.6.1.4.1.424242.0.1']);
    expect(await run).toBe(0);
    const lines = out
      .join('')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatchObject({
      trapOid: '1.3.6.1.2.1.33.2.1',
      trapName: 'upsTrapOnBattery',
      vendor: 'ietf',
      kind: 'on_battery',
      runtimeSeconds: 660,
      decision: 'open',
    });
    expect(lines[1]).toEqual({ rejected: 'bad_community', from: '127.0.0.1' });
    expect(lines[2]).toEqual({ rejected: 'malformed', from: '127.0.0.1' });
    expect(lines[3]).toMatchObject({
      trapOid: '1.3.6.1.4.1.318.0.9',
      trapName: 'powerRestored',
      vendor: 'apc',
      kind: 'power_restored',
      device: '10.1.1.1',
    });
    expect(lines[4]).toMatchObject({
      trapOid: '1.3.6.1.4.1.424242.0.1',
      vendor: 'unknown',
      kind: 'unknown',
      outcome: 'unknown',
    });
    expect(out.join('') + err.join('')).not.toContain(COMMUNITY);
  });

  it('prints a human line per trap', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = {
      out: (t) => out.push(t),
      err: (t) => err.push(t),
      env: { SNMP_COMMUNITIES: COMMUNITY },
    };
    const run = snmpCommand.run(['listen', '--address', '127.0.0.1', '--port', '0', '--count', '1'], io);
    const port = Number(await waitFor('listening line', () => /:(\d+) \(udp\)/.exec(err.join(''))?.[1]));
    await runTool('snmptrap', [
      ...v2c(COMMUNITY),
      `127.0.0.1:${port}`,
      '',
      '1.3.6.1.4.1.318.0.276',
      '1.3.6.1.4.1.318.1.1.12.1.6.0',
      's',
      'ZA9',
      '1.3.6.1.4.1.318.1.1.12.2.3.1.1.4.0',
      'i',
      '3',
    ]);
    expect(await run).toBe(0);
    expect(out.join('')).toMatch(/ ZA9 v2c rPDUOverload overload phase=3 -> open overload event\n$/);
  });

  it('refuses to start without a community or v3 user', async () => {
    await expect(
      snmpCommand.run(['listen', '--port', '0'], { out: () => undefined, err: () => undefined, env: {} }),
    ).rejects.toThrow(/--community/);
  });
});
