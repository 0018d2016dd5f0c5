import type { VimClient, VsphereLogger } from './client';
import { readInventory, InventoryWatcher, type InventoryDelta } from './inventory';
import type { InventoryStore, VmTags } from './inventory-store';
import type { TagService } from './tags';

/** Reads what tags say about VMs. Tags are not in the PropertyCollector, so the sync re-reads them periodically. */
export interface TagReader {
  read(): Promise<VmTags>;
}

/** A TagReader over the vAPI TagService (layer, sensitivity and shutdown categories, one after the other). */
export function tagReaderOf(tags: TagService): TagReader {
  return {
    async read() {
      const { layers } = await tags.readLayers();
      const sensitive = await tags.readSensitive();
      const shutdown = await tags.readShutdownPolicies();
      return { layers, sensitive, shutdown };
    },
  };
}

export interface InventorySyncOptions {
  /** How often tags are read again (ms). Default 60 s. */
  tagRefreshMs?: number;
  /** Seconds one WaitForUpdatesEx may block; also bounds how late a tag refresh or stop() is noticed. Default 30. */
  maxWaitSeconds?: number;
  /** First delay after a failure (ms), doubled per failure up to maxBackoffMs. Defaults 1 s and 60 s. */
  backoffMs?: number;
  maxBackoffMs?: number;
}

export type InventorySyncPhase = 'idle' | 'full-sync' | 'watching' | 'backoff' | 'stopped';

/** What a write was, for metrics and tests. */
export interface InventorySyncWrite {
  kind: 'full' | 'delta' | 'tags';
  version: string;
  changes: number;
  ms: number;
}

export interface InventorySyncStatus {
  vcenter: string;
  phase: InventorySyncPhase;
  version: string | undefined;
  fullSyncs: number;
  deltas: number;
  tagReads: number;
  errors: number;
  lastError: string | undefined;
  lastWriteAt: Date | undefined;
}

/**
 * Keeps an InventoryStore in step with one vCenter: a full read (readInventory -> replaceAll), then the
 * InventoryWatcher's deltas (-> applyDelta), with tags re-read every tagRefreshMs. Framework-free: a NestJS provider
 * calls start() and, on shutdown, stop().
 *
 * Failures never escape: each is logged (naming the vCenter; messages never carry credentials) and retried with
 * exponential backoff. A vCenter failure resumes the watch where it was (the watcher keeps its version; a renewed
 * session makes it reload). A store failure forces a full sync, since the delta that failed is gone from the watcher.
 * A tag read failure keeps the previous tags (or, before any, leaves stored tag columns untouched).
 */
export class InventorySync {
  private readonly log: VsphereLogger;
  private watcher: InventoryWatcher | undefined;
  private tags: VmTags | undefined;
  private nextTagRead = 0;
  private needFull = true;
  private stopped = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private firstSync: { promise: Promise<void>; resolve: () => void };
  private readonly st: InventorySyncStatus;
  /** Called after every successful write. */
  onWrite: ((w: InventorySyncWrite) => void) | undefined;

  constructor(
    private readonly client: VimClient,
    private readonly store: InventoryStore,
    private readonly tagReader: TagReader | undefined,
    logger?: VsphereLogger,
    private readonly opts: InventorySyncOptions = {},
  ) {
    this.log = logger ?? client.log;
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    this.firstSync = { promise, resolve };
    this.st = {
      vcenter: client.vcenter,
      phase: 'idle',
      version: undefined,
      fullSyncs: 0,
      deltas: 0,
      tagReads: 0,
      errors: 0,
      lastError: undefined,
      lastWriteAt: undefined,
    };
  }

  get status(): Readonly<InventorySyncStatus> {
    return { ...this.st };
  }

  /** Resolves once the first full sync is stored (or when stop() is called before that). */
  initialSync(): Promise<void> {
    return this.firstSync.promise;
  }

  start(): void {
    if (this.loop) return;
    this.stopped = false;
    this.loop = this.run();
  }

