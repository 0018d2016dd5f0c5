/** The slice of a pino logger this library logs through (pino itself fits). */
export interface IngestLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentLogger: IngestLogger = { debug() {}, info() {}, warn() {}, error() {} };

/**
 * Logs at most one line per key per interval, with how many were held back: a trap storm from a
 * misconfigured agent must not become a log storm.
 */
export class RateLimitedLog {
  private readonly last = new Map<string, { at: number; held: number }>();

  constructor(
    private readonly log: IngestLogger,
    private readonly clock: () => number = Date.now,
    private readonly intervalMs = 10_000,
  ) {}

  warn(key: string, obj: Record<string, unknown>, msg: string): void {
    const now = this.clock();
    const l = this.last.get(key);
    if (l && now - l.at < this.intervalMs) {
      l.held++;
      return;
    }
    this.log.warn(l?.held ? { ...obj, suppressedSinceLast: l.held } : obj, msg);
    this.last.set(key, { at: now, held: 0 });
    if (this.last.size > 10_000) this.last.clear();
  }
}
