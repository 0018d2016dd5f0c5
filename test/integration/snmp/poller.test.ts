import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IngestMetrics, MemoryPowerEventSink, PowerIngest, SnmpPoller } from '@app/snmp';
import type { PollTarget } from '@app/snmp';
import { freeUdpPort, memoryLogger, runTool, waitFor } from './support';

/**
 * A private snmpd (Debian package snmpd) on a free port whose `pass` script serves UPS-MIB values from a
 * state file the test rewrites: a real agent for the poller.
 */
const COMMUNITY = 'p0ll-c0mm-8812';
const PASS_SCRIPT = `#!/bin/sh
[ "$1" = "-g" ] || exit 0
. "$(dirname "$0")/state"
case "$2" in
  .1.3.6.1.2.1.33.1.2.1.0) printf '%s\\ninteger\\n%s\\n' "$2" "$BATTERY_STATUS";;
  .1.3.6.1.2.1.33.1.2.2.0) printf '%s\\ninteger\\n%s\\n' "$2" "$SECONDS_ON_BATTERY";;
  .1.3.6.1.2.1.33.1.2.3.0) printf '%s\\ninteger\\n%s\\n' "$2" "$MINUTES_REMAINING";;
  .1.3.6.1.2.1.33.1.2.4.0) printf '%s\\ninteger\\n%s\\n' "$2" "$CHARGE";;
  .1.3.6.1.2.1.33.1.4.1.0) printf '%s\\ninteger\\n%s\\n' "$2" "$OUTPUT_SOURCE";;
  .1.3.6.1.2.1.33.1.4.4.1.5.1) printf '%s\\ninteger\\n%s\\n' "$2" "$LOAD";;
esac
`;

describe('SNMP poller against a real snmpd', () => {
  let dir: string;
  let agent: ChildProcess;
  let port: number;
  const setState = (s: Record<string, number>) =>
    writeFileSync(
      join(dir, 'state'),
      Object.entries(s)
        .map(([k, v]) => `${k}=${v}`)
        .join('\n') + '\n',
    );

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'layershift-snmpd-'));
    writeFileSync(join(dir, 'ups.sh'), PASS_SCRIPT);
    chmodSync(join(dir, 'ups.sh'), 0o755);
    setState({
      BATTERY_STATUS: 2,
      SECONDS_ON_BATTERY: 0,
      MINUTES_REMAINING: 45,
      CHARGE: 100,
      OUTPUT_SOURCE: 3,
      LOAD: 38,
    });
    port = await freeUdpPort();
    writeFileSync(
      join(dir, 'snmpd.conf'),
      `agentAddress udp:127.0.0.1:${port}\nrocommunity ${COMMUNITY} 127.0.0.1\npass .1.3.6.1.2.1.33 /bin/sh ${join(dir, 'ups.sh')}\n`,
    );
    agent = spawn(
      'snmpd',
      [
        '-f',
        '-Lo',
        '-C',
        '-c',
        join(dir, 'snmpd.conf'),
        '-p',
        join(dir, 'pid'),
        '-I',
        '-smux,mteTrigger,mteTriggerConf',
      ],
      {
        stdio: 'ignore',
        env: { ...process.env, MIBS: '', MIBDIRS: '/nonexistent' },
      },
    );
    await waitFor(
      'snmpd to answer',
      async () =>
        (
          await runTool('snmpget', [
            '-v2c',
            '-c',
            COMMUNITY,
            '-t',
            '0.3',
            '-r',
            '0',
            `127.0.0.1:${port}`,
            '1.3.6.1.2.1.33.1.2.3.0',
          ])
        ).code === 0,
    );
  }, 30_000);

  afterAll(() => {
    agent?.kill('SIGTERM');
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('finds the UPS on battery without any trap, updates as the runtime falls, closes on restore', async () => {
    const sink = new MemoryPowerEventSink();
    const ingest = new PowerIngest({
      sink,
      metrics: new IngestMetrics(new Registry()),
      tracker: { confirmationDelayMs: 0 },
    });
    const target: PollTarget = {
      device: 'ups-a',
      profile: 'ups-mib',
      address: '127.0.0.1',
      port,
      community: COMMUNITY,
    };
    const poller = new SnmpPoller([target], ingest, { timeoutMs: 2000 });

    const reading = await poller.read(target);
    expect(reading).toMatchObject({
      onBattery: false,
      runtimeSeconds: 2700,
      chargePercent: 100,
      loadPercent: 38,
    });
    expect(await poller.pollOnce(target)).toEqual([]); // normal: silence
    expect(sink.raws).toHaveLength(0);

    setState({
      BATTERY_STATUS: 2,
      SECONDS_ON_BATTERY: 61,
      MINUTES_REMAINING: 21,
      CHARGE: 90,
      OUTPUT_SOURCE: 5,
      LOAD: 40,
    });
    const [opened] = await poller.pollOnce(target);
    expect(opened).toMatchObject({
      decision: 'open',
      event: { kind: 'on_battery', source: 'snmp-poll', device: 'ups-a', runtimeSeconds: 1260 },
    });

    setState({
      BATTERY_STATUS: 3,
      SECONDS_ON_BATTERY: 121,
      MINUTES_REMAINING: 4,
      CHARGE: 20,
      OUTPUT_SOURCE: 5,
      LOAD: 40,
    });
    const [low] = await poller.pollOnce(target);
    expect(low).toMatchObject({ decision: 'update', event: { kind: 'low_battery', runtimeSeconds: 240 } });
    expect(sink.openRows()).toHaveLength(1);
    expect(sink.openRows()[0]).toMatchObject({ repeatCount: 2, event: { kind: 'low_battery' } });

    setState({
      BATTERY_STATUS: 2,
      SECONDS_ON_BATTERY: 0,
      MINUTES_REMAINING: 30,
      CHARGE: 25,
      OUTPUT_SOURCE: 3,
      LOAD: 40,
    });
    const [restored] = await poller.pollOnce(target);
    expect(restored).toMatchObject({ decision: 'close', event: { kind: 'power_restored' } });
    expect(sink.openRows()).toHaveLength(0);
    expect(sink.raws.map((r) => r.source)).toEqual(['snmp-poll', 'snmp-poll', 'snmp-poll']);
    await ingest.close();
  });

  it('counts a poll that gets no answer as rejected (poll_failed), with no secret in the error', async () => {
    const metrics = new IngestMetrics(new Registry());
    const log = memoryLogger();
    const ingest = new PowerIngest({ sink: new MemoryPowerEventSink(), metrics, logger: log.logger });
    const dead = await freeUdpPort();
    const poller = new SnmpPoller(
      [{ device: 'ups-z', profile: 'ups-mib', address: '127.0.0.1', port: dead, community: COMMUNITY }],
      ingest,
      {
        timeoutMs: 300,
        retries: 0,
        logger: log.logger,
      },
    );
    expect(await poller.pollAll()).toEqual([]);
    expect(poller.stats.failures).toBe(1);
    expect(await metrics.value('snmp-poll', 'rejected', 'poll_failed')).toBe(1);
    expect(log.lines.some((l) => l.includes('poll failed') && l.includes('ups-z'))).toBe(true);
    expect(log.lines.join('\n')).not.toContain(COMMUNITY);
    await ingest.close();
  });
});
