import { XMLParser } from 'fast-xml-parser';

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

type Ordered = Record<string, unknown>;

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: true,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

/** Parses a document into namespace-resolved nodes; returns the root element. */
export function parseXml(xml: string): XNode {
  const ordered = parser.parse(xml) as Ordered[];
  const root = convertList(ordered, new Map([['xml', 'http://www.w3.org/XML/1998/namespace']]))[0];
  if (!root) throw new Error('empty XML document');
  return root;
}

function splitQName(q: string): [string | undefined, string] {
  const i = q.indexOf(':');
  return i < 0 ? [undefined, q] : [q.slice(0, i), q.slice(i + 1)];
}

function convertList(items: Ordered[], scope: Map<string, string>): XNode[] {
  const out: XNode[] = [];
  for (const item of items) {
    const n = convertElement(item, scope);
    if (n) out.push(n);
  }
  return out;
}

function convertElement(item: Ordered, parentScope: Map<string, string>): XNode | undefined {
  let tag: string | undefined;
  for (const k of Object.keys(item)) {
    if (k !== ':@' && k !== '#text') {
      tag = k;
      break;
    }
  }
  if (tag === undefined) return undefined;
  const rawAttrs = (item[':@'] as Record<string, string> | undefined) ?? {};
  let scope = parentScope;
  for (const [k, v] of Object.entries(rawAttrs)) {
    if (k === 'xmlns' || k.startsWith('xmlns:')) {
      if (scope === parentScope) scope = new Map(parentScope);
      scope.set(k === 'xmlns' ? '' : k.slice(6), v);
    }
  }
  const [prefix, local] = splitQName(tag);
  const node: XNode = { ns: scope.get(prefix ?? '') ?? '', name: local, attrs: {}, children: [], text: '' };
  for (const [k, v] of Object.entries(rawAttrs)) {
    if (k === 'xmlns' || k.startsWith('xmlns:')) continue;
    const [ap, al] = splitQName(k);
    if (ap === undefined) {
      node.attrs[al] = v;
      continue;
    }
    const ans = scope.get(ap);
    if (ans === NS.xsi && al === 'type') {
      const [vp, vl] = splitQName(v);
      node.xsiType = { ns: scope.get(vp ?? '') ?? '', name: vl };
    }
  }
  const kids = item[tag] as Ordered[] | undefined;
  let text = '';
  if (kids) {
    for (const k of kids) {
      if ('#text' in k) text += String(k['#text']);
      else {
        const c = convertElement(k, scope);
        if (c) node.children.push(c);
      }
    }
  }
  node.text = text;
  return node;
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
