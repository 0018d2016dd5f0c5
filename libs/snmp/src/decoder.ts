import type { DeviceKind, PowerEventKind } from '@app/domain';
import type { DecodedFields, MibName, NotificationDef, Severity, Vendor } from './mibs/types';
import { VarbindView } from './mibs/types';
import { UPS_MIB, UPS_MIB_TABLE, runtimeFields } from './mibs/ups-mib';
import { POWERNET_MIB, POWERNET_MIB_TABLE } from './mibs/powernet-mib';
import { XUPS_MIB, XUPS_MIB_TABLE } from './mibs/xups-mib';
import { VMWARE_VC_EVENT_MIB_TABLE } from './mibs/vmware-vc-event-mib';
import type { ReceivedTrap } from './trap';
import { SYS_NAME } from './trap';

/** Every decoder table, one per MIB. */
export const DECODER_TABLES: readonly (readonly NotificationDef[])[] = [
  UPS_MIB_TABLE,
  POWERNET_MIB_TABLE,
  XUPS_MIB_TABLE,
  VMWARE_VC_EVENT_MIB_TABLE,
];

/** A trap after decoding: what it is and what it says. `known: false` for a notification no table has. */
export interface DecodedTrap extends DecodedFields {
  known: boolean;
  trapOid: string;
  trapName: string;
  mib?: MibName;
  vendor: Vendor | 'unknown';
  deviceKind: DeviceKind;
  kind: PowerEventKind;
  severity: Severity;
  /** sysName.0 when the agent sent it. */
  sysName?: string;
}

/**
 * The forms a notification OID takes in the field, besides its SMIv2 one. RFC 1628 UPS-MIB traps are
 * `upsTraps.n`, but agents also send `upsTraps.0.n` (the SMIv1 mapping: APC cards do so for .0.3/.0.4), and
 * a v1 trap with enterprise upsTraps maps to that too. SMIv1-born OIDs `e.0.n` are also tried as `e.n`.
 */
export function oidVariants(oid: string): string[] {
  const parts = oid.split('.');
  const last = parts.pop()!;
  const parent = parts.join('.');
  if (parent.endsWith('.0')) return [oid, `${parent.slice(0, -2)}.${last}`];
  return [oid, `${parent}.0.${last}`];
}

export class TrapDecoder {
  private readonly byOid = new Map<string, NotificationDef>();

  constructor(tables: readonly (readonly NotificationDef[])[] = DECODER_TABLES) {
    for (const table of tables)
      for (const def of table) {
        for (const v of oidVariants(def.oid)) {
          const clash = this.byOid.get(v);
          if (clash && clash !== def)
            throw new Error(`decoder tables: ${v} is both ${clash.name} and ${def.name}`);
          this.byOid.set(v, def);
        }
      }
  }

  lookup(trapOid: string): NotificationDef | undefined {
    return this.byOid.get(trapOid);
  }

  decode(trap: Pick<ReceivedTrap, 'trapOid' | 'varbinds'>): DecodedTrap {
    const vb = new VarbindView(trap.varbinds);
    const sysName = vb.str(SYS_NAME);
    const def = this.lookup(trap.trapOid);
    if (!def) {
      return {
        known: false,
        trapOid: trap.trapOid,
        trapName: trap.trapOid,
        vendor: vendorOf(trap.trapOid),
        deviceKind: 'unknown',
        kind: 'unknown',
        severity: 'info',
        sysName,
        ...measurements(vb),
      };
    }
    const fields = def.decode ? def.decode(vb) : {};
    const out: DecodedTrap = {
      known: true,
      trapOid: trap.trapOid,
      trapName: def.name,
      mib: def.mib,
      vendor: def.vendor,
      deviceKind: def.deviceKind,
      kind: def.kind,
      severity: def.severity,
      sysName,
      ...measurements(vb),
    };
    for (const [k, v] of Object.entries(fields))
      if (v !== undefined) (out as unknown as Record<string, unknown>)[k] = v;
    return out;
  }
}

/** Runtime, time on battery and load wherever a trap carries them, whatever its MIB. */
function measurements(vb: VarbindView): DecodedFields {
  const f: DecodedFields = { ...runtimeFields(vb) };
  if (f.runtimeSeconds === undefined) {
    const xups = vb.num(XUPS_MIB.xupsBatTimeRemaining);
    const apcTicks = vb.num(POWERNET_MIB.upsAdvBatteryRunTimeRemaining);
    if (xups !== undefined) f.runtimeSeconds = xups;
    else if (apcTicks !== undefined) f.runtimeSeconds = Math.round(apcTicks / 100);
  }
  const load =
    vb.num(UPS_MIB.upsOutputPercentLoad) ??
    vb.num(XUPS_MIB.xupsOutputLoad) ??
    vb.num(POWERNET_MIB.upsAdvOutputLoad);
  if (load !== undefined) f.loadPercent = load;
  return f;
}

function vendorOf(oid: string): Vendor | 'unknown' {
  if (oid.startsWith('1.3.6.1.2.1.33.')) return 'ietf';
  if (oid.startsWith('1.3.6.1.4.1.318.')) return 'apc';
  if (oid.startsWith('1.3.6.1.4.1.534.')) return 'eaton';
  if (oid.startsWith('1.3.6.1.4.1.6876.')) return 'vmware';
  return 'unknown';
}

/** One line for humans: `upsTrapOnBattery on_battery runtime=540s`. */
export function describeDecoded(d: DecodedTrap): string {
  const bits = [d.trapName, d.kind];
  if (d.runtimeSeconds !== undefined) bits.push(`runtime=${d.runtimeSeconds}s`);
  if (d.secondsOnBattery !== undefined) bits.push(`onBattery=${d.secondsOnBattery}s`);
  if (d.loadPercent !== undefined) bits.push(`load=${d.loadPercent}%`);
  if (d.alarm) bits.push(`alarm=${d.alarm}`);
  if (d.phase !== undefined) bits.push(`phase=${d.phase}`);
  if (d.bank !== undefined) bits.push(`bank=${d.bank}`);
  if (d.outlet !== undefined) bits.push(`outlet=${d.outlet}`);
  if (d.target) bits.push(`target=${d.target}`);
  if (d.newStatus) bits.push(`${d.oldStatus ?? '?'}->${d.newStatus}`);
  return bits.join(' ');
}
