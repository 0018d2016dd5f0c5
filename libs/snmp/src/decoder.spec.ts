import { describe, expect, it } from 'vitest';
import { TrapDecoder } from './decoder';
import type { TrapVarbind } from './trap';
import { v1TrapOid } from './trap';

const d = new TrapDecoder();
const vb = (
  oid: string,
  value: string | number,
  type = typeof value === 'number' ? 'Integer' : 'OctetString',
): TrapVarbind => ({
  oid,
  type,
  value,
});

describe('TrapDecoder', () => {
  it('decodes UPS-MIB upsTrapOnBattery with runtime (minutes -> seconds) and time on battery', () => {
    const r = d.decode({
      trapOid: '1.3.6.1.2.1.33.2.1',
      varbinds: [
        vb('1.3.6.1.2.1.33.1.2.3.0', 12),
        vb('1.3.6.1.2.1.33.1.2.2.0', 45),
        vb('1.3.6.1.2.1.33.1.9.7.0', 2),
      ],
    });
    expect(r).toMatchObject({
      known: true,
      trapName: 'upsTrapOnBattery',
      vendor: 'ietf',
      kind: 'on_battery',
      runtimeSeconds: 720,
      secondsOnBattery: 45,
    });
  });

  it('takes the .0.1 variant and varbinds without an instance suffix the same way', () => {
    const r = d.decode({ trapOid: '1.3.6.1.2.1.33.2.0.1', varbinds: [vb('1.3.6.1.2.1.33.1.2.3', 3)] });
    expect(r).toMatchObject({ trapName: 'upsTrapOnBattery', kind: 'on_battery', runtimeSeconds: 180 });
  });

  it('maps a v1 trap (enterprise upsTraps, specific 1) onto upsTrapOnBattery', () => {
    expect(d.decode({ trapOid: v1TrapOid('1.3.6.1.2.1.33.2', 6, 1), varbinds: [] }).trapName).toBe(
      'upsTrapOnBattery',
    );
  });

  it('reads UPS-MIB alarm traps the way APC cards send them (.0.3, instance .0)', () => {
    const added = d.decode({
      trapOid: '1.3.6.1.2.1.33.2.0.3',
      varbinds: [
        vb('1.3.6.1.2.1.33.1.6.2.1.1.0', 1),
        vb('1.3.6.1.2.1.33.1.6.2.1.2.0', '1.3.6.1.2.1.33.1.6.3.3', 'OID'),
      ],
    });
    expect(added).toMatchObject({
      trapName: 'upsTrapAlarmEntryAdded',
      kind: 'low_battery',
      alarm: 'upsAlarmLowBattery',
      severity: 'critical',
    });
    const removed = d.decode({
      trapOid: '1.3.6.1.2.1.33.2.0.4',
      varbinds: [vb('1.3.6.1.2.1.33.1.6.2.1.2.0', '1.3.6.1.2.1.33.1.6.3.2', 'OID')],
    });
    expect(removed).toMatchObject({
      trapName: 'upsTrapAlarmEntryRemoved',
      kind: 'power_restored',
      alarm: 'upsAlarmOnBattery',
    });
    const other = d.decode({
      trapOid: '1.3.6.1.2.1.33.2.3',
      varbinds: [vb('1.3.6.1.2.1.33.1.6.2.1.2.7', '1.3.6.1.2.1.33.1.6.3.16', 'OID')],
    });
    expect(other).toMatchObject({ kind: 'alarm_added', alarm: 'upsAlarmFanFailure' });
  });

  it('treats upsTrapTestCompleted as a self-test, never a power event', () => {
    expect(d.decode({ trapOid: '1.3.6.1.2.1.33.2.2', varbinds: [] }).kind).toBe('self_test');
  });

  it('decodes APC PowerNet traps from their v1 form (enterprise apc, specific n)', () => {
    const cases: [number, string, string][] = [
      [5, 'upsOnBattery', 'on_battery'],
      [7, 'lowBattery', 'low_battery'],
      [9, 'powerRestored', 'power_restored'],
      [11, 'returnFromLowBattery', 'alarm_removed'],
      [4, 'upsDischarged', 'alarm_added'],
      [1, 'communicationLost', 'comm_lost'],
      [8, 'communicationEstablished', 'comm_restored'],
      [2, 'upsOverload', 'overload'],
      [10, 'upsDiagnosticsPassed', 'self_test'],
    ];
    for (const [n, name, kind] of cases) {
      const r = d.decode({
        trapOid: v1TrapOid('1.3.6.1.4.1.318', 6, n),
        varbinds: [vb('1.3.6.1.4.1.318.2.3.3.0', 'msg')],
      });
      expect([r.trapName, r.kind, r.vendor, r.message]).toEqual([name, kind, 'apc', 'msg']);
    }
  });

  it('decodes rPDU overload traps with serial, phase, bank and outlet', () => {
    const base = [
      vb('1.3.6.1.4.1.318.1.1.12.1.6.0', 'ZA1234567'),
      vb('1.3.6.1.4.1.318.1.1.12.1.1.0', 'rack7-pdu-a'),
    ];
    const dev = d.decode({
      trapOid: '1.3.6.1.4.1.318.0.276',
      varbinds: [...base, vb('1.3.6.1.4.1.318.1.1.12.2.3.1.1.4.0', 2)],
    });
    expect(dev).toMatchObject({
      trapName: 'rPDUOverload',
      kind: 'overload',
      deviceKind: 'pdu',
      serial: 'ZA1234567',
      deviceName: 'rack7-pdu-a',
      phase: 2,
      severity: 'critical',
    });
    const near = d.decode({ trapOid: '1.3.6.1.4.1.318.0.274', varbinds: base });
    expect(near).toMatchObject({ trapName: 'rPDUNearOverload', kind: 'overload', severity: 'warning' });
    const bank = d.decode({
      trapOid: '1.3.6.1.4.1.318.0.227',
      varbinds: [...base, vb('1.3.6.1.4.1.318.1.1.12.2.3.1.1.5.0', 1)],
    });
    expect(bank).toMatchObject({
      trapName: 'rPDUBankPhaseOverloadCleared',
      kind: 'overload_cleared',
      bank: 1,
    });
    const outlet = d.decode({
      trapOid: '1.3.6.1.4.1.318.0.634',
      varbinds: [...base, vb('1.3.6.1.4.1.318.1.1.12.3.5.1.1.1.0', 14)],
    });
    expect(outlet).toMatchObject({ trapName: 'rPDUOutletOverload', outlet: 14 });
  });

  it('decodes Eaton XUPS traps, including alarm added/removed by descriptor', () => {
    expect(d.decode({ trapOid: '1.3.6.1.4.1.534.1.11.4.1.0.3', varbinds: [] })).toMatchObject({
      trapName: 'xupstdOnBattery',
      kind: 'on_battery',
      vendor: 'eaton',
    });
    expect(d.decode({ trapOid: '1.3.6.1.4.1.534.1.11.4.1.0.5', varbinds: [] }).kind).toBe('power_restored');
    expect(d.decode({ trapOid: '1.3.6.1.4.1.534.1.11.4.1.0.4', varbinds: [] }).kind).toBe('low_battery');
    const added = d.decode({
      trapOid: '1.3.6.1.4.1.534.1.11.4.1.0.21',
      varbinds: [
        vb('1.3.6.1.4.1.534.1.7.2.1.2.0', '1.3.6.1.2.1.33.1.6.3.8', 'OID'),
        vb('1.3.6.1.4.1.534.1.2.1.0', 300),
      ],
    });
    expect(added).toMatchObject({ kind: 'overload', alarm: 'upsAlarmOutputOverload', runtimeSeconds: 300 });
    const removed = d.decode({
      trapOid: '1.3.6.1.4.1.534.1.11.4.1.0.22',
      varbinds: [vb('1.3.6.1.4.1.534.1.7.2.1.2.0', '1.3.6.1.4.1.534.1.7.3', 'OID')],
    });
    expect(removed).toMatchObject({ kind: 'power_restored', alarm: 'xupsOnBattery' });
  });

  it('decodes vCenter vpxdAlarmInfo and the obsolete vpxdAlarm', () => {
    const info = d.decode({
      trapOid: '1.3.6.1.4.1.6876.4.3.0.203',
      varbinds: [
        vb('1.3.6.1.4.1.6876.4.3.308.0', 2),
        vb('1.3.6.1.4.1.6876.4.3.304.0', 'Green'),
        vb('1.3.6.1.4.1.6876.4.3.305.0', 'Red'),
        vb('1.3.6.1.4.1.6876.4.3.306.0', 'Host connection and power state'),
        vb('1.3.6.1.4.1.6876.4.3.307.0', 'esx-12.lab'),
      ],
    });
    expect(info).toMatchObject({
      trapName: 'vpxdAlarmInfo',
      vendor: 'vmware',
      kind: 'host_failure',
      target: 'esx-12.lab',
      targetType: 'host',
      newStatus: 'Red',
      severity: 'critical',
    });
    const old = d.decode({
      trapOid: '1.3.6.1.4.1.6876.4.3.0.201',
      varbinds: [
        vb('1.3.6.1.4.1.6876.4.3.302.0', 'esx-3'),
        vb('1.3.6.1.4.1.6876.4.3.305.0', 'Yellow'),
        vb('1.3.6.1.4.1.6876.4.3.306.0', 'Host CPU usage'),
      ],
    });
    expect(old).toMatchObject({
      trapName: 'vpxdAlarm',
      kind: 'overload',
      target: 'esx-3',
      severity: 'warning',
    });
  });

  it('marks unknown notifications unknown, keeping the vendor guess and sysName', () => {
    const r = d.decode({ trapOid: '1.3.6.1.4.1.318.0.99999', varbinds: [vb('1.3.6.1.2.1.1.5.0', 'ups-a')] });
    expect(r).toMatchObject({ known: false, kind: 'unknown', vendor: 'apc', sysName: 'ups-a' });
    expect(d.decode({ trapOid: '1.3.6.1.4.1.99.1', varbinds: [] }).vendor).toBe('unknown');
  });
});

describe('v1TrapOid (RFC 3584)', () => {
  it('maps generic traps to snmpTraps and enterprise-specific to enterprise.0.n', () => {
    expect(v1TrapOid('1.3.6.1.4.1.318', 0, 0)).toBe('1.3.6.1.6.3.1.1.5.1');
    expect(v1TrapOid('1.3.6.1.4.1.318', 6, 5)).toBe('1.3.6.1.4.1.318.0.5');
    expect(v1TrapOid('1.3.6.1.4.1.534.1.11.4.1.0', 6, 3)).toBe('1.3.6.1.4.1.534.1.11.4.1.0.3');
  });
});
