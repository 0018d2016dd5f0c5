import type { Logger } from '@nestjs/common';

/**
 * Runs `work` every `intervalMs`, never two runs at once (a tick that finds one running is skipped); a failure is
 * logged as a warning and the next tick tries again. The timer does not keep the process alive; `stop` clears it
 * and waits for a run in progress, for a graceful shutdown.
 */
export class PeriodicTask {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly what: string,
    private readonly work: () => Promise<unknown>,
    private readonly log: Logger,
  ) {}

  /** Starts the timer; `runNow` also runs once immediately. */
  start(intervalMs: number, runNow = false): void {
    if (runNow) void this.tick();
    this.timer = setInterval(() => void this.tick(), intervalMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = this.work().then(
      () => undefined,
      (e: unknown) => this.log.warn(`${this.what}: ${e instanceof Error ? e.message : String(e)}`),
    );
    await this.running;
    this.running = undefined;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
