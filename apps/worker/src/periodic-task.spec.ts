import type { Logger } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { PeriodicTask } from './periodic-task';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('PeriodicTask', () => {
  it('never overlaps runs, logs a failure and keeps going, and stop waits for the run in progress', async () => {
    const warnings: string[] = [];
    const log = { warn: (m: string) => warnings.push(m) } as unknown as Logger;
    let active = 0;
    let maxActive = 0;
    let runs = 0;
    let finished = 0;
    const task = new PeriodicTask(
      'probe',
      async () => {
        runs++;
        active++;
        maxActive = Math.max(maxActive, active);
        await sleep(40); // longer than the interval: later ticks find it running
        active--;
        finished++;
        if (runs === 1) throw new Error('first run fails');
      },
      log,
    );
    task.start(5, true);
    await sleep(150);
    await task.stop();
    expect(maxActive).toBe(1);
    expect(runs).toBeGreaterThanOrEqual(2);
    expect(finished).toBe(runs); // stop waited for the last one
    expect(warnings).toEqual(['probe: first run fails']);
    const after = runs;
    await sleep(30);
    expect(runs).toBe(after); // stopped
  });
});
