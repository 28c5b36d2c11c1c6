import { describe, expect, it } from 'vitest';
import { planSessionEvent, planTestEvent, type OutboxEndpoint } from '../../src/webhooks/outbox.js';

const now = new Date('2026-01-01T00:00:00Z');
const session = {
  id: 'ses_9', status: 'cancelled' as const, method: 'fi-ftn' as const, operation: 'authenticate' as const,
  relay_state: null, error: null, completed_at: now,
};
const endpoints: OutboxEndpoint[] = [
  { id: 'whep_all', status: 'enabled', events: null },
  { id: 'whep_done', status: 'enabled', events: ['session.completed'] },
  { id: 'whep_cancel', status: 'enabled', events: ['session.cancelled'] },
  { id: 'whep_off', status: 'disabled', events: null },
];

describe('outbox planning', () => {
  it('plans one event with one id for every endpoint that wants its type, a disabled one too', () => {
    const plan = planSessionEvent(session, endpoints, now)!;
    expect(plan.type).toBe('session.cancelled');
    expect(plan.event_id).toMatch(/^msg_/);
    // The disabled endpoint's row waits (the claim skips it) and goes out after enable.
    expect(plan.deliveries).toEqual([
      { endpoint_id: 'whep_all', next_attempt_at: now },
      { endpoint_id: 'whep_cancel', next_attempt_at: now },
      { endpoint_id: 'whep_off', next_attempt_at: now },
    ]);
    expect(JSON.parse(plan.body)).toMatchObject({ type: 'session.cancelled', data: { id: 'ses_9', status: 'cancelled' } });
  });

  it('plans nothing when no endpoint wants the event', () => {
    expect(planSessionEvent(session, [endpoints[1]], now)).toBeNull();
    expect(planSessionEvent(session, [{ ...endpoints[1], status: 'disabled' }], now)).toBeNull();
  });

  it('plans a webhook.test event for one endpoint', () => {
    const plan = planTestEvent('whep_done', now);
    expect(plan).toMatchObject({ type: 'webhook.test', deliveries: [{ endpoint_id: 'whep_done' }] });
    expect(JSON.parse(plan.body).data).toEqual({ endpoint_id: 'whep_done' });
  });
});
