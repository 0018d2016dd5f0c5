import type { VimClient } from './client';
import {
  child,
  children,
  childText,
  decodeValue,
  el,
  moRef,
  refEl,
  textEl,
  type MoRef,
  type XNode,
} from './xml';

export interface PropertySpec {
  type: string;
  pathSet: string[];
}

export interface ObjectSpec {
  obj: MoRef;
  /** For a ContainerView: traverse its `view` and skip the view itself. */
  viaContainerView?: boolean;
}

export interface FilterSpec {
  propSet: PropertySpec[];
  objectSet: ObjectSpec[];
}

export interface ObjectContent {
  obj: MoRef;
  props: Record<string, unknown>;
  missing: { path: string; fault: string }[];
}

export type ObjectUpdateKind = 'enter' | 'modify' | 'leave';

export interface PropertyChange {
  name: string;
  op: 'add' | 'remove' | 'assign' | 'indirectRemove';
  val: unknown;
}

export interface ObjectUpdate {
  kind: ObjectUpdateKind;
  obj: MoRef;
  changeSet: PropertyChange[];
}

export interface UpdateSet {
  version: string;
  truncated: boolean;
  filterSet: { filter: MoRef; objectSet: ObjectUpdate[] }[];
}

function filterSpecXml(spec: FilterSpec, name = 'specSet'): string {
  const props = spec.propSet
    .map((p) => el('propSet', textEl('type', p.type) + p.pathSet.map((x) => textEl('pathSet', x)).join('')))
    .join('');
  const objs = spec.objectSet
    .map((o) =>
      el(
        'objectSet',
        refEl('obj', o.obj) +
          (o.viaContainerView
            ? textEl('skip', true) +
              el(
                'selectSet',
                textEl('name', 'traverseView') +
                  textEl('type', 'ContainerView') +
                  textEl('path', 'view') +
                  textEl('skip', false),
                'TraversalSpec',
              )
            : ''),
      ),
    )
    .join('');
  return el(name, props + objs);
}

function objectContent(n: XNode): ObjectContent {
  const props: Record<string, unknown> = {};
  for (const p of children(n, 'propSet')) {
    const name = childText(p, 'name') ?? '';
    const val = child(p, 'val');
    props[name] = val ? decodeValue(val) : undefined;
  }
  const missing = children(n, 'missingSet').map((m) => ({
    path: childText(m, 'path') ?? '',
    fault: child(child(m, 'fault'), 'fault')?.xsiType?.name ?? 'unknown',
  }));
  return { obj: moRef(child(n, 'obj')!), props, missing };
}

/** RetrievePropertiesEx + ContinueRetrievePropertiesEx until the token runs out. */
export async function retrieve(
  client: VimClient,
  spec: FilterSpec,
  opts: { maxObjects?: number; collector?: MoRef } = {},
): Promise<ObjectContent[]> {
  const pc = opts.collector ?? client.serviceContent.propertyCollector;
  const res = await client.call(
    'RetrievePropertiesEx',
    pc,
    filterSpecXml(spec) + el('options', textEl('maxObjects', opts.maxObjects)),
  );
  const out: ObjectContent[] = [];
  let rv = child(res, 'returnval');
  for (;;) {
    if (!rv) break;
    for (const o of children(rv, 'objects')) out.push(objectContent(o));
    const token = childText(rv, 'token');
    if (!token) break;
    const next = await client.call('ContinueRetrievePropertiesEx', pc, textEl('token', token));
    rv = child(next, 'returnval');
  }
  return out;
}

export async function retrieveOne(
  client: VimClient,
  obj: MoRef,
  paths: string[],
): Promise<Record<string, unknown>> {
  const res = await retrieve(client, { propSet: [{ type: obj.type, pathSet: paths }], objectSet: [{ obj }] });
  return res[0]?.props ?? {};
}

export async function createContainerView(
  client: VimClient,
  types: string[],
  opts: { container?: MoRef; recursive?: boolean } = {},
): Promise<MoRef> {
  const container = opts.container ?? client.serviceContent.rootFolder;
  const res = await client.call(
    'CreateContainerView',
    client.serviceContent.viewManager,
    refEl('container', container) +
      types.map((t) => textEl('type', t)).join('') +
      textEl('recursive', opts.recursive ?? true),
  );
  return moRef(child(res, 'returnval')!);
}

export async function destroyView(client: VimClient, view: MoRef): Promise<void> {
  await client.call('DestroyView', view);
}

/** A private PropertyCollector, so one WaitForUpdatesEx loop does not disturb another user of the session. */
export async function createPropertyCollector(client: VimClient): Promise<MoRef> {
  const res = await client.call('CreatePropertyCollector', client.serviceContent.propertyCollector);
  return moRef(child(res, 'returnval')!);
}

export async function destroyPropertyCollector(client: VimClient, pc: MoRef): Promise<void> {
  await client.call('DestroyPropertyCollector', pc);
}

export async function createFilter(
  client: VimClient,
  collector: MoRef,
  spec: FilterSpec,
  partialUpdates = false,
): Promise<MoRef> {
  const res = await client.call(
    'CreateFilter',
    collector,
    filterSpecXml(spec, 'spec') + textEl('partialUpdates', partialUpdates),
  );
  return moRef(child(res, 'returnval')!);
}

/**
 * One WaitForUpdatesEx round. `version` '' returns everything the filters see; later versions return what changed
 * since. Undefined when maxWaitSeconds passed without a change.
 */
export async function waitForUpdatesEx(
  client: VimClient,
  collector: MoRef,
  version: string,
  opts: { maxWaitSeconds?: number; maxObjectUpdates?: number } = {},
): Promise<UpdateSet | undefined> {
  const wait = opts.maxWaitSeconds ?? 30;
  const res = await client.call(
    'WaitForUpdatesEx',
    collector,
    textEl('version', version) +
      el('options', textEl('maxWaitSeconds', wait) + textEl('maxObjectUpdates', opts.maxObjectUpdates)),
    { timeoutMs: (wait + 60) * 1000 },
  );
  const rv = child(res, 'returnval');
  if (!rv) return undefined;
  return {
    version: childText(rv, 'version') ?? version,
    truncated: childText(rv, 'truncated') === 'true',
    filterSet: children(rv, 'filterSet').map((f) => ({
      filter: moRef(child(f, 'filter')!),
      objectSet: children(f, 'objectSet').map((o) => ({
        kind: (childText(o, 'kind') ?? 'modify') as ObjectUpdateKind,
        obj: moRef(child(o, 'obj')!),
        changeSet: children(o, 'changeSet').map((c) => {
          const val = child(c, 'val');
          return {
            name: childText(c, 'name') ?? '',
            op: (childText(c, 'op') ?? 'assign') as PropertyChange['op'],
            val: val ? decodeValue(val) : undefined,
          };
        }),
      })),
    })),
  };
}

export async function cancelWaitForUpdates(client: VimClient, collector: MoRef): Promise<void> {
  await client.call('CancelWaitForUpdates', collector);
}
