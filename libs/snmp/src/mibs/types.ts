import type { DeviceKind, PowerEventKind } from '@app/domain';
import type { TrapVarbind } from '../trap';
import { oidUnder } from '../trap';

export type MibName = 'UPS-MIB' | 'PowerNet-MIB' | 'XUPS-MIB' | 'VMWARE-VC-EVENT-MIB';
export type Vendor = 'ietf' | 'apc' | 'eaton' | 'vmware';
export type Severity = 'info' | 'warning' | 'critical';

/** What a notification's varbinds add to the decoded trap. */
export interface DecodedFields {
  kind?: PowerEventKind;
  severity?: Severity;
  runtimeSeconds?: number;
  secondsOnBattery?: number;
  loadPercent?: number;
  /** A well-known alarm named by an alarm-table trap (upsAlarmOnBattery, xupsLowBattery, ...). */
  alarm?: string;
  serial?: string;
  deviceName?: string;
  bank?: number;
  phase?: number;
  outlet?: number;
  /** vCenter: the managed entity the alarm is about. */
  target?: string;
  targetType?: string;
  oldStatus?: string;
  newStatus?: string;
  message?: string;
}

/** One row of a decoder table: a notification as its MIB defines it. */
export interface NotificationDef {
  /** The MIB's name for it, e.g. upsTrapOnBattery. */
  name: string;
  mib: MibName;
  /** The SMIv2 notification OID (for SMIv1 TRAP-TYPEs: enterprise.0.n). */
  oid: string;
  vendor: Vendor;
  deviceKind: DeviceKind;
  kind: PowerEventKind;
  severity: Severity;
  /** Varbind objects this row reads, by MIB name and OID (checked against the MIB files by a test). */
  reads?: readonly { name: string; mib: MibName; oid: string }[];
  decode?: (vb: VarbindView) => DecodedFields;
}

/** Lookup of varbinds by object OID, accepting any instance suffix (`.0` where the MIB has none, too). */
export class VarbindView {
  constructor(readonly varbinds: readonly TrapVarbind[]) {}

  find(base: string): TrapVarbind | undefined {
    return this.varbinds.find((v) => oidUnder(v.oid, base));
  }

  num(base: string): number | undefined {
    const v = this.find(base)?.value;
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v.trim())) return Number(v);
    return undefined;
  }

  str(base: string): string | undefined {
    const v = this.find(base)?.value;
    if (v === undefined || v === null) return undefined;
    return String(v);
  }

  /** The instance suffix of the first varbind under `base` (`3` for upsAlarmDescr.3). */
  instance(base: string): string | undefined {
    const v = this.find(base);
    return v && v.oid.length > base.length ? v.oid.slice(base.length + 1) : undefined;
  }
}
