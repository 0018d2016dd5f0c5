export const NS = {
  soapenv: 'http://schemas.xmlsoap.org/soap/envelope/',
  xsi: 'http://www.w3.org/2001/XMLSchema-instance',
  xsd: 'http://www.w3.org/2001/XMLSchema',
  vim25: 'urn:vim25',
} as const;

/** A namespace-resolved XML element: names are local names plus the namespace URI they resolve to. */
export interface XNode {
  ns: string;
  name: string;
  /** Attributes without a namespace prefix, by local name (e.g. a ManagedObjectReference's `type`). */
  attrs: Record<string, string>;
  /** xsi:type resolved through the in-scope prefixes, whatever prefix the server picked (xsi, XMLSchema-instance, ...). */
  xsiType?: { ns: string; name: string };
  children: XNode[];
  text: string;
}

const XML_NS = 'http://www.w3.org/XML/1998/namespace';
/** In-scope namespace bindings as a chain (cheap to extend: vcsim declares a prefix on every <val>). */
interface Scope {
  prefix: string;
  uri: string;
  up: Scope | undefined;
}
const ROOT_SCOPE: Scope = { prefix: 'xml', uri: XML_NS, up: undefined };

function lookup(scope: Scope | undefined, prefix: string): string | undefined {
  for (let s = scope; s; s = s.up) if (s.prefix === prefix) return s.uri;
  return undefined;
}

/**
 * Parses a document into namespace-resolved nodes; returns the root element.
 *
 * A single-pass scanner written for SOAP responses (a 2,560-VM RetrievePropertiesEx answer is ~3.6 MB): it builds
 * XNodes directly instead of going through a generic parser's intermediate tree (which took 3/4 of a full inventory
 * read). It handles elements, attributes (either quote), namespace declarations, the five predefined entities and
 * numeric character references, CDATA, comments and processing instructions. A DOCTYPE is refused (no DTDs, so no
 * entity expansion). Malformed input (unclosed or mismatched tags, a bad attribute) throws.
 */
