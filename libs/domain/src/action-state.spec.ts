import { describe, expect, it } from 'vitest';
import { ACTION_STATES, canTransition, IllegalTransitionError, isTerminal, transition } from './action-state';

describe('action state machine', () => {
  it('walks the happy path', () => {
    let s = transition('proposed', 'approved');
    s = transition(s, 'queued');
    s = transition(s, 'running');
    s = transition(s, 'succeeded');
    expect(s).toBe('succeeded');
    expect(isTerminal(s)).toBe(true);
  });

  it('refuses to run what was never approved, naming both states', () => {
    expect(() => transition('proposed', 'running')).toThrow(IllegalTransitionError);
    expect(() => transition('proposed', 'running')).toThrow(/'proposed' to 'running'/);
  });

  it('never leaves a terminal state', () => {
    for (const t of ['succeeded', 'failed', 'cancelled', 'superseded'] as const)
      for (const to of ACTION_STATES) if (to !== t) expect(canTransition(t, to)).toBe(false);
  });

  it('does not supersede a task already running in vCenter', () => {
    expect(canTransition('running', 'superseded')).toBe(false);
    expect(canTransition('queued', 'superseded')).toBe(true);
  });

  it('treats re-applying the same state as a no-op, so retries are idempotent', () => {
    expect(transition('running', 'running')).toBe('running');
  });
});
