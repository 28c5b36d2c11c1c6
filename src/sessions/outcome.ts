// Turns a provider Outcome into a state-machine event (or a reschedule), applying the broker's own
// rules on top of the provider's: min_assurance (API.md §3).
import type { SessionEvent } from '../core/transitions.js';
import type { AssuranceLevel, Session } from '../core/types.js';
import type { Outcome } from '../providers/contract.js';

const RANK: Record<AssuranceLevel, number> = { low: 0, substantial: 1, high: 2 };

export type Step =
  | { kind: 'event'; event: SessionEvent; next_check_at: Date | null; callback_key?: string | null }
  | { kind: 'reschedule'; at: Date };

/** What a step reads of the session. */
export type StepSession = Pick<Session, 'status' | 'options' | 'progress' | 'provider_state'>;

export function stepFor(session: StepSession, outcome: Outcome, now: Date): Step {
  switch (outcome.kind) {
    case 'pending': {
      const next = outcome.next_check_ms ? new Date(now.getTime() + outcome.next_check_ms) : null;
      // A collect that changes nothing (same hint, same state) is not a change: no write, no new
      // version, no wake-up of waiters; only the next check is scheduled (API.md §3 `version`).
      if (next && session.status === 'pending' && unchanged(session, outcome)) return { kind: 'reschedule', at: next };
      const event: SessionEvent =
        session.status === 'created'
          ? { type: 'start', provider_state: outcome.state, progress: outcome.progress, launch: outcome.launch }
          : { type: 'progress', provider_state: outcome.state, progress: outcome.progress };
      return { kind: 'event', event, next_check_at: next, callback_key: outcome.callback_key };
    }
    case 'complete': {
      const wanted = session.options.min_assurance;
      if (wanted && RANK[outcome.identity.assurance.level] < RANK[wanted]) {
        const error = { code: 'assurance_too_low', message: `The provider reported ${outcome.identity.assurance.level}; ${wanted} was required.` };
        return { kind: 'event', event: { type: 'fail', error }, next_check_at: null };
      }
      const result = { identity: outcome.identity, signature: outcome.signature ?? null, device: outcome.device ?? null };
      return { kind: 'event', event: { type: 'complete', result }, next_check_at: null };
    }
    case 'failed':
      return { kind: 'event', event: { type: 'fail', error: { code: outcome.code, message: outcome.message } }, next_check_at: null };
    case 'retry':
      return { kind: 'reschedule', at: new Date(now.getTime() + outcome.after_ms) };
  }
}

function unchanged(session: StepSession, outcome: Extract<Outcome, { kind: 'pending' }>): boolean {
  return outcome.callback_key === undefined && !outcome.launch
    && sameJson(outcome.progress ?? null, session.progress)
    && sameJson(outcome.state, session.provider_state);
}

/**
 * JSON.stringify(a) === JSON.stringify(b), without building the strings in the common case of
 * objects with the same keys in the same order (every collect compares two; the strings were
 * 3 % of the collector's CPU). Anything unusual falls back to the strings themselves.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) || Array.isArray(b)) {
    return JSON.stringify(a) === JSON.stringify(b);
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return JSON.stringify(a) === JSON.stringify(b);
  for (let i = 0; i < ka.length; i++) {
    if (ka[i] !== kb[i]) return JSON.stringify(a) === JSON.stringify(b);
    const x = (a as Record<string, unknown>)[ka[i]];
    const y = (b as Record<string, unknown>)[ka[i]];
    if (x !== y && !sameJson(x, y)) return false;
  }
  return true;
}
