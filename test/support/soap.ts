/**
 * A deliberately small raw vim25 SOAP helper for the vcsim tests (not the product client:
 * that is libs/vsphere). Envelopes are built by hand, responses parsed with fast-xml-parser.
 */
import { XMLParser } from 'fast-xml-parser';

export interface MoRef {
  type: string;
  value: string;
}

export interface SoapResult {
  status: number;
  text: string;
  /** The parsed child of <Body>: either {<Method>Response: ...} or {Fault: ...}. */
  body: Record<string, any>;
  /** The parsed <returnval> (undefined for faults and void methods). */
  returnval: any;
  /** xsi:type of the fault detail, e.g. "InvalidLogin", when the call failed. */
  fault?: string;
  faultString?: string;
  setCookie?: string;
}

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
});

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function moref(ref: MoRef, tag = '_this'): string {
  return `<${tag} type="${escapeXml(ref.type)}">${escapeXml(ref.value)}</${tag}>`;
}

/** Reads {type, value} from a parsed ManagedObjectReference element. */
export function asRef(node: any): MoRef {
  return { type: node['@_type'], value: node['#text'] };
}

export class SoapSession {
  cookie?: string;

  constructor(
    readonly sdkUrl: string,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  /** Calls `method` on `self` with the raw XML `inner` parameters (after _this). */
  async call(method: string, self: MoRef, inner = ''): Promise<SoapResult> {
    const envelope =
      '<?xml version="1.0" encoding="UTF-8"?>' +
      '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" ' +
      'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">' +
      `<soapenv:Body><${method} xmlns="urn:vim25">${moref(self)}${inner}</${method}></soapenv:Body></soapenv:Envelope>`;
    const headers: Record<string, string> = {
      'Content-Type': 'text/xml; charset=utf-8',
      SOAPAction: 'urn:vim25/8.0',
    };
    if (this.cookie) headers.Cookie = this.cookie;
    const res = await this.fetchImpl(this.sdkUrl, { method: 'POST', headers, body: envelope });
    const text = await res.text();
    const setCookie = res.headers.get('set-cookie') ?? undefined;
    if (setCookie) this.cookie = setCookie.split(';')[0];
    return parseSoap(res.status, text, setCookie);
  }

  async serviceContent(): Promise<any> {
    const r = await this.call('RetrieveServiceContent', {
      type: 'ServiceInstance',
      value: 'ServiceInstance',
    });
    if (r.fault) throw new Error(`RetrieveServiceContent: ${r.fault}`);
    return r.returnval;
  }

  async login(sessionManager: MoRef, username: string, password: string): Promise<SoapResult> {
    return this.call(
      'Login',
      sessionManager,
      `<userName>${escapeXml(username)}</userName><password>${escapeXml(password)}</password>`,
    );
  }

  /** RetrieveProperties of `paths` on one object; returns {path: parsed value}. */
  async props(
    obj: MoRef,
    paths: string[],
    collector: MoRef = { type: 'PropertyCollector', value: 'propertyCollector' },
  ) {
    const r = await this.call(
      'RetrievePropertiesEx',
      collector,
      `<specSet><propSet><type>${obj.type}</type>${paths.map((p) => `<pathSet>${p}</pathSet>`).join('')}</propSet>` +
        `<objectSet>${moref(obj, 'obj')}</objectSet></specSet><options/>`,
    );
    if (r.fault) throw new Error(`RetrievePropertiesEx ${obj.value}: ${r.fault} ${r.faultString}`);
    const out: Record<string, any> = {};
    const objects = toArray(r.returnval?.objects);
    for (const o of objects) for (const p of toArray(o.propSet)) out[p.name] = p.val;
    return out;
  }

  /** Polls a Task's info until success or error. */
  async waitTask(task: MoRef, timeoutMs = 20_000): Promise<any> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { info } = await this.props(task, ['info']);
      if (info.state === 'success' || info.state === 'error') return info;
      if (Date.now() > deadline) throw new Error(`task ${task.value} still ${info.state}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}

export function toArray<T>(v: T | T[] | undefined): T[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

/** Unwraps xsi-typed leaves (strings, enums, numbers) into their text; keeps MoRefs ({'#text', '@_type'}). */
function simplify(node: any): any {
  if (Array.isArray(node)) return node.map(simplify);
  if (node === null || typeof node !== 'object') return node;
  const keys = Object.keys(node);
  if (keys.includes('@_xsitype') && keys.every((k) => k === '#text' || k === '@_xsitype'))
    return node['#text'] ?? '';
  const out: Record<string, any> = {};
  for (const k of keys) out[k] = simplify(node[k]);
  // Expose xsi:type as @_type too (fault details, typed values), unless it is a MoRef's own type.
  if (out['@_xsitype'] !== undefined && out['@_type'] === undefined) out['@_type'] = out['@_xsitype'];
  return out;
}

export function parseSoap(status: number, text: string, setCookie?: string): SoapResult {
  // xsi:type and a MoRef's type attribute would both become @_type once prefixes are removed.
  // (vcsim binds the XSI namespace to the prefix "XMLSchema-instance" on property values.)
  const xml = text
    .replace(/\sxmlns:XMLSchema-instance="[^"]*"/g, '')
    .replace(/\s(?:xsi|XMLSchema-instance):type="/g, ' xsitype="');
  const doc = simplify(parser.parse(xml));
  const body = doc?.Envelope?.Body ?? {};
  const result: SoapResult = { status, text, body, returnval: undefined, setCookie };
  if (body.Fault) {
    const detail = body.Fault.detail ?? {};
    const first = Object.keys(detail).find((k) => !k.startsWith('@_'));
    const node = first ? detail[first] : undefined;
    result.fault = node?.['@_type'] ?? first?.replace(/Fault$/, '');
    result.faultString = body.Fault.faultstring;
    return result;
  }
  const key = Object.keys(body).find((k) => k.endsWith('Response'));
  if (key) result.returnval = body[key]?.returnval;
  return result;
}

/** Starts a session: RetrieveServiceContent + Login. */
export async function vimLogin(
  sdkUrl: string,
  username: string,
  password: string,
): Promise<{ soap: SoapSession; content: any }> {
  const soap = new SoapSession(sdkUrl);
  const content = await soap.serviceContent();
  const login = await soap.login(asRef(content.sessionManager), username, password);
  if (login.fault) throw new Error(`Login: ${login.fault}`);
  return { soap, content };
}

/** All objects of `type` under the root folder with the given properties, via a ContainerView. */
export async function listObjects(
  soap: SoapSession,
  content: any,
  type: string,
  paths: string[],
): Promise<Array<{ ref: MoRef; props: Record<string, any> }>> {
  const view = await soap.call(
    'CreateContainerView',
    asRef(content.viewManager),
    `${moref(asRef(content.rootFolder), 'container')}<type>${type}</type><recursive>true</recursive>`,
  );
  if (view.fault) throw new Error(`CreateContainerView: ${view.fault}`);
  const viewRef = asRef(view.returnval);
  const r = await soap.call(
    'RetrievePropertiesEx',
    asRef(content.propertyCollector),
    `<specSet><propSet><type>${type}</type>${paths.map((p) => `<pathSet>${p}</pathSet>`).join('')}</propSet>` +
      `<objectSet>${moref(viewRef, 'obj')}<skip>true</skip><selectSet xsi:type="TraversalSpec"><name>view</name>` +
      `<type>ContainerView</type><path>view</path><skip>false</skip></selectSet></objectSet></specSet><options/>`,
  );
  if (r.fault) throw new Error(`RetrievePropertiesEx: ${r.fault}`);
  await soap.call('DestroyView', viewRef);
  return toArray(r.returnval?.objects).map((o: any) => {
    const props: Record<string, any> = {};
    for (const p of toArray<any>(o.propSet)) props[p.name] = p.val;
    return { ref: asRef(o.obj), props };
  });
}

/** The text of a parsed leaf (fast-xml-parser gives strings, or {#text, @_type} when attributes exist). */
export function text(node: any): string {
  return typeof node === 'object' && node !== null ? node['#text'] : node;
}

/** MoRef values of an ArrayOfManagedObjectReference property value. */
export function refValues(val: any): string[] {
  return toArray(val?.ManagedObjectReference).map((n: any) => text(n));
}
