import { str } from './xml';
import {
  LAYER_TAG_CATEGORY,
  layerFromTagName,
  layerRank,
  SENSITIVITY_TAG_CATEGORY,
  SHUTDOWN_POLICIES,
  SHUTDOWN_TAG_CATEGORY,
  type Layer,
  type ShutdownPolicy,
} from '@app/domain';
import { request } from 'undici';
import type { VimClient } from './client';
import { VapiError, VsphereConnectionError } from './errors';

/** Which vAPI flavour the endpoint speaks: vCenter 7+ '/api', older vCenter and vcsim '/rest'. */
export type VapiFlavour = 'api' | 'rest';

interface Category {
  id: string;
  name: string;
  cardinality: string;
}
interface Tag {
  id: string;
  name: string;
  category_id: string;
}

export const LAYER_TAG_NAMES: Readonly<Record<Layer, string>> = {
  critical: 'Critical',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
};
export const SENSITIVE_TAG = 'Sensitive';
export const SHUTDOWN_TAG_NAMES: Readonly<Record<ShutdownPolicy, string>> = {
  guest: 'Guest',
  poweroff: 'PowerOff',
  never: 'Never',
};

export interface LayerReading {
  /** VM id -> layer, for VMs carrying a layer tag. */
  layers: Map<string, Layer>;
  /** VMs (of those asked about) without a layer tag: treated as Medium, shown as untagged. */
  untagged: string[];
  /** VMs with more than one layer tag: the most valuable wins. */
  conflicts: string[];
}

/**
 * vSphere tags through the vAPI REST endpoints, with the same TLS trust and credentials as the vim25 client.
 * Detects the flavour once: POST /api/session, falling back to /rest/com/vmware/cis/session on 404.
 */
export class TagService {
  private flavourValue: VapiFlavour | undefined;
  private session: string | undefined;
  private readonly origin: string;
  private readonly cache = new Map<string, { category: Category; tags: Map<string, Tag> }>();

  constructor(private readonly client: VimClient) {
    this.origin = new URL(client.sdkUrl).origin;
  }

  get flavour(): VapiFlavour | undefined {
    return this.flavourValue;
  }

  private path(rest: string, api: string): string {
    return this.flavourValue === 'api' ? `/api${api}` : `/rest${rest}`;
  }

