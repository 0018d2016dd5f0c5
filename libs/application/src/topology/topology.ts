import { arr, num, obj, opt, req, str, validate, ValidationError, type ValidationIssue } from '@app/domain';

/** The power topology as an operator edits it: UPSes, PDUs, and which host hangs on which PDUs. */
export interface TopologyDocument {
  ups: {
    id: string;
    capacityW: number;
    name?: string;
    address?: string;
    sysName?: string;
    serial?: string;
  }[];
  pdus: { id: string; ups: string; capacityW: number; address?: string; sysName?: string; serial?: string }[];
  /** Host feeds; power figures (watts idle and at full CPU) are optional and kept on the host row. */
  feeds: { host: string; pdus: string[]; powerIdleW?: number; powerPeakW?: number }[];
}

const device = {
  id: req(str('an id')),
  capacityW: req(num({ min: 0, what: 'watts' })),
  name: opt(str('a name')),
  address: opt(str('the SNMP agent address (IPv4/IPv6) the device sends traps from')),
  sysName: opt(str('the sysName the device reports')),
  serial: opt(str('a serial number')),
};

const shape = obj({
  ups: req(arr(obj(device))),
  pdus: req(arr(obj({ ...device, ups: req(str('the id of a UPS in $.ups')) }))),
  feeds: req(
    arr(
      obj({
        host: req(str('a host id')),
        pdus: req(arr(str('the id of a PDU in $.pdus'))),
        powerIdleW: opt(num({ min: 0, what: 'watts' })),
        powerPeakW: opt(num({ min: 0, what: 'watts' })),
      }),
    ),
  ),
});

/** Validates shape and references; a host may have one or two feeds (dual power supplies), never zero. */
export function parseTopology(input: unknown): TopologyDocument {
  const issues: ValidationIssue[] = validate(shape, input);
  if (issues.length === 0) {
    const t = input as TopologyDocument;
    const ups = new Set(t.ups.map((u) => u.id));
    const pdus = new Set(t.pdus.map((p) => p.id));
    t.pdus.forEach((p, i) => {
      if (!ups.has(p.ups))
        issues.push({
          path: `$.pdus[${i}].ups`,
          expected: 'the id of a UPS in $.ups',
          found: JSON.stringify(p.ups),
        });
    });
    t.feeds.forEach((f, i) => {
      if (f.pdus.length === 0)
        issues.push({ path: `$.feeds[${i}].pdus`, expected: 'at least one PDU', found: 'an empty array' });
      f.pdus.forEach((p, j) => {
        if (!pdus.has(p))
          issues.push({
            path: `$.feeds[${i}].pdus[${j}]`,
            expected: 'the id of a PDU in $.pdus',
            found: JSON.stringify(p),
          });
      });
    });
    for (const [list, path] of [
      [t.ups, '$.ups'],
      [t.pdus, '$.pdus'],
    ] as const) {
      const seen = new Set<string>();
      list.forEach((d, i) => {
        if (seen.has(d.id))
          issues.push({ path: `${path}[${i}].id`, expected: 'a unique id', found: JSON.stringify(d.id) });
        seen.add(d.id);
      });
    }
  }
  if (issues.length > 0) throw new ValidationError('topology', issues);
  return input as TopologyDocument;
}
