import { describe, expect, it } from 'vitest';
import {
  buildSessionEvent, buildTestEvent, endpointWantsEvent, eventTypeForStatus, newWebhookMessageId, serializeEvent,
} from '../../src/webhooks/event.js';

const completedAt = new Date('2026-03-01T12:00:00.000Z');
const sessionWithIdentity = {
  id: 'ses_abc', status: 'complete' as const, method: 'se-bankid' as const, operation: 'authenticate' as const,
  relay_state: 'order-42', error: null, completed_at: completedAt, metadata: { cart: 'c1' }, version: 4,
  personal: { personal_number: '199001011239', end_user_ip: '203.0.113.9' },
  result: {
    identity: {
      provider: 'se-bankid', country: 'SE', subject: 'sub-1',
      national_id: { value: '199001011239', type: 'se_personnummer', country: 'SE' },
      first_name: 'Tess', last_name: 'Tester', full_name: 'Tess Tester', date_of_birth: '1990-01-01',
      assurance: { level: 'high', raw: 'x' }, authenticated_at: completedAt.toISOString(), raw: { ocsp: 'zzz' },
    },
    signature: null, device: { ip_address: '203.0.113.9' },
  },
};

describe('webhook event bodies', () => {
  it('maps each final status to its event type', () => {
    expect(eventTypeForStatus('complete')).toBe('session.completed');
    expect(eventTypeForStatus('failed')).toBe('session.failed');
    expect(eventTypeForStatus('cancelled')).toBe('session.cancelled');
    expect(eventTypeForStatus('expired')).toBe('session.expired');
    expect(eventTypeForStatus('pending')).toBeNull();
  });

  it('carries only ids and status, never personal data', () => {
    const event = buildSessionEvent(sessionWithIdentity, new Date());
    expect(event).toEqual({
      type: 'session.completed', timestamp: '2026-03-01T12:00:00.000Z',
      data: { id: 'ses_abc', status: 'complete', method: 'se-bankid', operation: 'authenticate', relay_state: 'order-42', error: null },
    });
    const text = serializeEvent(event);
    for (const secret of ['199001011239', 'Tess', 'Tester', '1990-01-01', '203.0.113.9', 'sub-1', 'zzz', 'cart']) {
      expect(text).not.toContain(secret);
    }
  });

  it('copies the error code and message of a failed session and nothing more', () => {
    const failed = { ...sessionWithIdentity, status: 'failed' as const, error: { code: 'user_cancelled', message: 'Cancelled', extra: 'x' } };
    const event = buildSessionEvent(failed, new Date());
    expect(event.type).toBe('session.failed');
    expect(event.data.error).toEqual({ code: 'user_cancelled', message: 'Cancelled' });
  });

  it('refuses a session that has not ended', () => {
    expect(() => buildSessionEvent({ ...sessionWithIdentity, status: 'pending' }, new Date())).toThrow();
  });

  it('builds webhook.test events and filters endpoints by type', () => {
    const now = new Date('2026-03-01T00:00:00Z');
    expect(buildTestEvent('whep_1', now)).toEqual({ type: 'webhook.test', timestamp: now.toISOString(), data: { endpoint_id: 'whep_1' } });
    expect(endpointWantsEvent(null, 'session.failed')).toBe(true);
    expect(endpointWantsEvent([], 'session.failed')).toBe(true);
    expect(endpointWantsEvent(['session.completed'], 'session.failed')).toBe(false);
    expect(endpointWantsEvent(['session.completed'], 'webhook.test')).toBe(true);
  });

  it('makes message ids without a full stop', () => {
    expect(newWebhookMessageId()).toMatch(/^msg_[A-Za-z0-9_-]{27}$/);
  });
});