  /** Ends the loop: cancels a pending WaitForUpdatesEx, waits for the write in progress, destroys the watch. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    const w = this.watcher;
    if (w) await w.stop().catch(() => undefined);
    await this.loop;
    this.loop = undefined;
    this.watcher = undefined;
    this.st.phase = 'stopped';
    this.firstSync.resolve();
  }

  private async run(): Promise<void> {
    const base = this.opts.backoffMs ?? 1_000;
    let backoff = base;
    while (!this.stopped) {
      try {
        await this.step();
        backoff = base;
      } catch (e) {
        if (this.stopped) break;
        this.st.errors++;
        this.st.lastError = (e as Error)?.message ?? String(e);
        this.st.phase = 'backoff';
        this.log.error(
          {
            vcenter: this.client.vcenter,
            err: this.st.lastError,
            errType: (e as Error)?.name,
            backoffMs: backoff,
            needFull: this.needFull,
          },
          'inventory sync failed; retrying',
        );
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, this.opts.maxBackoffMs ?? 60_000);
      }
    }
  }

  private async step(): Promise<void> {
    if (!this.client.hasSession) await this.client.connect();
    if (this.needFull) {
      this.st.phase = 'full-sync';
      await this.refreshTags(false);
      const t0 = performance.now();
      const snap = await readInventory(this.client);
      if (this.stopped) return;
      await this.store.replaceAll(snap, this.tags);
      this.needFull = false;
      this.st.fullSyncs++;
      this.wrote({
        kind: 'full',
        version: snap.version,
        changes: snap.vms.length + snap.hosts.length,
        ms: performance.now() - t0,
      });
      this.log.info(
        {
          vcenter: this.client.vcenter,
          hosts: snap.hosts.length,
          vms: snap.vms.length,
          tagged: this.tags?.layers.size,
        },
        'inventory full sync stored',
      );
      this.firstSync.resolve();
      if (this.watcher) await this.watcher.stop().catch(() => undefined);
      this.watcher = new InventoryWatcher(this.client, { maxWaitSeconds: this.opts.maxWaitSeconds ?? 30 });
    }
    if (Date.now() >= this.nextTagRead) await this.refreshTags(true);
    this.st.phase = 'watching';
    const d = await this.watcher!.next();
    if (!d || this.stopped) return;
    await this.applyDelta(d);
  }

  private async applyDelta(d: InventoryDelta): Promise<void> {
    const t0 = performance.now();
    try {
      await this.store.applyDelta(d, this.tags);
    } catch (e) {
      this.needFull = true; // the watcher has moved past this delta: only a full sync repairs the store
      throw e;
    }
    if (d.reset) this.st.fullSyncs++;
    else this.st.deltas++;
    this.wrote({
      kind: d.reset ? 'full' : 'delta',
      version: d.version,
      changes: d.changes.length,
      ms: performance.now() - t0,
    });
  }

  /** Reads tags; with `write`, stores them. A failure is logged and retried after a backoff, never thrown. */
  private async refreshTags(write: boolean): Promise<void> {
    if (!this.tagReader) {
      this.nextTagRead = Number.POSITIVE_INFINITY;
      return;
    }
    const refresh = this.opts.tagRefreshMs ?? 60_000;
    const t0 = performance.now();
    let tags: VmTags;
    try {
      tags = await this.tagReader.read();
    } catch (e) {
      this.st.errors++;
      this.st.lastError = (e as Error)?.message ?? String(e);
      const retry = Math.min(refresh, this.opts.backoffMs ?? 1_000);
      this.nextTagRead = Date.now() + retry;
      this.log.warn(
        { vcenter: this.client.vcenter, err: this.st.lastError, retryMs: retry },
        'reading vSphere tags failed; keeping the previous ones',
      );
      return;
    }
    this.nextTagRead = Date.now() + refresh;
    this.tags = tags;
    this.st.tagReads++;
    if (write && this.store.applyTags) {
      await this.store.applyTags(this.client.serviceContent.about.instanceUuid, tags);
      this.wrote({
        kind: 'tags',
        version: this.st.version ?? '',
        changes: tags.layers.size,
        ms: performance.now() - t0,
      });
    }
  }

  private wrote(w: InventorySyncWrite): void {
    if (w.kind !== 'tags') this.st.version = w.version;
    this.st.lastWriteAt = new Date();
    try {
      this.onWrite?.(w);
    } catch (e) {
      this.log.warn({ vcenter: this.client.vcenter, err: (e as Error)?.message }, 'onWrite hook threw');
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        resolve();
      }
      this.wake = done;
    });
  }
}
