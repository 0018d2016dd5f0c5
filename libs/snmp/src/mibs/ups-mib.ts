import type { PowerEventKind } from '@app/domain';
import type { DecodedFields, NotificationDef, Severity } from './types';
import { VarbindView } from './types';

/** UPS-MIB, RFC 1628. OIDs from /work/shared/mibs/UPS-MIB (checked by mib-tables.spec.ts). */
export const UPS_MIB = {
  upsTraps: '1.3.6.1.2.1.33.2',
  upsTrapOnBattery: '1.3.6.1.2.1.33.2.1',
  upsTrapTestCompleted: '1.3.6.1.2.1.33.2.2',
  upsTrapAlarmEntryAdded: '1.3.6.1.2.1.33.2.3',
  upsTrapAlarmEntryRemoved: '1.3.6.1.2.1.33.2.4',
  upsIdentName: '1.3.6.1.2.1.33.1.1.5',
  upsBatteryStatus: '1.3.6.1.2.1.33.1.2.1',
  upsSecondsOnBattery: '1.3.6.1.2.1.33.1.2.2',
  upsEstimatedMinutesRemaining: '1.3.6.1.2.1.33.1.2.3',
  upsEstimatedChargeRemaining: '1.3.6.1.2.1.33.1.2.4',
  upsOutputSource: '1.3.6.1.2.1.33.1.4.1',
  upsOutputPercentLoad: '1.3.6.1.2.1.33.1.4.4.1.5',
  upsAlarmId: '1.3.6.1.2.1.33.1.6.2.1.1',
  upsAlarmDescr: '1.3.6.1.2.1.33.1.6.2.1.2',
  upsConfigLowBattTime: '1.3.6.1.2.1.33.1.9.7',
  upsTestId: '1.3.6.1.2.1.33.1.7.1',
  upsTestResultsSummary: '1.3.6.1.2.1.33.1.7.3',
  upsWellKnownAlarms: '1.3.6.1.2.1.33.1.6.3',
} as const;

/** upsWellKnownAlarms: name by arc, and what its insertion / removal means. */
export const UPS_WELL_KNOWN_ALARMS: Record<
  number,
  { name: string; added: PowerEventKind; removed: PowerEventKind }
> = {
  1: { name: 'upsAlarmBatteryBad', added: 'alarm_added', removed: 'alarm_removed' },
  2: { name: 'upsAlarmOnBattery', added: 'on_battery', removed: 'power_restored' },
  3: { name: 'upsAlarmLowBattery', added: 'low_battery', removed: 'alarm_removed' },
  4: { name: 'upsAlarmDepletedBattery', added: 'low_battery', removed: 'alarm_removed' },
  5: { name: 'upsAlarmTempBad', added: 'alarm_added', removed: 'alarm_removed' },
  6: { name: 'upsAlarmInputBad', added: 'alarm_added', removed: 'alarm_removed' },
  7: { name: 'upsAlarmOutputBad', added: 'alarm_added', removed: 'alarm_removed' },
  8: { name: 'upsAlarmOutputOverload', added: 'overload', removed: 'overload_cleared' },
  9: { name: 'upsAlarmOnBypass', added: 'alarm_added', removed: 'alarm_removed' },
  10: { name: 'upsAlarmBypassBad', added: 'alarm_added', removed: 'alarm_removed' },
  11: { name: 'upsAlarmOutputOffAsRequested', added: 'alarm_added', removed: 'alarm_removed' },
  12: { name: 'upsAlarmUpsOffAsRequested', added: 'alarm_added', removed: 'alarm_removed' },
  13: { name: 'upsAlarmChargerFailed', added: 'alarm_added', removed: 'alarm_removed' },
  14: { name: 'upsAlarmUpsOutputOff', added: 'alarm_added', removed: 'alarm_removed' },
  15: { name: 'upsAlarmUpsSystemOff', added: 'alarm_added', removed: 'alarm_removed' },
  16: { name: 'upsAlarmFanFailure', added: 'alarm_added', removed: 'alarm_removed' },
  17: { name: 'upsAlarmFuseFailure', added: 'alarm_added', removed: 'alarm_removed' },
  18: { name: 'upsAlarmGeneralFault', added: 'alarm_added', removed: 'alarm_removed' },
  19: { name: 'upsAlarmDiagnosticTestFailed', added: 'alarm_added', removed: 'alarm_removed' },
  20: { name: 'upsAlarmCommunicationsLost', added: 'comm_lost', removed: 'comm_restored' },
  21: { name: 'upsAlarmAwaitingPower', added: 'alarm_added', removed: 'alarm_removed' },
  22: { name: 'upsAlarmShutdownPending', added: 'low_battery', removed: 'alarm_removed' },
  23: { name: 'upsAlarmShutdownImminent', added: 'low_battery', removed: 'alarm_removed' },
  24: { name: 'upsAlarmTestInProgress', added: 'self_test', removed: 'self_test' },
};

