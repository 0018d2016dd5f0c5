import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DECODER_TABLES, TrapDecoder, oidVariants } from '../decoder';
import { MibResolver, stripCommentsAndStrings } from './mib-resolver';
import { POWERNET_MIB } from './powernet-mib';
import { UPS_MIB, UPS_WELL_KNOWN_ALARMS } from './ups-mib';
import { XUPS_MIB, XUPS_WELL_KNOWN_ALARMS } from './xups-mib';
import { VMWARE_VC_EVENT_MIB } from './vmware-vc-event-mib';

/** The MIB files ship in ../shared/mibs beside the repository (SNMP_MIB_DIR overrides). */
const MIB_DIR = process.env.SNMP_MIB_DIR ?? resolve(__dirname, '../../../../../shared/mibs');
const FILES = ['UPS-MIB', 'PowerNet-MIB', 'XUPS-MIB', 'VMWARE-VC-EVENT-MIB'];

describe('MIB resolver', () => {
  it('strips comments and strings but keeps definitions', () => {
    const t = stripCommentsAndStrings(
      'a OBJECT IDENTIFIER ::= { b 1 } -- x ::= { c 2 }\nd "-- not a comment ::= { e 3 }" f',
    );
    expect(t).toContain('a OBJECT IDENTIFIER ::= { b 1 }');
    expect(t).not.toContain('c 2');
    expect(t).not.toContain('e 3');
  });

  it('resolves SMIv2 chains, SMIv1 TRAP-TYPEs and per-module names', () => {
    const r = new MibResolver([
      'A-MIB DEFINITIONS ::= BEGIN\nfoo OBJECT IDENTIFIER ::= { enterprises 9 }\nbar OBJECT-TYPE\n SYNTAX INTEGER\n ::= { foo 2 }\nbaz TRAP-TYPE\n ENTERPRISE foo\n ::= 7\nEND',
      'B-MIB DEFINITIONS ::= BEGIN\nfoo OBJECT IDENTIFIER ::= { enterprises 10 }\nbar OBJECT IDENTIFIER ::= { foo 3 }\nEND',
    ]);
    expect(r.oid('bar', 'A-MIB')).toBe('1.3.6.1.4.1.9.2');
    expect(r.oid('bar', 'B-MIB')).toBe('1.3.6.1.4.1.10.3');
    expect(r.oid('baz')).toBe('1.3.6.1.4.1.9.0.7');
    expect(() => r.oid('nope')).toThrow(/nope/);
  });
});

describe('decoder tables against the MIB files', () => {
  const r = MibResolver.fromFiles(FILES.map((f) => resolve(MIB_DIR, f)));

  it('knows RFC 1628 upsTrapOnBattery as 1.3.6.1.2.1.33.2.1', () => {
    expect(r.oid('upsTrapOnBattery', 'UPS-MIB')).toBe('1.3.6.1.2.1.33.2.1');
  });

  const rows = DECODER_TABLES.flat();
  it.each(rows.map((d) => [d.name, d.mib, d.oid]))('%s (%s) is %s', (name, mib, oid) => {
    expect(r.oid(name, mib)).toBe(oid);
  });

  it('every varbind object a row reads has the OID its MIB gives', () => {
    const reads = rows.flatMap((d) => d.reads ?? []);
    expect(reads.length).toBeGreaterThan(20);
    for (const v of reads)
      expect(`${v.mib}:${v.name}=${r.oid(v.name, v.mib)}`).toBe(`${v.mib}:${v.name}=${v.oid}`);
  });

  it('every named constant has the OID its MIB gives', () => {
    const consts: [string, Record<string, string>][] = [
      ['UPS-MIB', UPS_MIB],
      ['PowerNet-MIB', POWERNET_MIB],
      ['XUPS-MIB', XUPS_MIB],
      ['VMWARE-VC-EVENT-MIB', VMWARE_VC_EVENT_MIB],
    ];
    for (const [mib, table] of consts)
      for (const [name, oid] of Object.entries(table))
        expect(`${name}=${r.oid(name, mib)}`).toBe(`${name}=${oid}`);
  });

  it('well-known alarm tables name the right OIDs', () => {
    for (const [arc, a] of Object.entries(UPS_WELL_KNOWN_ALARMS))
      expect(r.oid(a.name, 'UPS-MIB')).toBe(`${UPS_MIB.upsWellKnownAlarms}.${arc}`);
    for (const [arc, a] of Object.entries(XUPS_WELL_KNOWN_ALARMS))
      expect(r.oid(a.name, 'XUPS-MIB')).toBe(`${XUPS_MIB.xupsAlarm}.${arc}`);
  });
});

describe('decoder table integrity', () => {
  it('no two rows answer to the same OID, variants included', () => {
    expect(() => new TrapDecoder()).not.toThrow();
    const seen = new Map<string, string>();
    for (const d of DECODER_TABLES.flat())
      for (const v of oidVariants(d.oid)) {
        expect(seen.get(v) ?? d.name).toBe(d.name);
        seen.set(v, d.name);
      }
  });

  it('covers the notifications the issue names', () => {
    const names = new Set(DECODER_TABLES.flat().map((d) => d.name));
    for (const n of [
      'upsTrapOnBattery',
      'upsTrapTestCompleted',
      'upsTrapAlarmEntryAdded',
      'upsTrapAlarmEntryRemoved',
      'upsOnBattery',
      'lowBattery',
      'powerRestored',
      'returnFromLowBattery',
      'upsDischarged',
      'communicationLost',
      'upsOverload',
      'rPDUNearOverload',
      'rPDUOverload',
      'rPDUOverloadCleared',
      'rPDUBankPhaseOverload',
      'rPDUOutletOverload',
      'xupstdOnBattery',
      'xupstdLowBattery',
      'xupstdUtilityPowerRestored',
      'xupstdReturnFromLowBattery',
      'xupstdAlarmEntryAdded',
      'xupstdAlarmEntryRemoved',
      'vpxdAlarmInfo',
      'vpxdAlarm',
    ])
      expect(names.has(n), n).toBe(true);
  });
});