export function parseXml(xml: string): XNode {
  const len = xml.length;
  const stack: XNode[] = [];
  const tags: string[] = [];
  const scopes: Scope[] = [];
  let scope = ROOT_SCOPE;
  let root: XNode | undefined;
  let i = 0;
  while (i < len) {
    const lt = xml.indexOf('<', i);
    if (lt < 0) break;
    if (lt > i && stack.length > 0) {
      const raw = xml.slice(i, lt);
      stack[stack.length - 1].text += raw.indexOf('&') < 0 ? raw : decodeEntities(raw);
    }
    const c = xml.charCodeAt(lt + 1);
    if (c === 47 /* / */) {
      const gt = xml.indexOf('>', lt + 2);
      if (gt < 0) throw new Error('unterminated end tag');
      const name = xml.slice(lt + 2, gt).trimEnd();
      const open = tags.pop();
      if (open !== name) throw new Error(`mismatched end tag </${name}>`);
      stack.pop();
      scope = scopes.pop()!;
      i = gt + 1;
      continue;
    }
    if (c === 63 /* ? */) {
      const end = xml.indexOf('?>', lt + 2);
      if (end < 0) throw new Error('unterminated processing instruction');
      i = end + 2;
      continue;
    }
    if (c === 33 /* ! */) {
      if (xml.startsWith('<!--', lt)) {
        const end = xml.indexOf('-->', lt + 4);
        if (end < 0) throw new Error('unterminated comment');
        i = end + 3;
        continue;
      }
      if (xml.startsWith('<![CDATA[', lt)) {
        const end = xml.indexOf(']]>', lt + 9);
        if (end < 0) throw new Error('unterminated CDATA section');
        if (stack.length > 0) stack[stack.length - 1].text += xml.slice(lt + 9, end);
        i = end + 3;
        continue;
      }
      throw new Error('DOCTYPE and other declarations are not accepted');
    }
    // a start tag
    let j = lt + 1;
    while (j < len) {
      const d = xml.charCodeAt(j);
      if (d === 62 || d === 47 || d === 32 || d === 9 || d === 10 || d === 13) break;
      j++;
    }
    const tag = xml.slice(lt + 1, j);
    if (tag === '') throw new Error('empty tag name');
    let rawAttrs: [string, string][] | undefined;
    let selfClosing = false;
    for (;;) {
      while (j < len) {
        const d = xml.charCodeAt(j);
        if (d !== 32 && d !== 9 && d !== 10 && d !== 13) break;
        j++;
      }
      if (j >= len) throw new Error(`unterminated start tag <${tag}`);
      const d = xml.charCodeAt(j);
      if (d === 62) {
        j++;
        break;
      }
      if (d === 47) {
        if (xml.charCodeAt(j + 1) !== 62) throw new Error(`bad start tag <${tag}`);
        selfClosing = true;
        j += 2;
        break;
      }
      const eq = xml.indexOf('=', j);
      if (eq < 0) throw new Error(`bad attribute in <${tag}`);
      const an = xml.slice(j, eq).trim();
      if (an === '' || /[\s<>/]/.test(an)) throw new Error(`bad attribute in <${tag}`);
      let q = eq + 1;
      while (q < len && xml.charCodeAt(q) !== 34 && xml.charCodeAt(q) !== 39) {
        const w = xml.charCodeAt(q);
        if (w !== 32 && w !== 9 && w !== 10 && w !== 13)
          throw new Error(`unquoted attribute ${an} in <${tag}`);
        q++;
      }
      if (q >= len) throw new Error(`unterminated attribute ${an} in <${tag}`);
      const qe = xml.indexOf(xml[q], q + 1);
      if (qe < 0) throw new Error(`unterminated attribute ${an} in <${tag}`);
      const av = xml.slice(q + 1, qe);
      (rawAttrs ??= []).push([an, av.indexOf('&') < 0 ? av : decodeEntities(av)]);
      j = qe + 1;
    }
    const parentScope = scope;
    let s = scope;
    if (rawAttrs) {
      for (const [k, v] of rawAttrs) {
        if (k === 'xmlns' || k.startsWith('xmlns:'))
          s = { prefix: k === 'xmlns' ? '' : k.slice(6), uri: v, up: s };
      }
    }
    const colon = tag.indexOf(':');
    const node: XNode = {
      ns: lookup(s, colon < 0 ? '' : tag.slice(0, colon)) ?? '',
      name: colon < 0 ? tag : tag.slice(colon + 1),
      attrs: {},
      children: [],
      text: '',
    };
    if (rawAttrs) {
      for (const [k, v] of rawAttrs) {
        if (k === 'xmlns' || k.startsWith('xmlns:')) continue;
        const ac = k.indexOf(':');
        if (ac < 0) {
          node.attrs[k] = v;
          continue;
        }
        if (k.slice(ac + 1) === 'type' && lookup(s, k.slice(0, ac)) === NS.xsi) {
          const vc = v.indexOf(':');
          node.xsiType = {
            ns: lookup(s, vc < 0 ? '' : v.slice(0, vc)) ?? '',
            name: vc < 0 ? v : v.slice(vc + 1),
          };
        }
      }
    }
    if (stack.length > 0) stack[stack.length - 1].children.push(node);
    else if (!root) root = node;
    else throw new Error('more than one root element');
    if (!selfClosing) {
      stack.push(node);
      tags.push(tag);
      scopes.push(parentScope);
      scope = s;
    }
    i = j;
  }
  if (stack.length > 0) throw new Error(`unclosed element <${tags[tags.length - 1]}>`);
  if (!root) throw new Error('empty XML document');
  return root;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (m, e: string) => {
    if (e.charCodeAt(0) === 35) {
      const cp = e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
    }
    return ENTITIES[e] ?? m;
  });
}

// ---- reading helpers ----

export function child(node: XNode | undefined, name: string): XNode | undefined {
  return node?.children.find((c) => c.name === name);
}

export function children(node: XNode | undefined, name: string): XNode[] {
  return node ? node.children.filter((c) => c.name === name) : [];
}

export function childText(node: XNode | undefined, name: string): string | undefined {
  const c = child(node, name);
  return c ? c.text : undefined;
}

