import { describe, expect, it } from 'vitest';
import { parsePoll, pollOids, readingToEvents } from './poller';

const now = new Date('2026-04-01T00:00:00Z');
const vbs = (pairs: [string, number][]) => pairs.map(([oid, value]) => ({ oid, type: 'Integer', value }));

describe('poll normalisation', () => {
  it('reads UPS-MIB: output source battery(5) with runtime and load', () => {
    const t = { device: 'ups-a', profile: 'ups-mib' as const };
    const [status, secs, mins, charge, source, load] = pollOids(t);
    const r = parsePoll(
      t,
      vbs([
        [status, 2],
        [secs, 95],
        [mins, 14],
        [charge, 80],
        [source, 5],
        [load, 41],
      ]),
    );
    expect(r).toMatchObject({
      onBattery: true,
      batteryLow: false,
      runtimeSeconds: 840,
      secondsOnBattery: 95,
      chargePercent: 80,
      loadPercent: 41,
    });
    expect(readingToEvents(r, { battery: false, overload: false }, now)).toEqual([
      expect.objectContaining({
        kind: 'on_battery',
        source: 'snmp-poll',
        device: 'ups-a',
        runtimeSeconds: 840,
        loadPercent: 41,
      }),
    ]);
  });

  it('reports low battery, restores only what is open, and is silent when all is normal', () => {
    const t = { device: 'ups-a', profile: 'ups-mib' as const };
    const [status, , , , source] = pollOids(t);
    const low = parsePoll(
      t,
      vbs([
        [status, 3],
        [source, 5],
      ]),
    );
    expect(readingToEvents(low, { battery: true, overload: false }, now).map((e) => e.kind)).toEqual([
      'low_battery',
    ]);
    const normal = parsePoll(
      t,
      vbs([
        [status, 2],
        [source, 3],
      ]),
    );
    expect(readingToEvents(normal, { battery: true, overload: false }, now).map((e) => e.kind)).toEqual([
      'power_restored',
    ]);
    expect(readingToEvents(normal, { battery: false, overload: false }, now)).toEqual([]);
  });

  it('reads APC (TimeTicks runtime) and Eaton (input source none) on battery', () => {
    const apc = { device: 'ups-b', profile: 'apc-ups' as const };
    const [out, , , ticks] = pollOids(apc);
    expect(
      parsePoll(
        apc,
        vbs([
          [out, 3],
          [ticks, 72000],
        ]),
      ),
    ).toMatchObject({ onBattery: true, runtimeSeconds: 720 });
    const eaton = { device: 'ups-c', profile: 'eaton-xups' as const };
    const [rt, , input] = pollOids(eaton);
    expect(
      parsePoll(
        eaton,
        vbs([
          [rt, 600],
          [input, 2],
        ]),
      ),
    ).toMatchObject({ onBattery: true, runtimeSeconds: 600 });
  });

  it('reads rPDU phase load and turns overload states into events', () => {
    const t = { device: 'pdu-a1', profile: 'apc-rpdu' as const, phases: 3 };
    const oids = pollOids(t);
    expect(oids).toHaveLength(6);
    const r = parsePoll(
      t,
      vbs([
        [oids[0], 120],
        [oids[1], 1],
        [oids[2], 165],
        [oids[3], 4],
        [oids[4], 80],
        [oids[5], 1],
      ]),
    );
    expect(r.phases).toEqual([
      { phase: 1, amps: 12, state: 'normal' },
      { phase: 2, amps: 16.5, state: 'overload' },
      { phase: 3, amps: 8, state: 'normal' },
    ]);
    expect(readingToEvents(r, { battery: false, overload: false }, now)).toEqual([
      expect.objectContaining({
        kind: 'overload',
        deviceKind: 'pdu',
        detail: 'poll: phase 2 overload (16.5 A)',
      }),
    ]);
  });
});
