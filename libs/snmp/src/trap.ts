/** The shape every received notification takes before decoding, whatever the SNMP version. */

export const SNMP_TRAP_OID = '1.3.6.1.6.3.1.1.4.1.0';
export const SYS_UPTIME = '1.3.6.1.2.1.1.3.0';
export const SNMP_TRAP_ENTERPRISE = '1.3.6.1.6.3.1.1.4.3.0';
export const SNMP_TRAP_ADDRESS = '1.3.6.1.6.3.18.1.3.0';
export const SYS_NAME = '1.3.6.1.2.1.1.5';
/** snmpTraps: the generic traps coldStart(0)..egpNeighborLoss(5) become snmpTraps.(generic+1). */
export const SNMP_TRAPS = '1.3.6.1.6.3.1.1.5';

export type SnmpVersion = 'v1' | 'v2c' | 'v3';
export type PduKind = 'trap' | 'trapv2' | 'inform';

/** A varbind with its value made JSON-safe: OctetStrings as text (or `hex:` when not printable). */
export interface TrapVarbind {
  oid: string;
  type: string;
  value: string | number | null;
}

export interface V3Header {
  msgId: number;
  engineId: string;
  engineBoots: number;
  engineTime: number;
  user: string;
  authenticated: boolean;
  encrypted: boolean;
}

export interface ReceivedTrap {
  version: SnmpVersion;
  pdu: PduKind;
  /** Sender of the datagram. */
  source: { address: string; port: number };
  receivedAt: string;
  /** The SMIv2 notification OID (for v1 traps: enterprise.0.specific or snmpTraps.generic+1, RFC 3584). */
  trapOid: string;
  /** v1 only. */
  enterprise?: string;
  agentAddr?: string;
  generic?: number;
  specific?: number;
  uptime?: number;
  /** Varbinds without sysUpTime.0 and snmpTrapOID.0. */
  varbinds: TrapVarbind[];
  /** v3 only: the user name (never a key). v1/v2c communities are never kept. */
  user?: string;
  v3?: V3Header;
}

const TYPE_NAMES: Record<number, string> = {
  1: 'Boolean',
  2: 'Integer',
  3: 'BitString',
  4: 'OctetString',
  5: 'Null',
  6: 'OID',
  64: 'IpAddress',
  65: 'Counter',
  66: 'Gauge',
  67: 'TimeTicks',
  68: 'Opaque',
  70: 'Counter64',
  128: 'NoSuchObject',
  129: 'NoSuchInstance',
  130: 'EndOfMibView',
};

function printable(b: Buffer): boolean {
  for (const c of b) if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c > 0x7e) return false;
  return true;
}

export function normaliseValue(type: number, value: unknown): string | number | null {
  if (value === null || value === undefined) return null;
  if (Buffer.isBuffer(value)) {
    if (type === 70)
      return value.length <= 6 ? value.readUIntBE(0, value.length || 1) : 'hex:' + value.toString('hex');
    if (value.length === 0) return '';
    return printable(value) ? value.toString('utf8') : 'hex:' + value.toString('hex');
  }
  if (typeof value === 'number' || typeof value === 'string') return value;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'boolean') return value ? 1 : 0;
  return JSON.stringify(value);
}

export function normaliseVarbind(vb: { oid: string; type: number; value: unknown }): TrapVarbind {
  return {
    oid: vb.oid,
    type: TYPE_NAMES[vb.type] ?? String(vb.type),
    value: normaliseValue(vb.type, vb.value),
  };
}

/** RFC 3584 section 3.1: the SNMPv2 notification OID of an SNMPv1 trap. */
export function v1TrapOid(enterprise: string, generic: number, specific: number): string {
  if (generic >= 0 && generic <= 5) return `${SNMP_TRAPS}.${generic + 1}`;
  const base = enterprise.endsWith('.0') ? enterprise : `${enterprise}.0`;
  return `${base}.${specific}`;
}

/** `oid` is `base` itself or an instance of it (`base.0`, `base.3`, ...). */
export function oidUnder(oid: string, base: string): boolean {
  return oid === base || (oid.startsWith(base) && oid.charCodeAt(base.length) === 46); /* . */
}
