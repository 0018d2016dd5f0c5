import type { DecodedFields, NotificationDef } from './types';
import { classifyVcenterAlarm } from '../vcenter-alarm';

/** VMWARE-VC-EVENT-MIB: vmwVC = 1.3.6.1.4.1.6876.4.3 (VMWARE-PRODUCTS-MIB), notifications under vmwVC.0. */
export const VMWARE_VC_EVENT_MIB = {
  vpxdAlarm: '1.3.6.1.4.1.6876.4.3.0.201',
  vpxdDiagnostic: '1.3.6.1.4.1.6876.4.3.0.202',
  vpxdAlarmInfo: '1.3.6.1.4.1.6876.4.3.0.203',
  vmwVpxdTrapType: '1.3.6.1.4.1.6876.4.3.301',
  vmwVpxdHostName: '1.3.6.1.4.1.6876.4.3.302',
  vmwVpxdVMName: '1.3.6.1.4.1.6876.4.3.303',
  vmwVpxdOldStatus: '1.3.6.1.4.1.6876.4.3.304',
  vmwVpxdNewStatus: '1.3.6.1.4.1.6876.4.3.305',
  vmwVpxdObjValue: '1.3.6.1.4.1.6876.4.3.306',
  vmwVpxdTargetObj: '1.3.6.1.4.1.6876.4.3.307',
  vmwVpxdTargetObjType: '1.3.6.1.4.1.6876.4.3.308',
} as const;

/** vmwVpxdTargetObjType: unknown(1), host(2), vm(3), other(4). */
const TARGET_TYPES: Record<number, string> = { 1: 'unknown', 2: 'host', 3: 'vm', 4: 'other' };

const V = VMWARE_VC_EVENT_MIB;
const read = (n: keyof typeof VMWARE_VC_EVENT_MIB) => ({
  name: n,
  mib: 'VMWARE-VC-EVENT-MIB' as const,
  oid: V[n],
});

export const VMWARE_VC_EVENT_MIB_TABLE: readonly NotificationDef[] = [
  {
    name: 'vpxdAlarmInfo',
    mib: 'VMWARE-VC-EVENT-MIB',
    oid: V.vpxdAlarmInfo,
    vendor: 'vmware',
    deviceKind: 'vcenter',
    kind: 'alarm_added',
    severity: 'warning',
    reads: [
      read('vmwVpxdTargetObjType'),
      read('vmwVpxdOldStatus'),
      read('vmwVpxdNewStatus'),
      read('vmwVpxdObjValue'),
      read('vmwVpxdTargetObj'),
    ],
    decode: (vb): DecodedFields => {
      const typeNum = vb.num(V.vmwVpxdTargetObjType);
      const targetType = typeNum !== undefined ? (TARGET_TYPES[typeNum] ?? 'unknown') : undefined;
      const alarm = vb.str(V.vmwVpxdObjValue);
      const c = classifyVcenterAlarm({
        alarmName: alarm ?? '',
        targetType,
        oldStatus: vb.str(V.vmwVpxdOldStatus),
        newStatus: vb.str(V.vmwVpxdNewStatus),
      });
      return {
        kind: c.kind,
        severity: c.severity,
        alarm,
        target: vb.str(V.vmwVpxdTargetObj),
        targetType,
        oldStatus: vb.str(V.vmwVpxdOldStatus),
        newStatus: vb.str(V.vmwVpxdNewStatus),
      };
    },
  },
  {
    name: 'vpxdAlarm',
    mib: 'VMWARE-VC-EVENT-MIB',
    oid: V.vpxdAlarm,
    vendor: 'vmware',
    deviceKind: 'vcenter',
    kind: 'alarm_added',
    severity: 'warning',
    reads: [
      read('vmwVpxdTrapType'),
      read('vmwVpxdHostName'),
      read('vmwVpxdVMName'),
      read('vmwVpxdOldStatus'),
      read('vmwVpxdNewStatus'),
      read('vmwVpxdObjValue'),
    ],
    decode: (vb): DecodedFields => {
      const host = vb.str(V.vmwVpxdHostName);
      const vm = vb.str(V.vmwVpxdVMName);
      const targetType = vm ? 'vm' : host ? 'host' : undefined;
      const alarm = vb.str(V.vmwVpxdObjValue) ?? vb.str(V.vmwVpxdTrapType);
      const c = classifyVcenterAlarm({
        alarmName: alarm ?? '',
        targetType,
        oldStatus: vb.str(V.vmwVpxdOldStatus),
        newStatus: vb.str(V.vmwVpxdNewStatus),
      });
      return {
        kind: c.kind,
        severity: c.severity,
        alarm,
        target: vm || host,
        targetType,
        oldStatus: vb.str(V.vmwVpxdOldStatus),
        newStatus: vb.str(V.vmwVpxdNewStatus),
      };
    },
  },
  {
    name: 'vpxdDiagnostic',
    mib: 'VMWARE-VC-EVENT-MIB',
    oid: V.vpxdDiagnostic,
    vendor: 'vmware',
    deviceKind: 'vcenter',
    kind: 'other',
    severity: 'info',
  },
];
