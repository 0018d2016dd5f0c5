import { DEFAULT_LAYER } from '@app/domain';
import {
  ClusterEntity,
  ComponentEntity,
  DatastoreEntity,
  HostEntity,
  SyncStateEntity,
} from '@app/persistence';
import type { DataSource, EntityManager, ObjectLiteral } from 'typeorm';
import {
  applyChanges,
  emptySnapshot,
  type HostInfo,
  type InventoryDelta,
  type InventorySnapshot,
  type VmInfo,
} from './inventory';
import type { InventoryStore, VmTags } from './inventory-store';

/** The sync_state stream our version is stored under. */
export const INVENTORY_STREAM = 'inventory';

const GIB = 1024 ** 3;
const CHUNK = 1000;

/** Columns the sync owns. hosts.power_idle_w / power_peak_w come from the operator's power topology: never written. */
const HOST_COLS = [
  'name',
  'vcenter',
  'cluster_id',
  'cpu_mhz',
  'mem_mb',
  'datastores',
  'networks',
  'attested',
  'maintenance',
  'connected',
];
const COMPONENT_COLS = [
  'name',
  'vcenter',
  'kind',
  'host_id',
  'mem_mb',
  'datastores',
  'networks',
  'powered_on',
];
const TAG_COLS = ['layer', 'layer_tagged', 'sensitive', 'shutdown_policy'];
const CLUSTER_COLS = ['name', 'vcenter'];
const DATASTORE_COLS = ['name', 'vcenter', 'capacity_gb', 'free_gb'];

/** What a VM row needs that a delta does not carry: its host's per-core MHz and network names, per vCenter. */
interface Lookups {
  coreMhz: Map<string, number>;
  netName: Map<string, string>;
  /** VM id -> (numCpu, host), to recompute cpu_mhz when a host's per-core MHz changes. */
  vmCpu: Map<string, { numCpu: number; host: string }>;
}

type Row = ObjectLiteral;

/**
 * PostgreSQL adapter of the InventoryStore port. Every call is one transaction; rows are written in bulk
 * (INSERT ... ON CONFLICT (id) DO UPDATE, 1,000 rows a statement, and only when a value changed, so updated_at moves
 * only for rows that really changed). Only the columns vCenter owns are written: a host's power figures and a VM's
 * io/disk/dependency columns (from the operator) survive every sync; tag columns are written only when tags are given.
 *
 * Components are VMs without templates, with cpu_mhz = vCPUs x the host's per-core MHz and networks by name, as
 * toDomain() gives them. Rows of other vCenters (or imported ones, vcenter 'default') are never deleted.
 */
export class PgInventoryStore implements InventoryStore {
  private readonly lookups = new Map<string, Lookups>();

  constructor(private readonly ds: DataSource) {}

  async replaceAll(snapshot: InventorySnapshot, tags?: VmTags): Promise<void> {
    const lk = this.rebuildLookups(snapshot);
    await this.ds.transaction(async (m) => {
      const vc = snapshot.vcenter;
      await this.upsert(
        m,
        ClusterEntity,
        snapshot.clusters.map((c) => ({ id: c.id, name: c.name, vcenter: vc })),
        CLUSTER_COLS,
      );
      await this.upsert(
        m,
        DatastoreEntity,
        snapshot.datastores.map((d) => datastoreRow(vc, d)),
        DATASTORE_COLS,
      );
      await this.upsert(
        m,
        HostEntity,
        snapshot.hosts.map((h) => hostRow(vc, h, lk)),
        HOST_COLS,
      );
      const vms = snapshot.vms.filter((v) => !v.template);
      await this.upsertVms(m, vc, vms, lk, tags);
      await this.deleteOthers(
        m,
        'components',
        vc,
        vms.map((v) => v.id),
      );
      await this.deleteOthers(
        m,
        'hosts',
        vc,
        snapshot.hosts.map((h) => h.id),
      );
      await this.deleteOthers(
        m,
        'datastores',
        vc,
        snapshot.datastores.map((d) => d.id),
      );
      await this.deleteOthers(
        m,
        'clusters',
        vc,
        snapshot.clusters.map((c) => c.id),
      );
      await this.saveVersion(m, vc, snapshot.version);
    });
  }

