import { applyChanges, emptySnapshot, type InventoryDelta, type InventorySnapshot } from './inventory';

/**
 * The port through which inventory reaches storage. The sync writes a full snapshot once (and after every reset),
 * then deltas; an adapter (PostgreSQL in libs/persistence) makes each call one transaction.
 */
export interface InventoryStore {
  /** Replaces everything stored for snapshot.vcenter with the snapshot (objects not in it are removed). */
  replaceAll(snapshot: InventorySnapshot): Promise<void>;
  /** Applies upserts/removals of one delta. */
  applyDelta(delta: InventoryDelta): Promise<void>;
  /** The last version stored for a vCenter, if any. */
  lastVersion(vcenter: string): Promise<string | undefined>;
}

/** An in-memory store, for tests and for running without a database. */
export class MemoryInventoryStore implements InventoryStore {
  readonly snapshots = new Map<string, InventorySnapshot>();
  readonly versions = new Map<string, string>();
  deltas = 0;

  async replaceAll(snapshot: InventorySnapshot): Promise<void> {
    this.snapshots.set(snapshot.vcenter, structuredClone(snapshot));
    this.versions.set(snapshot.vcenter, snapshot.version);
  }

  async applyDelta(delta: InventoryDelta): Promise<void> {
    let snap = this.snapshots.get(delta.vcenter);
    if (!snap) {
      snap = emptySnapshot(delta.vcenter);
      this.snapshots.set(delta.vcenter, snap);
    }
    applyChanges(snap, delta.changes);
    snap.version = delta.version;
    this.versions.set(delta.vcenter, delta.version);
    this.deltas++;
  }

  async lastVersion(vcenter: string): Promise<string | undefined> {
    return this.versions.get(vcenter);
  }
}
