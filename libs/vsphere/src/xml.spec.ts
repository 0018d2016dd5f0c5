import { describe, expect, it } from 'vitest';
import { decodeValue, parseXml } from './xml';
import { makeFault, MigrationFault, InvalidStateFault, NotAuthenticatedFault, VimFault } from './errors';
import { normaliseThumbprint } from './transport';

const wrap = (decl: string, val: string) =>
  `<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" ${decl}><soapenv:Body><R xmlns="urn:vim25">${val}</R></soapenv:Body></soapenv:Envelope>`;

function valueOf(xml: string): unknown {
  const env = parseXml(xml);
  return decodeValue(env.children[0].children[0].children[0]);
}

describe('namespace-aware decoding', () => {
  const vcsim = (v: string, t: string) =>
    wrap(
      'xmlns:xsd="http://www.w3.org/2001/XMLSchema"',
      `<val xmlns:XMLSchema-instance="http://www.w3.org/2001/XMLSchema-instance" XMLSchema-instance:type="${t}">${v}</val>`,
    );
  const vc = (v: string, t: string) =>
    wrap(
      'xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"',
      `<val xsi:type="${t}">${v}</val>`,
    );

  it.each([
    ['vcsim (XMLSchema-instance:type)', vcsim],
    ['vCenter (xsi:type)', vc],
  ])('%s: primitives, arrays and MoRefs', (_n, f) => {
    expect(valueOf(f('42', 'xsd:int'))).toBe(42);
    expect(valueOf(f('true', 'xsd:boolean'))).toBe(true);
    expect(valueOf(f('a &amp; b', 'xsd:string'))).toBe('a & b');
    expect(
      valueOf(
        f(
          '<ManagedObjectReference type="Datastore">ds-1</ManagedObjectReference><ManagedObjectReference type="Datastore">ds-2</ManagedObjectReference>',
          'ArrayOfManagedObjectReference',
        ),
      ),
    ).toEqual([
      { type: 'Datastore', value: 'ds-1' },
      { type: 'Datastore', value: 'ds-2' },
    ]);
    expect(
      valueOf(f('<status>accepted</status><time>2026-01-01T00:00:00Z</time>', 'HostTpmAttestationInfo')),
    ).toEqual({
      _type: 'HostTpmAttestationInfo',
      status: 'accepted',
      time: '2026-01-01T00:00:00Z',
    });
  });

  it('resolves an unusual prefix through its namespace, and ignores a look-alike in another namespace', () => {
    const odd = wrap(
      'xmlns:q="http://www.w3.org/2001/XMLSchema"',
      '<val xmlns:zz="http://www.w3.org/2001/XMLSchema-instance" zz:type="q:long">7</val>',
    );
    expect(valueOf(odd)).toBe(7);
    const fake = wrap('', '<val xmlns:xsi="urn:not-xsi" xsi:type="xsd:int">7</val>');
    expect(valueOf(fake)).toBe('7'); // not typed: the prefix is bound to another namespace
  });

  it('a type attribute without namespace stays a MoRef type, even next to xsi:type', () => {
    const x = wrap(
      'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"',
      '<val xsi:type="ManagedObjectReference" type="HostSystem">host-9</val>',
    );
    expect(valueOf(x)).toEqual({ type: 'HostSystem', value: 'host-9' });
  });
});

describe('faults', () => {
  it('maps subtypes to their family and names the vCenter', () => {
    const f = makeFault('vc.example:443', 'VMotionInterfaceIssue', 'no vmknic', undefined, 'RelocateVM_Task');
    expect(f).toBeInstanceOf(MigrationFault);
    expect(f.message).toBe('vCenter vc.example:443: RelocateVM_Task: VMotionInterfaceIssue: no vmknic');
    expect(makeFault('v', 'InvalidPowerState', '', undefined)).toBeInstanceOf(InvalidStateFault);
    expect(makeFault('v', 'NotAuthenticated', '', undefined)).toBeInstanceOf(NotAuthenticatedFault);
    const g = makeFault('v', 'SomethingNew', 'x', undefined);
    expect(g).toBeInstanceOf(VimFault);
    expect(g).not.toBeInstanceOf(MigrationFault);
  });
});

describe('thumbprints', () => {
  it('accepts SHA-256 and SHA-1 in any case with colons, rejects others', () => {
    expect(normaliseThumbprint('AA:'.repeat(31) + 'AA')).toEqual({
      algorithm: 'sha256',
      hex: 'aa'.repeat(32),
    });
    expect(normaliseThumbprint('0b'.repeat(20)).algorithm).toBe('sha1');
    expect(() => normaliseThumbprint('abc')).toThrow(/SHA-256/);
    expect(() => normaliseThumbprint('zz'.repeat(20))).toThrow(/hex/);
  });
});
