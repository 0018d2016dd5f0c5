import { readFileSync } from 'node:fs';

/**
 * A small SMI reader that resolves object names to numeric OIDs from MIB source files. It is used by the
 * tests (to prove the decoder tables carry the OIDs the MIB files define) and by `docs/snmp.md`; the
 * receiver itself never parses MIBs at run time.
 *
 * It understands `name OBJECT IDENTIFIER ::= { parent n }`, the `::= { parent n }` of OBJECT-TYPE,
 * NOTIFICATION-TYPE, MODULE-IDENTITY, OBJECT-IDENTITY and groups, and SMIv1 `TRAP-TYPE ENTERPRISE e ... ::= n`
 * (translated to the SMIv2 notification OID `e.0.n`, RFC 3584 section 3.1).
 */

/** Roots the MIB files import from modules we do not ship (SNMPv2-SMI, EATON-OIDS, VMWARE-PRODUCTS-MIB). */
export const WELL_KNOWN_ROOTS: Readonly<Record<string, string>> = {
  iso: '1',
  org: '1.3',
  dod: '1.3.6',
  internet: '1.3.6.1',
  mgmt: '1.3.6.1.2',
  'mib-2': '1.3.6.1.2.1',
  system: '1.3.6.1.2.1.1',
  sysName: '1.3.6.1.2.1.1.5',
  private: '1.3.6.1.4',
  enterprises: '1.3.6.1.4.1',
  // EATON-OIDS
  eaton: '1.3.6.1.4.1.534',
  xupsEnvironment: '1.3.6.1.4.1.534.1.6',
  // VMWARE-ROOT-MIB / VMWARE-PRODUCTS-MIB
  vmware: '1.3.6.1.4.1.6876',
  vmwProductSpecific: '1.3.6.1.4.1.6876.4',
  vmwVC: '1.3.6.1.4.1.6876.4.3',
};

const KEYWORDS = [
  'OBJECT IDENTIFIER',
  'OBJECT-TYPE',
  'NOTIFICATION-TYPE',
  'MODULE-IDENTITY',
  'OBJECT-IDENTITY',
  'OBJECT-GROUP',
  'NOTIFICATION-GROUP',
  'MODULE-COMPLIANCE',
  'TRAP-TYPE',
];

/** Removes ASN.1 comments (`--` to end of line or to the next `--`) and the contents of quoted strings. */
export function stripCommentsAndStrings(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"') {
      const end = text.indexOf('"', i + 1);
      out += '""';
      i = end === -1 ? text.length : end + 1;
    } else if (c === '-' && text[i + 1] === '-') {
      let j = i + 2;
      while (j < text.length && text[j] !== '\n' && !(text[j] === '-' && text[j + 1] === '-')) j++;
      i = text[j] === '\n' || j >= text.length ? j : j + 2;
      out += ' ';
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

interface RawDef {
  name: string;
  module: string;
  parent?: string;
  path?: (number | string)[];
  enterprise?: string;
  trapNumber?: number;
}

function parseDefs(text: string): RawDef[] {
  const clean = stripCommentsAndStrings(text);
  const module = /^\s*([A-Za-z][\w-]*)\s+DEFINITIONS\s*::=/m.exec(clean)?.[1] ?? '?';
  const kw = KEYWORDS.map((k) => k.replace(' ', '\\s+')).join('|');
  const head = new RegExp(`^[ \\t]*([a-z][A-Za-z0-9-]*)\\s+(${kw})\\b`, 'gm');
  const starts: { name: string; kind: string; at: number }[] = [];
  for (let m = head.exec(clean); m; m = head.exec(clean))
    starts.push({ name: m[1], kind: m[2].replace(/\s+/g, ' '), at: m.index });
  const defs: RawDef[] = [];
  starts.forEach((s, idx) => {
    const body = clean.slice(s.at, idx + 1 < starts.length ? starts[idx + 1].at : clean.length);
    if (s.kind === 'TRAP-TYPE') {
      const ent = /ENTERPRISE\s+([A-Za-z][\w-]*)/.exec(body);
      const num = /::=\s*(\d+)/.exec(body);
      if (ent && num) defs.push({ module, name: s.name, enterprise: ent[1], trapNumber: Number(num[1]) });
      return;
    }
    const assign = /::=\s*\{([^}]*)\}/.exec(body);
    if (!assign) return;
    const parts = assign[1].trim().split(/\s+/);
    const path = parts.map((p) => {
      const named = /^[A-Za-z][\w-]*\((\d+)\)$/.exec(p);
      if (named) return Number(named[1]);
      return /^\d+$/.test(p) ? Number(p) : p;
    });
    defs.push({ module, name: s.name, parent: typeof path[0] === 'string' ? path[0] : undefined, path });
  });
  return defs;
}

export class MibResolver {
  /** Definitions by module, then by name: PowerNet-MIB and UPS-MIB both define `upsBattery`, for one. */
  private readonly modules = new Map<string, Map<string, RawDef>>();
  private readonly cache = new Map<string, string>();

  constructor(texts: string[]) {
    for (const t of texts)
      for (const d of parseDefs(t)) {
        const m = this.modules.get(d.module) ?? new Map<string, RawDef>();
        if (!m.has(d.name)) m.set(d.name, d);
        this.modules.set(d.module, m);
      }
  }

  static fromFiles(paths: string[]): MibResolver {
    return new MibResolver(paths.map((p) => readFileSync(p, 'utf8')));
  }

  moduleNames(): string[] {
    return [...this.modules.keys()];
  }

  private find(name: string, module?: string): RawDef | undefined {
    if (module) return this.modules.get(module)?.get(name);
    for (const m of this.modules.values()) if (m.has(name)) return m.get(name);
    return undefined;
  }

  /**
   * Numeric OID of `name` as `module` defines it (any module when omitted); a definition's parent is looked
   * up in its own module first. Throws naming the missing link when it cannot be resolved.
   */
  oid(name: string, module?: string, seen: string[] = []): string {
    const def = this.find(name, module) ?? (module ? this.find(name) : undefined);
    const root = WELL_KNOWN_ROOTS[name];
    if (!def && root) return root;
    if (!def) throw new Error(`MIB object ${name} is not defined in ${module ?? 'the loaded MIB files'}`);
    const key = `${def.module}::${name}`;
    const cached = this.cache.get(key);
    if (cached) return cached;
    if (seen.includes(key)) throw new Error(`OID cycle: ${[...seen, key].join(' -> ')}`);
    const next = [...seen, key];
    const ref = (n: string) => this.oid(n, def.module, next);
    let result: string;
    if (def.enterprise !== undefined) {
      result = `${ref(def.enterprise)}.0.${def.trapNumber}`;
    } else {
      const [first, ...rest] = def.path!;
      const base = typeof first === 'number' ? String(first) : ref(first);
      result = [base, ...rest.map((r) => (typeof r === 'number' ? String(r) : ref(r)))].join('.');
    }
    this.cache.set(key, result);
    return result;
  }
}
