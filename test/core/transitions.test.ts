import { describe, expect, it } from 'vitest';
import { transition, type SessionEvent } from '../../src/core/transitions.js';
import type { Session, SessionStatus } from '../../src/core/types.js';

const t0 = new Date('2026-01-01T00:00:00Z');
const t1 = new Date('2026-01-01T00:00:05Z');

function session(status: SessionStatus, extra: Partial<Session> = {}): Session {
  return {
    id: 'ses_1', customer_id: 'cus_1', status, method: 'demo', operation: 'authenticate', flow: 'browser',
    relay_state: null, metadata: null,
    options: { target: null, target_error: null, locale: 'en', sign: null, device: 'auto', min_assurance: null, return_url: null, frame_origin: null, phone: null },
    personal: { personal_number: '199001012385', end_user_ip: '127.0.0.1', result: null },
    provider_state: status === 'pending' ? { order: 'x' } : null, launch: null, progress: null, error: null,
    version: 3, created_at: t0, updated_at: t0, expires_at: t1, completed_at: null, result_erased_at: null,
    retention_hours: 24, page_token: 'tok', browser_binding: null, ...extra,
  };
}

const identity = {
  provider: 'demo' as const, country: 'SE', subject: 's', national_id: null, first_name: 'A', last_name: 'B', full_name: 'A B',
  date_of_birth: null, assurance: { level: 'low' as const, raw: 'demo' }, authenticated_at: t0.toISOString(), raw: {},
};

const EVENTS: Record<string, SessionEvent> = {
  start: { type: 'start', provider_state: { order: 'y' }, progress: { code: 'outstanding_transaction', message: 'm' } },
  progress: { type: 'progress', provider_state: { order: 'y' }, progress: { code: 'user_sign', message: 'm' } },
  complete: { type: 'complete', result: { identity, signature: null, device: null } },
  fail: { type: 'fail', error: { code: 'user_cancelled', message: 'm' } },
  cancel: { type: 'cancel' },
  expire: { type: 'expire' },
};

// The full table: [from, event, expected status or null when refused]
const TABLE: [SessionStatus, keyof typeof EVENTS, SessionStatus | null][] = [
  ['created', 'start', 'pending'],
  ['created', 'progress', null],
  ['created', 'complete', 'complete'],
  ['created', 'fail', 'failed'],
  ['created', 'cancel', 'cancelled'],
  ['created', 'expire', 'expired'],
  ['pending', 'start', null],
  ['pending', 'progress', 'pending'],
  ['pending', 'complete', 'complete'],
  ['pending', 'fail', 'failed'],
  ['pending', 'cancel', 'cancelled'],
  ['pending', 'expire', 'expired'],
  ...(['complete', 'failed', 'cancelled', 'expired'] as SessionStatus[]).flatMap((final) =>
    (Object.keys(EVENTS) as (keyof typeof EVENTS)[]).map((e) => [final, e, null] as [SessionStatus, keyof typeof EVENTS, null]),
  ),
];

describe('session transition table', () => {
  it.each(TABLE)('%s + %s -> %s', (from, eventName, expected) => {
    const before = session(from);
    const r = transition(before, EVENTS[eventName], t1);
    if (expected === null) {
      expect(r.ok).toBe(false);
      expect(r.session).toBe(before);
      if (['complete', 'failed', 'cancelled', 'expired'].includes(from)) expect(r.ok || r.reason).toBe('session_final');
      return;
    }
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.session.status).toBe(expected);
    expect(r.session.version).toBe(before.version + 1);
    expect(r.session.updated_at).toEqual(t1);
    const final = ['complete', 'failed', 'cancelled', 'expired'].includes(expected);
    expect(r.session.completed_at).toEqual(final ? t1 : null);
    const webhook = r.effects.find((e) => e.type === 'webhook');
    expect(Boolean(webhook)).toBe(final);
  });

  it('names the webhook event after the final status', () => {
    const names = (['complete', 'fail', 'cancel', 'expire'] as const).map((e) => {
      const r = transition(session('pending'), EVENTS[e], t1);
      return r.ok ? r.effects.find((x) => x.type === 'webhook') : null;
    });
    expect(names.map((n) => (n && n.type === 'webhook' ? n.event : null))).toEqual(['session.completed', 'session.failed', 'session.cancelled', 'session.expired']);
  });

  it('asks to cancel the provider order on cancel and expiry of a pending session, not on completion', () => {
    for (const [e, want] of [['cancel', true], ['expire', true], ['complete', false], ['fail', false]] as const) {
      const r = transition(session('pending'), EVENTS[e], t1);
      expect(r.ok && r.effects.some((x) => x.type === 'cancel_provider')).toBe(want);
    }
  });

  it('keeps the result on completion and clears provider state on any final status', () => {
    const r = transition(session('pending'), EVENTS.complete, t1);
    expect(r.ok && r.session.personal.result?.identity.full_name).toBe('A B');
    expect(r.ok && r.session.provider_state).toBeNull();
  });

  it('erases personal data of a final session once, keeping the rest', () => {
    const done = transition(session('pending'), EVENTS.complete, t1);
    if (!done.ok) throw new Error('expected ok');
    const erased = transition(done.session, { type: 'erase' }, t1);
    expect(erased.ok).toBe(true);
    if (!erased.ok) return;
    expect(erased.session.personal).toEqual({ personal_number: null, end_user_ip: null, result: null });
    expect(erased.session.status).toBe('complete');
    expect(erased.session.result_erased_at).toEqual(t1);
    expect(transition(erased.session, { type: 'erase' }, t1).ok).toBe(false);
    expect(transition(session('pending'), { type: 'erase' }, t1).ok).toBe(false);
  });
});