  async applyDelta(delta: InventoryDelta, tags?: VmTags): Promise<void> {
    if (delta.reset) {
      const snap = emptySnapshot(delta.vcenter);
      applyChanges(snap, delta.changes);
      snap.version = delta.version;
      return this.replaceAll(snap, tags);
    }
    const vc = delta.vcenter;
    const lk = this.lookupsOf(vc);
    // The last change of an object wins; networks first, so VM rows of this delta see their names.
    const last = new Map<string, InventoryDelta['changes'][number]>();
    for (const c of delta.changes) last.set(`${c.kind}:${c.op === 'upsert' ? c.item.id : c.id}`, c);
    const changes = [...last.values()];
    for (const c of changes) {
      if (c.kind !== 'network') continue;
      if (c.op === 'upsert') lk.netName.set(c.item.id, c.item.name);
      else lk.netName.delete(c.id);
    }
    const clusters: Row[] = [];
    const datastores: Row[] = [];
    const hosts: HostInfo[] = [];
    const vms: VmInfo[] = [];
    const removed: Record<'clusters' | 'datastores' | 'hosts' | 'components', string[]> = {
      clusters: [],
      datastores: [],
      hosts: [],
      components: [],
    };
    const coreChanged = new Set<string>();
    for (const c of changes) {
      if (c.op === 'remove') {
        if (c.kind === 'vm') {
          removed.components.push(c.id);
          lk.vmCpu.delete(c.id);
        } else if (c.kind === 'host') {
          removed.hosts.push(c.id);
          lk.coreMhz.delete(c.id);
        } else if (c.kind === 'cluster') removed.clusters.push(c.id);
        else if (c.kind === 'datastore') removed.datastores.push(c.id);
        continue;
      }
      switch (c.kind) {
        case 'cluster':
          clusters.push({ id: c.item.id, name: c.item.name, vcenter: vc });
          break;
        case 'datastore':
          datastores.push(datastoreRow(vc, c.item));
          break;
        case 'host':
          if (lk.coreMhz.has(c.item.id) && lk.coreMhz.get(c.item.id) !== c.item.coreMhz)
            coreChanged.add(c.item.id);
          lk.coreMhz.set(c.item.id, c.item.coreMhz);
          hosts.push(c.item);
          break;
        case 'vm':
          if (c.item.template) {
            removed.components.push(c.item.id);
            lk.vmCpu.delete(c.item.id);
          } else {
            lk.vmCpu.set(c.item.id, { numCpu: c.item.numCpu, host: c.item.host });
            vms.push(c.item);
          }
          break;
        case 'network':
          break;
      }
    }
    await this.ds.transaction(async (m) => {
      await this.upsert(m, ClusterEntity, clusters, CLUSTER_COLS);
      await this.upsert(m, DatastoreEntity, datastores, DATASTORE_COLS);
      await this.upsert(
        m,
        HostEntity,
        hosts.map((h) => hostRow(vc, h, lk)),
        HOST_COLS,
      );
      await this.upsertVms(m, vc, vms, lk, tags);
      if (coreChanged.size > 0) await this.recomputeCpu(m, vc, coreChanged, lk);
      for (const [table, ids] of Object.entries(removed)) {
        if (ids.length > 0)
          await m.query(`DELETE FROM ${table} WHERE vcenter = $1 AND id = ANY($2::text[])`, [vc, ids]);
      }
      await this.saveVersion(m, vc, delta.version);
    });
  }

  async lastVersion(vcenter: string): Promise<string | undefined> {
    const row = await this.ds
      .getRepository(SyncStateEntity)
      .findOne({ where: { vcenter, stream: INVENTORY_STREAM } });
    return row?.version;
  }

  /** Rewrites layer, layer_tagged, sensitive and shutdown_policy of every VM of the vCenter, where they differ. */
  async applyTags(vcenter: string, tags: VmTags): Promise<void> {
    await this.ds.transaction(async (m) => {
      const found: { id: string }[] = await m.query('SELECT id FROM components WHERE vcenter = $1', [
        vcenter,
      ]);
      const ids = found.map((r) => r.id);
      for (let i = 0; i < ids.length; i += 5 * CHUNK) {
        const part = ids.slice(i, i + 5 * CHUNK);
        const t = part.map((id) => tagColumns(id, tags));
        await m.query(
          `UPDATE components c
              SET layer = v.layer, layer_tagged = v.tagged, sensitive = v.sensitive, shutdown_policy = v.policy,
                  updated_at = now()
             FROM unnest($2::text[], $3::text[], $4::boolean[], $5::boolean[], $6::text[])
                  AS v(id, layer, tagged, sensitive, policy)
            WHERE c.id = v.id AND c.vcenter = $1
              AND (c.layer, c.layer_tagged, c.sensitive, c.shutdown_policy)
                  IS DISTINCT FROM (v.layer, v.tagged, v.sensitive, v.policy)`,
          [
            vcenter,
            part,
            t.map((x) => x.layer),
            t.map((x) => x.layer_tagged),
            t.map((x) => x.sensitive),
            t.map((x) => x.shutdown_policy),
          ],
        );
      }
    });
  }

  private async upsertVms(
    m: EntityManager,
    vc: string,
    vms: VmInfo[],
    lk: Lookups,
    tags: VmTags | undefined,
  ): Promise<void> {
    // A VM whose host's per-core MHz is unknown (a delta before any full load in this process) keeps its cpu_mhz.
    const known: Row[] = [];
    const unknown: Row[] = [];
    for (const v of vms) {
      const core = lk.coreMhz.get(v.host);
      const row: Row = {
        id: v.id,
        name: v.name,
        vcenter: vc,
        kind: 'vm',
        host_id: v.host || null,
        mem_mb: v.memMb,
        datastores: v.datastores,
        networks: v.networks.map((n) => lk.netName.get(n) ?? n),
        powered_on: v.poweredOn,
        ...(tags ? tagColumns(v.id, tags) : {}),
      };
      if (core === undefined) unknown.push(row);
      else known.push({ ...row, cpu_mhz: v.numCpu * core });
    }
    const cols = tags ? [...COMPONENT_COLS, ...TAG_COLS] : COMPONENT_COLS;
    await this.upsert(m, ComponentEntity, known, [...cols, 'cpu_mhz']);
    await this.upsert(m, ComponentEntity, unknown, cols);
  }

