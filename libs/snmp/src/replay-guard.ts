import type { V3Header } from './trap';

/**
 * Drops replayed SNMPv3 notifications. A notification is a replay when the same (engine id, boots, time,
 * msgID) was already accepted within the window, or when it is older than the window relative to the latest
 * (boots, time) seen from that engine (RFC 3414 section 3.2 step 7b, applied by a non-authoritative
 * receiver to the sender's clock). Only call it for messages whose authentication succeeded. Pure; clock
 * injected.
 */
export class ReplayGuard {
  private readonly seen = new Map<string, number>();
  private readonly latest = new Map<string, { boots: number; time: number; at: number }>();
  private lastPrune = 0;

  constructor(
    private readonly clock: () => number,
    private readonly windowSeconds = 150,
    private readonly maxEntries = 200_000,
  ) {}

  /** true: fresh, accept it (and remember it); false: a replay. */
  check(h: Pick<V3Header, 'engineId' | 'engineBoots' | 'engineTime' | 'msgId'>): boolean {
    const now = this.clock();
    const key = `${h.engineId}/${h.engineBoots}/${h.engineTime}/${h.msgId}`;
    const at = this.seen.get(key);
    if (at !== undefined && now - at <= this.windowSeconds * 1000) return false;
    const last = this.latest.get(h.engineId);
    if (last) {
      // Where the sender's clock should be now, by its last message.
      const expected = last.time + Math.floor((now - last.at) / 1000);
      if (h.engineBoots < last.boots) return false;
      if (h.engineBoots === last.boots && h.engineTime < expected - this.windowSeconds) return false;
    }
    if (!last || h.engineBoots > last.boots || (h.engineBoots === last.boots && h.engineTime >= last.time))
      this.latest.set(h.engineId, { boots: h.engineBoots, time: h.engineTime, at: now });
    this.seen.set(key, now);
    if (now - this.lastPrune > this.windowSeconds * 1000 || this.seen.size > this.maxEntries) this.prune(now);
    return true;
  }

  get size(): number {
    return this.seen.size;
  }

  /** Forgets entries older than the window; past maxEntries, the oldest go first (Map keeps insertion order). */
  private prune(now: number): void {
    this.lastPrune = now;
    for (const [k, at] of this.seen) {
      if (now - at > this.windowSeconds * 1000 || this.seen.size > this.maxEntries) this.seen.delete(k);
      else break;
    }
  }
}
