import type { DeviceKind, PowerEventKind } from '@app/domain';
import type { DecodedFields, NotificationDef, Severity } from './types';

/** APC PowerNet-MIB (SMIv1 TRAP-TYPEs, enterprise apc): OIDs from /work/shared/mibs/PowerNet-MIB. */
export const POWERNET_MIB = {
  apc: '1.3.6.1.4.1.318',
  mtrapargsString: '1.3.6.1.4.1.318.2.3.3',
  // UPS objects (polled)
  upsBasicIdentName: '1.3.6.1.4.1.318.1.1.1.1.1.2',
  upsAdvIdentSerialNumber: '1.3.6.1.4.1.318.1.1.1.1.2.3',
  upsBasicBatteryStatus: '1.3.6.1.4.1.318.1.1.1.2.1.1',
  upsBasicBatteryTimeOnBattery: '1.3.6.1.4.1.318.1.1.1.2.1.2',
  upsAdvBatteryCapacity: '1.3.6.1.4.1.318.1.1.1.2.2.1',
  upsAdvBatteryRunTimeRemaining: '1.3.6.1.4.1.318.1.1.1.2.2.3',
  upsBasicOutputStatus: '1.3.6.1.4.1.318.1.1.1.4.1.1',
  upsAdvOutputLoad: '1.3.6.1.4.1.318.1.1.1.4.2.3',
  // Rack PDU objects
  rPDUIdentName: '1.3.6.1.4.1.318.1.1.12.1.1',
  rPDUIdentSerialNumber: '1.3.6.1.4.1.318.1.1.12.1.6',
  rPDULoadStatusLoad: '1.3.6.1.4.1.318.1.1.12.2.3.1.1.2',
  rPDULoadStatusLoadState: '1.3.6.1.4.1.318.1.1.12.2.3.1.1.3',
  rPDULoadStatusPhaseNumber: '1.3.6.1.4.1.318.1.1.12.2.3.1.1.4',
  rPDULoadStatusBankNumber: '1.3.6.1.4.1.318.1.1.12.2.3.1.1.5',
  rPDULoadPhaseConfigOverloadThreshold: '1.3.6.1.4.1.318.1.1.12.2.2.1.1.4',
  rPDUOutletStatusIndex: '1.3.6.1.4.1.318.1.1.12.3.5.1.1.1',
  rPDUOutletStatusOutletName: '1.3.6.1.4.1.318.1.1.12.3.5.1.1.2',
} as const;

type Row = [name: string, specific: number, deviceKind: DeviceKind, kind: PowerEventKind, severity: Severity];

/** [name, specific-trap number, device, kind, severity]: the notification OID is apc.0.<specific>. */
const ROWS: Row[] = [
  ['communicationLost', 1, 'ups', 'comm_lost', 'warning'],
  ['upsOverload', 2, 'ups', 'overload', 'critical'],
  ['upsDiagnosticsFailed', 3, 'ups', 'self_test', 'warning'],
  ['upsDischarged', 4, 'ups', 'alarm_added', 'warning'],
  ['upsOnBattery', 5, 'ups', 'on_battery', 'warning'],
  ['lowBattery', 7, 'ups', 'low_battery', 'critical'],
  ['communicationEstablished', 8, 'ups', 'comm_restored', 'info'],
  ['powerRestored', 9, 'ups', 'power_restored', 'info'],
  ['upsDiagnosticsPassed', 10, 'ups', 'self_test', 'info'],
  ['returnFromLowBattery', 11, 'ups', 'alarm_removed', 'info'],
  ['upsOverloadCleared', 33, 'ups', 'overload_cleared', 'info'],
  ['upsOnBatteryDueToFault', 777, 'ups', 'on_battery', 'warning'],
  ['upsOnBatteryDueToFaultCleared', 778, 'ups', 'power_restored', 'info'],
  // Rack PDU, bank/phase level
  ['rPDUBankPhaseNearOverload', 224, 'pdu', 'overload', 'warning'],
  ['rPDUBankPhaseNearOverloadCleared', 225, 'pdu', 'overload_cleared', 'info'],
  ['rPDUBankPhaseOverload', 226, 'pdu', 'overload', 'critical'],
  ['rPDUBankPhaseOverloadCleared', 227, 'pdu', 'overload_cleared', 'info'],
  // Rack PDU, device level
  ['rPDUCommunicationEstablished', 266, 'pdu', 'comm_restored', 'info'],
  ['rPDUCommunicationLost', 267, 'pdu', 'comm_lost', 'warning'],
  ['rPDUNearOverload', 274, 'pdu', 'overload', 'warning'],
  ['rPDUNearOverloadCleared', 275, 'pdu', 'overload_cleared', 'info'],
  ['rPDUOverload', 276, 'pdu', 'overload', 'critical'],
  ['rPDUOverloadCleared', 277, 'pdu', 'overload_cleared', 'info'],
  // Rack PDU, outlet level
  ['rPDUOutletNearOverload', 632, 'pdu', 'overload', 'warning'],
  ['rPDUOutletNearOverloadCleared', 633, 'pdu', 'overload_cleared', 'info'],
  ['rPDUOutletOverload', 634, 'pdu', 'overload', 'critical'],
  ['rPDUOutletOverloadCleared', 635, 'pdu', 'overload_cleared', 'info'],
];

const P = POWERNET_MIB;
const read = (n: keyof typeof POWERNET_MIB) => ({ name: n, mib: 'PowerNet-MIB' as const, oid: P[n] });

/**
 * rPDU traps carry { rPDUIdentSerialNumber, rPDUIdentName, [rPDULoadStatusBankNumber,] rPDULoadStatusPhaseNumber
 * | rPDUOutletStatusIndex ..., mtrapargsString }. The serial number is how the topology finds the PDU.
 */
export const POWERNET_MIB_TABLE: readonly NotificationDef[] = ROWS.map(
  ([name, specific, deviceKind, kind, severity]) => {
    const pdu = deviceKind === 'pdu' && !name.startsWith('rPDUCommunication');
    return {
      name,
      mib: 'PowerNet-MIB',
      oid: `${P.apc}.0.${specific}`,
      vendor: 'apc',
      deviceKind,
      kind,
      severity,
      reads: pdu
        ? [
            read('rPDUIdentSerialNumber'),
            read('rPDUIdentName'),
            read('rPDULoadStatusBankNumber'),
            read('rPDULoadStatusPhaseNumber'),
            read('rPDUOutletStatusIndex'),
            read('mtrapargsString'),
          ]
        : [read('mtrapargsString')],
      decode: (vb): DecodedFields => {
        const f: DecodedFields = { message: vb.str(P.mtrapargsString) };
        if (deviceKind === 'pdu') {
          f.serial = vb.str(P.rPDUIdentSerialNumber);
          f.deviceName = vb.str(P.rPDUIdentName);
          f.bank = vb.num(P.rPDULoadStatusBankNumber);
          f.phase = vb.num(P.rPDULoadStatusPhaseNumber);
          f.outlet = vb.num(P.rPDUOutletStatusIndex);
        }
        return f;
      },
    };
  },
);