export interface MoRef {
  type: string;
  value: string;
}

export function moRef(node: XNode): MoRef {
  return { type: node.attrs.type ?? '', value: node.text.trim() };
}

const NUMERIC = new Set(['int', 'long', 'short', 'byte', 'float', 'double', 'decimal', 'integer']);

/** A decoded vim25 data object: its fields plus `_type` when the server named the type. */
export interface DataObject {
  _type?: string;
  [field: string]: unknown;
}

/**
 * Decodes a typed value (a property value, a fault detail, an event) without a schema: xsi:type drives arrays and
 * primitives, an element with an unqualified `type` attribute and text is a ManagedObjectReference, repeated children
 * become arrays. Untyped leaves stay strings; typed readers convert them with num()/bool().
 */
export function decodeValue(node: XNode): unknown {
  const type = node.xsiType?.name;
  if (type?.startsWith('ArrayOf')) {
    const item = type.slice('ArrayOf'.length);
    return node.children.map((c) => decodeTyped(c, c.xsiType?.name ?? item));
  }
  return decodeTyped(node, type);
}

function decodeTyped(node: XNode, type: string | undefined): unknown {
  if (type === 'ManagedObjectReference') return moRef(node);
  if (type !== undefined && node.xsiType?.ns === NS.xsd) {
    if (NUMERIC.has(type)) return Number(node.text);
    if (type === 'boolean') return node.text === 'true' || node.text === '1';
    return node.text;
  }
  if (type?.startsWith('ArrayOf')) return decodeValue(node);
  if (node.children.length === 0) {
    if (type === undefined && node.attrs.type !== undefined) return moRef(node);
    if (type === undefined || type === 'string') return node.text;
    if (node.text !== '') return node.text; // an enum value typed by its enum name
    return { _type: type } satisfies DataObject;
  }
  const obj: DataObject = {};
  if (type) obj._type = type;
  for (const c of node.children) {
    const v = decodeValue(c);
    const prev = obj[c.name];
    if (prev === undefined) obj[c.name] = v;
    else if (Array.isArray(prev) && (prev as unknown[] & { _rep?: true })._rep) (prev as unknown[]).push(v);
    else {
      const arr = [prev, v] as unknown[] & { _rep?: true };
      Object.defineProperty(arr, '_rep', { value: true, enumerable: false });
      obj[c.name] = arr;
    }
  }
  return obj;
}

export function asArray<T>(v: T | T[] | undefined | null): T[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

export function num(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

export function bool(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === '1') return true;
  if (v === 'false' || v === '0') return false;
  return undefined;
}

export function isMoRef(v: unknown): v is MoRef {
  return typeof v === 'object' && v !== null && 'type' in v && 'value' in v && Object.keys(v).length === 2;
}

// ---- writing helpers ----

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

export function esc(s: string | number | boolean): string {
  return String(s).replace(/[&<>"']/g, (c) => ESC[c]);
}

/** One element in the vim25 default namespace; `content` is already-serialised XML (use esc() for text). */
export function el(
  name: string,
  content: string | number | boolean | undefined | null,
  xsiType?: string,
): string {
  if (content === undefined || content === null) return '';
  const t = xsiType ? ` xsi:type="${esc(xsiType)}"` : '';
  const body = typeof content === 'string' ? content : esc(content);
  return `<${name}${t}>${body}</${name}>`;
}

export function textEl(
  name: string,
  value: string | number | boolean | undefined | null,
  xsiType?: string,
): string {
  if (value === undefined || value === null) return '';
  return el(name, esc(value), xsiType);
}

export function refEl(name: string, ref: MoRef): string {
  return `<${name} type="${esc(ref.type)}">${esc(ref.value)}</${name}>`;
}

export function envelope(body: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    `<soapenv:Envelope xmlns:soapenv="${NS.soapenv}" xmlns:xsd="${NS.xsd}" xmlns:xsi="${NS.xsi}">` +
    `<soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`
  );
}

/** A decoded leaf as a string; objects (unexpected shapes) give the fallback instead of "[object Object]". */
export function str(v: unknown, fallback = ''): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return fallback;
}
