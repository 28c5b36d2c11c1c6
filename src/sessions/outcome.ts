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
    && JSON.stringify(outcome.progress ?? null) === JSON.stringify(session.progress)
    && JSON.stringify(outcome.state) === JSON.stringify(session.provider_state);
}