const SEVERITY: Partial<Record<PowerEventKind, Severity>> = {
  on_battery: 'warning',
  low_battery: 'critical',
  overload: 'critical',
  comm_lost: 'warning',
  alarm_added: 'warning',
};

/** Reads upsAlarmDescr (an OID naming a well-known alarm) and decides what the add/remove means. */
function alarmTrap(vb: VarbindView, added: boolean): DecodedFields {
  const descr = vb.str(UPS_MIB.upsAlarmDescr);
  const prefix = UPS_MIB.upsWellKnownAlarms + '.';
  const arc = descr?.startsWith(prefix) ? Number(descr.slice(prefix.length).split('.')[0]) : undefined;
  const known = arc !== undefined ? UPS_WELL_KNOWN_ALARMS[arc] : undefined;
  const fields: DecodedFields = { ...runtimeFields(vb) };
  if (!known) return { ...fields, alarm: descr, kind: added ? 'alarm_added' : 'alarm_removed' };
  const kind = added ? known.added : known.removed;
  return { ...fields, alarm: known.name, kind, severity: added ? (SEVERITY[kind] ?? 'info') : 'info' };
}

export function runtimeFields(vb: VarbindView): DecodedFields {
  const minutes = vb.num(UPS_MIB.upsEstimatedMinutesRemaining);
  const secs = vb.num(UPS_MIB.upsSecondsOnBattery);
  const out: DecodedFields = {};
  if (minutes !== undefined) out.runtimeSeconds = minutes * 60;
  if (secs !== undefined) out.secondsOnBattery = secs;
  return out;
}

const reads = (...names: (keyof typeof UPS_MIB)[]) =>
  names.map((n) => ({ name: n, mib: 'UPS-MIB' as const, oid: UPS_MIB[n] }));

export const UPS_MIB_TABLE: readonly NotificationDef[] = [
  {
    name: 'upsTrapOnBattery',
    mib: 'UPS-MIB',
    oid: UPS_MIB.upsTrapOnBattery,
    vendor: 'ietf',
    deviceKind: 'ups',
    kind: 'on_battery',
    severity: 'warning',
    reads: reads('upsEstimatedMinutesRemaining', 'upsSecondsOnBattery', 'upsConfigLowBattTime'),
    decode: runtimeFields,
  },
  {
    name: 'upsTrapTestCompleted',
    mib: 'UPS-MIB',
    oid: UPS_MIB.upsTrapTestCompleted,
    vendor: 'ietf',
    deviceKind: 'ups',
    kind: 'self_test',
    severity: 'info',
    reads: reads('upsTestId', 'upsTestResultsSummary'),
    decode: (vb) => ({ message: vb.str(UPS_MIB.upsTestResultsSummary) }),
  },
  {
    name: 'upsTrapAlarmEntryAdded',
    mib: 'UPS-MIB',
    oid: UPS_MIB.upsTrapAlarmEntryAdded,
    vendor: 'ietf',
    deviceKind: 'ups',
    kind: 'alarm_added',
    severity: 'warning',
    reads: reads('upsAlarmId', 'upsAlarmDescr'),
    decode: (vb) => alarmTrap(vb, true),
  },
  {
    name: 'upsTrapAlarmEntryRemoved',
    mib: 'UPS-MIB',
    oid: UPS_MIB.upsTrapAlarmEntryRemoved,
    vendor: 'ietf',
    deviceKind: 'ups',
    kind: 'alarm_removed',
    severity: 'info',
    reads: reads('upsAlarmId', 'upsAlarmDescr'),
    decode: (vb) => alarmTrap(vb, false),
  },
];