  private async recomputeCpu(m: EntityManager, vc: string, hosts: Set<string>, lk: Lookups): Promise<void> {
    const ids: string[] = [];
    const cpu: number[] = [];
    for (const [id, v] of lk.vmCpu) {
      if (!hosts.has(v.host)) continue;
      ids.push(id);
      cpu.push(v.numCpu * (lk.coreMhz.get(v.host) ?? 0));
    }
    if (ids.length === 0) return;
    await m.query(
      `UPDATE components c SET cpu_mhz = v.cpu, updated_at = now()
         FROM unnest($2::text[], $3::float8[]) AS v(id, cpu)
        WHERE c.id = v.id AND c.vcenter = $1 AND c.cpu_mhz IS DISTINCT FROM v.cpu`,
      [vc, ids, cpu],
    );
  }

  /** INSERT ... ON CONFLICT (id) DO UPDATE SET <cols> WHERE something differs, in chunks. */
  private async upsert(
    m: EntityManager,
    entity: new () => object,
    rows: Row[],
    cols: string[],
  ): Promise<void> {
    const meta = this.ds.getMetadata(entity);
    for (let i = 0; i < rows.length; i += CHUNK) {
      const values = rows.slice(i, i + CHUNK).map((r) => toProperties(meta.columns, r));
      await m
        .createQueryBuilder()
        .insert()
        .into(entity)
        .values(values)
        .orUpdate(cols, ['id'], { skipUpdateIfNoValuesChanged: true })
        .updateEntity(false)
        .execute();
    }
  }

  private async deleteOthers(m: EntityManager, table: string, vc: string, keep: string[]): Promise<void> {
    await m.query(`DELETE FROM ${table} WHERE vcenter = $1 AND NOT (id = ANY($2::text[]))`, [vc, keep]);
  }

  private async saveVersion(m: EntityManager, vcenter: string, version: string): Promise<void> {
    await m
      .createQueryBuilder()
      .insert()
      .into(SyncStateEntity)
      .values({ vcenter, stream: INVENTORY_STREAM, version })
      .orUpdate(['version'], ['vcenter', 'stream'])
      .updateEntity(false)
      .execute();
  }

  private rebuildLookups(snapshot: InventorySnapshot): Lookups {
    const lk: Lookups = {
      coreMhz: new Map(snapshot.hosts.map((h) => [h.id, h.coreMhz])),
      netName: new Map(snapshot.networks.map((n) => [n.id, n.name])),
      vmCpu: new Map(
        snapshot.vms.filter((v) => !v.template).map((v) => [v.id, { numCpu: v.numCpu, host: v.host }]),
      ),
    };
    this.lookups.set(snapshot.vcenter, lk);
    return lk;
  }

  private lookupsOf(vcenter: string): Lookups {
    let lk = this.lookups.get(vcenter);
    if (!lk) {
      lk = { coreMhz: new Map(), netName: new Map(), vmCpu: new Map() };
      this.lookups.set(vcenter, lk);
    }
    return lk;
  }
}

function tagColumns(
  id: string,
  tags: VmTags,
): { layer: string; layer_tagged: boolean; sensitive: boolean; shutdown_policy: string } {
  const layer = tags.layers.get(id);
  return {
    layer: layer ?? DEFAULT_LAYER,
    layer_tagged: layer !== undefined,
    sensitive: tags.sensitive.has(id),
    shutdown_policy: tags.shutdown.get(id) ?? 'guest',
  };
}

function hostRow(vc: string, h: HostInfo, lk: Lookups): Row {
  return {
    id: h.id,
    name: h.name,
    vcenter: vc,
    cluster_id: h.cluster || null,
    cpu_mhz: h.cpuMhz,
    mem_mb: h.memMb,
    datastores: h.datastores,
    networks: h.networks.map((n) => lk.netName.get(n) ?? n),
    attested: h.attested,
    maintenance: h.maintenance,
    connected: h.connected,
  };
}

function datastoreRow(vc: string, d: InventorySnapshot['datastores'][number]): Row {
  return {
    id: d.id,
    name: d.name,
    vcenter: vc,
    capacity_gb: d.capacityBytes / GIB,
    free_gb: d.freeBytes / GIB,
  };
}

/** Rows are written by column name (what the SQL says); the query builder wants entity property names. */
function toProperties(columns: { databaseName: string; propertyName: string }[], row: Row): Row {
  const out: Row = {};
  for (const c of columns) if (c.databaseName in row) out[c.propertyName] = row[c.databaseName] as unknown;
  return out;
}
