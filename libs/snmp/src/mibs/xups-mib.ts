import type { PowerEventKind } from '@app/domain';
import type { DecodedFields, NotificationDef, Severity } from './types';
import { VarbindView } from './types';
import { UPS_MIB, UPS_WELL_KNOWN_ALARMS } from './ups-mib';

/** Eaton XUPS-MIB: OIDs from /work/shared/mibs/XUPS-MIB (xupsMIB = eaton.1, eaton = enterprises.534). */
export const XUPS_MIB = {
  xupsMIB: '1.3.6.1.4.1.534.1',
  xupsTrapOidDefined: '1.3.6.1.4.1.534.1.11.4.1.0',
  xupsBatTimeRemaining: '1.3.6.1.4.1.534.1.2.1',
  xupsBatteryAbmStatus: '1.3.6.1.4.1.534.1.2.5',
  xupsInputSource: '1.3.6.1.4.1.534.1.3.5',
  xupsOutputLoad: '1.3.6.1.4.1.534.1.4.1',
  xupsOutputSource: '1.3.6.1.4.1.534.1.4.5',
  xupsAlarm: '1.3.6.1.4.1.534.1.7',
  xupsAlarmID: '1.3.6.1.4.1.534.1.7.2.1.1',
  xupsAlarmDescr: '1.3.6.1.4.1.534.1.7.2.1.2',
  xupsTrapMessage: '1.3.6.1.4.1.534.1.11.3',
} as const;

/** xupsAlarm well-known alarm OIDs (xupsAlarm.n) that matter for power, with what their addition means. */
export const XUPS_WELL_KNOWN_ALARMS: Record<
  number,
  { name: string; added: PowerEventKind; removed: PowerEventKind }
> = {
  3: { name: 'xupsOnBattery', added: 'on_battery', removed: 'power_restored' },
  4: { name: 'xupsLowBattery', added: 'low_battery', removed: 'alarm_removed' },
  5: { name: 'xupsUtilityPowerRestored', added: 'power_restored', removed: 'alarm_removed' },
  6: { name: 'xupsReturnFromLowBattery', added: 'alarm_removed', removed: 'alarm_removed' },
  7: { name: 'xupsOutputOverload', added: 'overload', removed: 'overload_cleared' },
  9: { name: 'xupsBatteryDischarged', added: 'low_battery', removed: 'alarm_removed' },
  16: { name: 'xupsShutdownImminent', added: 'low_battery', removed: 'alarm_removed' },
  26: { name: 'xupsCommunicationsLost', added: 'comm_lost', removed: 'comm_restored' },
  27: { name: 'xupsUpsShutdownPending', added: 'low_battery', removed: 'alarm_removed' },
  28: { name: 'xupsAlarmTestInProgress', added: 'self_test', removed: 'self_test' },
};

type Row = [name: string, n: number, kind: PowerEventKind, severity: Severity];
const ROWS: Row[] = [
  ['xupstdOnBattery', 3, 'on_battery', 'warning'],
  ['xupstdLowBattery', 4, 'low_battery', 'critical'],
  ['xupstdUtilityPowerRestored', 5, 'power_restored', 'info'],
  ['xupstdReturnFromLowBattery', 6, 'alarm_removed', 'info'],
  ['xupstdOutputOverload', 7, 'overload', 'critical'],
  ['xupstdBatteryDischarged', 9, 'alarm_added', 'warning'],
  ['xupstdShutdownImminent', 16, 'low_battery', 'critical'],
  ['xupstdAlarmEntryAdded', 21, 'alarm_added', 'warning'],
  ['xupstdAlarmEntryRemoved', 22, 'alarm_removed', 'info'],
  ['xupstdCommunicationsLost', 26, 'comm_lost', 'warning'],
  ['xupstdUpsShutdownPending', 27, 'low_battery', 'critical'],
  ['xupstdAlarmTestInProgress', 28, 'self_test', 'info'],
  ['xupstdDiagnosticTestPassed', 45, 'self_test', 'info'],
  ['xupstdCommEstablished', 49, 'comm_restored', 'info'],
];

/** xupsAlarmDescr names either an xupsAlarm well-known alarm or (per the MIB) an RFC 1628 one. */
function alarmDescr(vb: VarbindView, added: boolean): DecodedFields {
  const descr = vb.str(XUPS_MIB.xupsAlarmDescr);
  if (!descr) return {};
  const arcAfter = (prefix: string) =>
    descr.startsWith(prefix + '.') ? Number(descr.slice(prefix.length + 1).split('.')[0]) : undefined;
  const x = arcAfter(XUPS_MIB.xupsAlarm);
  const u = arcAfter(UPS_MIB.upsWellKnownAlarms);
  const known =
    (x !== undefined ? XUPS_WELL_KNOWN_ALARMS[x] : undefined) ??
    (u !== undefined ? UPS_WELL_KNOWN_ALARMS[u] : undefined);
  if (!known) return { alarm: descr };
  return { alarm: known.name, kind: added ? known.added : known.removed };
}

const X = XUPS_MIB;
const read = (n: keyof typeof XUPS_MIB) => ({ name: n, mib: 'XUPS-MIB' as const, oid: X[n] });

export const XUPS_MIB_TABLE: readonly NotificationDef[] = ROWS.map(([name, n, kind, severity]) => ({
  name,
  mib: 'XUPS-MIB',
  oid: `${X.xupsTrapOidDefined}.${n}`,
  vendor: 'eaton',
  deviceKind: 'ups',
  kind,
  severity,
  reads: [read('xupsAlarmID'), read('xupsAlarmDescr'), read('xupsTrapMessage')],
  decode: (vb): DecodedFields => {
    const f: DecodedFields = { message: vb.str(X.xupsTrapMessage) };
    if (name === 'xupstdAlarmEntryAdded' || name === 'xupstdAlarmEntryRemoved')
      Object.assign(f, alarmDescr(vb, name === 'xupstdAlarmEntryAdded'));
    const secs = vb.num(X.xupsBatTimeRemaining);
    if (secs !== undefined) f.runtimeSeconds = secs;
    const load = vb.num(X.xupsOutputLoad);
    if (load !== undefined) f.loadPercent = load;
    return f;
  },
}));
