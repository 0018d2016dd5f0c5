import type { VimClient } from './client';
import { VsphereError } from './errors';
import { el, textEl, type DataObject, str } from './xml';

export interface ExtensionSpec {
  key: string;
  version: string;
  company?: string;
  label: string;
  summary: string;
  /** For a remote plugin: the manifest URL and the server's thumbprint. */
  server?: {
    url: string;
    type: string;
    company?: string;
    adminEmail: string;
    serverThumbprint?: string;
    label?: string;
    summary?: string;
  }[];
}

export interface ExtensionInfo {
  key: string;
  version: string;
  label: string;
  serverUrls: string[];
}

function manager(client: VimClient) {
  const m = client.serviceContent.extensionManager;
  if (!m) throw new VsphereError(client.vcenter, 'this endpoint has no ExtensionManager');
  return m;
}

function description(label: string, summary: string): string {
  return textEl('label', label) + textEl('summary', summary);
}

/** ExtensionManager.RegisterExtension (vim25 Extension is an xsd:sequence: order matters). */
export async function registerExtension(client: VimClient, spec: ExtensionSpec): Promise<void> {
  const servers = (spec.server ?? [])
    .map((s) =>
      el(
        'server',
        textEl('url', s.url) +
          el('description', description(s.label ?? spec.label, s.summary ?? spec.summary)) +
          textEl('company', s.company ?? spec.company ?? '') +
          textEl('type', s.type) +
          textEl('adminEmail', s.adminEmail) +
          textEl('serverThumbprint', s.serverThumbprint),
      ),
    )
    .join('');
  const ext =
    el('description', description(spec.label, spec.summary)) +
    textEl('key', spec.key) +
    textEl('company', spec.company) +
    textEl('version', spec.version) +
    servers +
    textEl('lastHeartbeatTime', new Date().toISOString());
  await client.call('RegisterExtension', manager(client), el('extension', ext));
}

export async function findExtension(client: VimClient, key: string): Promise<ExtensionInfo | undefined> {
  const v = (await client.callValue('FindExtension', manager(client), textEl('extensionKey', key))) as
    DataObject | undefined;
  if (!v || typeof v !== 'object') return undefined;
  const d = v.description as DataObject | undefined;
  const servers =
    v.server === undefined
      ? []
      : Array.isArray(v.server)
        ? (v.server as DataObject[])
        : [v.server as DataObject];
  return {
    key: String(v.key),
    version: str(v.version, ''),
    label: str(d?.label),
    serverUrls: servers.map((s) => String(s.url)),
  };
}

export async function unregisterExtension(client: VimClient, key: string): Promise<void> {
  await client.call('UnregisterExtension', manager(client), textEl('extensionKey', key));
}