  private async raw(
    method: string,
    path: string,
    body?: unknown,
    auth?: string,
  ): Promise<{ status: number; json: unknown }> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (auth) headers.authorization = auth;
    else if (this.session) headers['vmware-api-session-id'] = this.session;
    try {
      const res = await request(this.origin + path, {
        method: method as 'GET',
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        dispatcher: this.client.dispatcher,
      });
      const text = await res.body.text();
      let json: unknown;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        json = text;
      }
      return { status: res.statusCode, json };
    } catch (e) {
      throw new VsphereConnectionError(
        this.client.vcenter,
        'unreachable',
        `vAPI ${method} ${path}: ${(e as Error).message}`,
        { cause: e },
      );
    }
  }

  private async login(): Promise<void> {
    const auth = this.client.basicAuthorization();
    if (!auth)
      throw new VapiError(
        this.client.vcenter,
        401,
        'vAPI login needs the user name and password (a cloned session has none)',
      );
    if (this.flavourValue !== 'rest') {
      const r = await this.raw('POST', '/api/session', undefined, auth);
      if (r.status === 200 || r.status === 201) {
        this.flavourValue = 'api';
        this.session = String(r.json);
        return;
      }
      if (r.status !== 404)
        throw new VapiError(this.client.vcenter, r.status, `vAPI login failed: HTTP ${r.status}`);
    }
    const r = await this.raw('POST', '/rest/com/vmware/cis/session', undefined, auth);
    if (r.status !== 200)
      throw new VapiError(this.client.vcenter, r.status, `vAPI login failed: HTTP ${r.status}`);
    this.flavourValue = 'rest';
    this.session = String((r.json as { value: unknown }).value);
  }

  /** A vAPI call; unwraps /rest's {value}; logs in (again) on 401 once. */
  private async call<T>(method: string, rest: string, api: string, body?: unknown): Promise<T> {
    if (!this.session) await this.login();
    let r = await this.raw(method, this.path(rest, api), body);
    if (r.status === 401) {
      this.session = undefined;
      await this.login();
      r = await this.raw(method, this.path(rest, api), body);
    }
    if (r.status < 200 || r.status >= 300) {
      const detail =
        typeof r.json === 'object' && r.json ? JSON.stringify(r.json).slice(0, 300) : str(r.json, '');
      throw new VapiError(
        this.client.vcenter,
        r.status,
        `vAPI ${method} ${this.path(rest, api)}: HTTP ${r.status} ${detail}`,
      );
    }
    return (
      this.flavourValue === 'rest' && r.json && typeof r.json === 'object' && 'value' in r.json
        ? (r.json as { value: T }).value
        : r.json
    ) as T;
  }

  async listCategories(): Promise<Category[]> {
    const ids =
      (await this.call<string[] | null>(
        'GET',
        '/com/vmware/cis/tagging/category',
        '/cis/tagging/category',
      )) ?? [];
    return Promise.all(
      ids.map((id) =>
        this.call<Category>(
          'GET',
          `/com/vmware/cis/tagging/category/id:${encodeURIComponent(id)}`,
          `/cis/tagging/category/${encodeURIComponent(id)}`,
        ),
      ),
    );
  }

  async tagsInCategory(categoryId: string): Promise<Tag[]> {
    const ids =
      (await this.call<string[] | null>(
        'POST',
        `/com/vmware/cis/tagging/tag/id:${encodeURIComponent(categoryId)}?~action=list-tags-for-category`,
        '/cis/tagging/tag?action=list-tags-for-category',
        this.flavourValue === 'api' ? { category_id: categoryId } : undefined,
      )) ?? [];
    return Promise.all(
      ids.map((id) =>
        this.call<Tag>(
          'GET',
          `/com/vmware/cis/tagging/tag/id:${encodeURIComponent(id)}`,
          `/cis/tagging/tag/${encodeURIComponent(id)}`,
        ),
      ),
    );
  }

  /** Creates the category and any missing tags; idempotent. Returns tag name -> tag. */
  async ensureCategory(
    name: string,
    tagNames: string[],
    description: string,
    cardinality: 'SINGLE' | 'MULTIPLE' = 'SINGLE',
  ): Promise<Map<string, Tag>> {
    const cached = this.cache.get(name);
    if (cached && tagNames.every((t) => cached.tags.has(t.toLowerCase()))) return cached.tags;
    if (!this.session) await this.login();
    let category = (await this.listCategories()).find((c) => c.name === name);
    if (!category) {
      const spec = { name, description, cardinality, associable_types: ['VirtualMachine'] };
      const id = await this.call<string>(
        'POST',
        '/com/vmware/cis/tagging/category',
        '/cis/tagging/category',
        this.flavourValue === 'api' ? spec : { create_spec: spec },
      );
      category = { id, name, cardinality };
      this.client.log.info({ vcenter: this.client.vcenter, category: name }, 'tag category created');
    }
    const tags = new Map((await this.tagsInCategory(category.id)).map((t) => [t.name.toLowerCase(), t]));
    for (const t of tagNames) {
      if (tags.has(t.toLowerCase())) continue;
      const spec = { name: t, description: `${name} ${t}`, category_id: category.id };
      const id = await this.call<string>(
        'POST',
        '/com/vmware/cis/tagging/tag',
        '/cis/tagging/tag',
        this.flavourValue === 'api' ? spec : { create_spec: spec },
      );
      tags.set(t.toLowerCase(), { id, name: t, category_id: category.id });
    }
    this.cache.set(name, { category, tags });
    return tags;
  }

  /** Object ids (VMs) attached to each tag, in one call. */
  async attachedObjects(tagIds: string[]): Promise<Map<string, string[]>> {
    if (tagIds.length === 0) return new Map();
    const res =
      (await this.call<{ tag_id: string; object_ids?: { id: string; type: string }[] | null }[] | null>(
        'POST',
        '/com/vmware/cis/tagging/tag-association?~action=list-attached-objects-on-tags',
        '/cis/tagging/tag-association?action=list-attached-objects-on-tags',
        { tag_ids: tagIds },
      )) ?? [];
    return new Map(res.map((r) => [r.tag_id, (r.object_ids ?? []).map((o) => o.id)]));
  }

  async attachedTags(vm: string): Promise<string[]> {
    return (
      (await this.call<string[] | null>(
        'POST',
        '/com/vmware/cis/tagging/tag-association?~action=list-attached-tags',
        '/cis/tagging/tag-association?action=list-attached-tags',
        { object_id: { id: vm, type: 'VirtualMachine' } },
      )) ?? []
    );
  }

  async attach(tagId: string, vm: string): Promise<void> {
    await this.call(
      'POST',
      `/com/vmware/cis/tagging/tag-association/id:${encodeURIComponent(tagId)}?~action=attach`,
      `/cis/tagging/tag-association/${encodeURIComponent(tagId)}?action=attach`,
      { object_id: { id: vm, type: 'VirtualMachine' } },
    );
  }

  async detach(tagId: string, vm: string): Promise<void> {
    await this.call(
      'POST',
      `/com/vmware/cis/tagging/tag-association/id:${encodeURIComponent(tagId)}?~action=detach`,
      `/cis/tagging/tag-association/${encodeURIComponent(tagId)}?action=detach`,
      { object_id: { id: vm, type: 'VirtualMachine' } },
    );
  }

  /** Reads a SINGLE-cardinality category as VM id -> tag name (lower-case), plus VMs carrying several of its tags. */
  async readCategory(
    name: string,
    tagNames: string[],
    description: string,
  ): Promise<{ byVm: Map<string, string[]> }> {
    const tags = await this.ensureCategory(name, tagNames, description);
    const byId = new Map([...tags.values()].map((t) => [t.id, t.name.toLowerCase()]));
    const attached = await this.attachedObjects([...byId.keys()]);
    const byVm = new Map<string, string[]>();
    for (const [tagId, vms] of attached) {
      for (const vm of vms) byVm.set(vm, [...(byVm.get(vm) ?? []), byId.get(tagId)!]);
    }
    return { byVm };
  }

  /** Sets exactly one tag of the category on the VM (or none when tagName is undefined). */
  async setCategoryTag(
    name: string,
    tagNames: string[],
    description: string,
    vm: string,
    tagName: string | undefined,
  ): Promise<void> {
    const tags = await this.ensureCategory(name, tagNames, description);
    const want = tagName ? tags.get(tagName.toLowerCase()) : undefined;
    if (tagName && !want)
      throw new VapiError(this.client.vcenter, 400, `no tag ${tagName} in category ${name}`);
    const mine = new Set([...tags.values()].map((t) => t.id));
    const current = (await this.attachedTags(vm)).filter((id) => mine.has(id));
    for (const id of current) if (id !== want?.id) await this.detach(id, vm);
    if (want && !current.includes(want.id)) await this.attach(want.id, vm);
  }

  // ---- Layershift's categories ----

  ensureLayerTags(): Promise<Map<string, Tag>> {
    return this.ensureCategory(
      LAYER_TAG_CATEGORY,
      Object.values(LAYER_TAG_NAMES),
      'Layershift: which VMs to keep alive first',
    );
  }

  /** Layers of all tagged VMs; pass the VM ids you know to get the untagged ones listed. */
  async readLayers(vmIds: Iterable<string> = []): Promise<LayerReading> {
    const { byVm } = await this.readCategory(
      LAYER_TAG_CATEGORY,
      Object.values(LAYER_TAG_NAMES),
      'Layershift: which VMs to keep alive first',
    );
    const layers = new Map<string, Layer>();
    const conflicts: string[] = [];
    for (const [vm, names] of byVm) {
      const ls = names.map(layerFromTagName).filter((l): l is Layer => l !== undefined);
      if (ls.length === 0) continue;
      if (ls.length > 1) conflicts.push(vm);
      layers.set(vm, ls.sort((a, b) => layerRank(a) - layerRank(b))[0]);
    }
    const untagged = [...vmIds].filter((id) => !layers.has(id));
    return { layers, untagged, conflicts };
  }

  setLayer(vm: string, layer: Layer | undefined): Promise<void> {
    return this.setCategoryTag(
      LAYER_TAG_CATEGORY,
      Object.values(LAYER_TAG_NAMES),
      'Layershift: which VMs to keep alive first',
      vm,
      layer ? LAYER_TAG_NAMES[layer] : undefined,
    );
  }

  async readSensitive(): Promise<Set<string>> {
    const { byVm } = await this.readCategory(
      SENSITIVITY_TAG_CATEGORY,
      [SENSITIVE_TAG],
      'Layershift: VMs that may only run on attested hosts',
    );
    return new Set([...byVm.keys()]);
  }

  setSensitive(vm: string, sensitive: boolean): Promise<void> {
    return this.setCategoryTag(
      SENSITIVITY_TAG_CATEGORY,
      [SENSITIVE_TAG],
      'Layershift: VMs that may only run on attested hosts',
      vm,
      sensitive ? SENSITIVE_TAG : undefined,
    );
  }

  async readShutdownPolicies(): Promise<Map<string, ShutdownPolicy>> {
    const { byVm } = await this.readCategory(
      SHUTDOWN_TAG_CATEGORY,
      Object.values(SHUTDOWN_TAG_NAMES),
      'Layershift: how a VM may be shut down',
    );
    const out = new Map<string, ShutdownPolicy>();
    for (const [vm, names] of byVm) {
      const p = SHUTDOWN_POLICIES.find((x) => SHUTDOWN_TAG_NAMES[x].toLowerCase() === names[0]);
      if (p) out.set(vm, p);
    }
    return out;
  }

  setShutdownPolicy(vm: string, policy: ShutdownPolicy | undefined): Promise<void> {
    return this.setCategoryTag(
      SHUTDOWN_TAG_CATEGORY,
      Object.values(SHUTDOWN_TAG_NAMES),
      'Layershift: how a VM may be shut down',
      vm,
      policy ? SHUTDOWN_TAG_NAMES[policy] : undefined,
    );
  }

  async logout(): Promise<void> {
    if (!this.session) return;
    await this.raw(
      'DELETE',
      this.flavourValue === 'api' ? '/api/session' : '/rest/com/vmware/cis/session',
    ).catch(() => undefined);
    this.session = undefined;
  }
}
