// The session state machine as a table (DESIGN.md): transition(session, event, now) returns the
// next session and the effects the caller must carry out. Nothing here does I/O.
import type { Progress, Session, SessionError, SessionResult, SessionStatus } from './types.js';
import { isFinal } from './types.js';

export type SessionEvent =
  | { type: 'start'; provider_state: Record<string, unknown>; progress?: Progress | null; launch?: Record<string, unknown> | null }
  | { type: 'progress'; provider_state: Record<string, unknown>; progress?: Progress | null }
  | { type: 'complete'; result: SessionResult }
  | { type: 'fail'; error: SessionError }
  | { type: 'cancel' }
  | { type: 'expire' }
  | { type: 'erase' };

export type WebhookEventType = 'session.completed' | 'session.failed' | 'session.cancelled' | 'session.expired';

export type Effect =
  | { type: 'persist' }
  | { type: 'webhook'; event: WebhookEventType }
  | { type: 'cancel_provider'; provider_state: Record<string, unknown> };

export type TransitionResult =
  | { ok: true; session: Session; effects: Effect[] }
  | { ok: false; reason: 'session_final' | 'not_allowed'; session: Session };

type Change<E> = (s: Session, e: E) => Partial<Session>;
type Row = { [K in SessionEvent['type']]?: Change<Extract<SessionEvent, { type: K }>> };

const completeWith: Change<{ result: SessionResult }> = (s, e) => ({
  status: 'complete',
  personal: { ...s.personal, result: e.result },
});

// Which event is allowed from which status, and what it changes. A missing cell is "not allowed";
// final statuses have no row, so a final status never changes again (API.md §3).
const TABLE: Partial<Record<SessionStatus, Row>> = {
  created: {
    start: (_s, e) => ({ status: 'pending', provider_state: e.provider_state, progress: e.progress ?? null, launch: e.launch ?? null }),
    complete: completeWith,
    fail: (_s, e) => ({ status: 'failed', error: e.error }),
    cancel: () => ({ status: 'cancelled' }),
    expire: () => ({ status: 'expired' }),
  },
  pending: {
    progress: (_s, e) => ({ provider_state: e.provider_state, progress: e.progress ?? null }),
    complete: completeWith,
    fail: (_s, e) => ({ status: 'failed', error: e.error }),
    cancel: () => ({ status: 'cancelled' }),
    expire: () => ({ status: 'expired' }),
  },
};

const WEBHOOK_FOR: Record<string, WebhookEventType> = {
  complete: 'session.completed',
  failed: 'session.failed',
  cancelled: 'session.cancelled',
  expired: 'session.expired',
};

export function transition(session: Session, event: SessionEvent, now: Date): TransitionResult {
  if (event.type === 'erase') return erase(session, now);
  const change = TABLE[session.status]?.[event.type] as Change<SessionEvent> | undefined;
  if (!change) {
    return { ok: false, reason: isFinal(session.status) ? 'session_final' : 'not_allowed', session };
  }
  const next: Session = { ...session, ...change(session, event), version: session.version + 1, updated_at: now };
  const effects: Effect[] = [{ type: 'persist' }];
  if (isFinal(next.status)) {
    next.completed_at = now;
    next.progress = null;
    next.launch = null;
    next.provider_state = null;
    effects.push({ type: 'webhook', event: WEBHOOK_FOR[next.status] });
    // The merchant's cancel and our expiry must also stop the provider's order (API.md §3 cancel).
    if ((event.type === 'cancel' || event.type === 'expire') && session.provider_state) {
      effects.push({ type: 'cancel_provider', provider_state: session.provider_state });
    }
  }
  return { ok: true, session: next, effects };
}

/** Retention erasure: personal data goes, everything else stays (API.md §3). */
function erase(session: Session, now: Date): TransitionResult {
  if (!isFinal(session.status) || session.result_erased_at) {
    return { ok: false, reason: 'not_allowed', session };
  }
  const next: Session = {
    ...session,
    personal: { personal_number: null, end_user_ip: null, result: null },
    result_erased_at: now,
    version: session.version + 1,
    updated_at: now,
  };
  return { ok: true, session: next, effects: [{ type: 'persist' }] };
}
