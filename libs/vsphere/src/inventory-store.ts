import type { Layer, ShutdownPolicy } from '@app/domain';
import { applyChanges, emptySnapshot, type InventoryDelta, type InventorySnapshot } from './inventory';

/**
 * What vSphere tags say about VMs (tags are not in the PropertyCollector: they are read through the vAPI and passed
 * alongside). A VM missing from `layers` is Medium and untagged; missing from `shutdown`, its policy is 'guest'.
 */
export interface VmTags {
  layers: ReadonlyMap<string, Layer>;
  sensitive: ReadonlySet<string>;
  shutdown: ReadonlyMap<string, ShutdownPolicy>;
}

/**
 * The port through which inventory reaches storage. The sync writes a full snapshot once (and after every reset),
 * then deltas; an adapter (PostgreSQL: PgInventoryStore) makes each call one transaction.
 *
 * `tags`, when given, sets the tag-derived columns (layer, layer_tagged, sensitive, shutdown_policy) of the VMs
 * written; when left out, stored VMs keep theirs and new ones get the defaults.
 */
export interface InventoryStore {
  /** Replaces everything stored for snapshot.vcenter with the snapshot (objects not in it are removed). */
  replaceAll(snapshot: InventorySnapshot, tags?: VmTags): Promise<void>;
  /** Applies upserts/removals of one delta (a `reset` delta replaces everything, like replaceAll). */
  applyDelta(delta: InventoryDelta, tags?: VmTags): Promise<void>;
  /** The last version stored for a vCenter, if any. */
  lastVersion(vcenter: string): Promise<string | undefined>;
  /** Rewrites the tag-derived columns of every stored VM of the vCenter (after a periodic tag re-read). */
  applyTags?(vcenter: string, tags: VmTags): Promise<void>;
}

/** An in-memory store, for tests and for running without a database. */
export class MemoryInventoryStore implements InventoryStore {
  readonly snapshots = new Map<string, InventorySnapshot>();
  readonly versions = new Map<string, string>();
  readonly tags = new Map<string, VmTags>();
  deltas = 0;

  async replaceAll(snapshot: InventorySnapshot, tags?: VmTags): Promise<void> {
    this.snapshots.set(snapshot.vcenter, structuredClone(snapshot));
    this.versions.set(snapshot.vcenter, snapshot.version);
    if (tags) this.tags.set(snapshot.vcenter, tags);
  }

  async applyDelta(delta: InventoryDelta, tags?: VmTags): Promise<void> {
    let snap = this.snapshots.get(delta.vcenter);
    if (!snap || delta.reset) {
      snap = emptySnapshot(delta.vcenter);
      this.snapshots.set(delta.vcenter, snap);
    }
    applyChanges(snap, structuredClone(delta.changes));
    snap.version = delta.version;
    this.versions.set(delta.vcenter, delta.version);
    if (tags) this.tags.set(delta.vcenter, tags);
    this.deltas++;
  }

  async lastVersion(vcenter: string): Promise<string | undefined> {
    return this.versions.get(vcenter);
  }

  async applyTags(vcenter: string, tags: VmTags): Promise<void> {
    this.tags.set(vcenter, tags);
  }
}
