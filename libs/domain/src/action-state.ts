/**
 * The life of one plan action, in the spirit of OpenStack Watcher's action-plan states.
 * Terminal states never change again; a superseded action was replaced by a newer plan before it ran.
 */
export const ACTION_STATES = [
  'proposed',
  'approved',
  'queued',
  'running',
  'succeeded',
  'failed',
  'cancelled',
  'superseded',
] as const;
export type ActionState = (typeof ACTION_STATES)[number];

const TRANSITIONS: Readonly<Record<ActionState, readonly ActionState[]>> = {
  proposed: ['approved', 'cancelled', 'superseded'],
  approved: ['queued', 'cancelled', 'superseded'],
  queued: ['running', 'cancelled', 'superseded', 'failed'],
  // A running vCenter task cannot be superseded mid-flight: it ends, one way or the other.
  running: ['succeeded', 'failed', 'cancelled'],
  succeeded: [],
  failed: [],
  cancelled: [],
  superseded: [],
};

export function allowedTransitions(from: ActionState): readonly ActionState[] {
  return TRANSITIONS[from];
}

export function canTransition(from: ActionState, to: ActionState): boolean {
  return TRANSITIONS[from].includes(to);
}

export function isTerminal(state: ActionState): boolean {
  return TRANSITIONS[state].length === 0;
}

export class IllegalTransitionError extends Error {
  constructor(
    readonly from: ActionState,
    readonly to: ActionState,
  ) {
    super(
      `action cannot go from '${from}' to '${to}'; allowed from '${from}': ${TRANSITIONS[from].join(', ') || 'none (terminal)'}`,
    );
    this.name = 'IllegalTransitionError';
  }
}

/** Returns `to` when the move is legal; throws otherwise. Re-applying the current state is a no-op (idempotent). */
export function transition(from: ActionState, to: ActionState): ActionState {
  if (from === to) return to;
  if (!canTransition(from, to)) throw new IllegalTransitionError(from, to);
  return to;
}
