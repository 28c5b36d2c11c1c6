// The merchant's JSON views of endpoints and deliveries (API.md §5). The signing secret appears
// only in the answers of create and rotate-secret, never in a read.
import type { DeliveryRecord, WebhookEndpoint } from '../storage/webhooks.js';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function endpointView(e: WebhookEndpoint): Record<string, unknown> {
  return {
    id: e.id,
    url: e.url,
    events: e.events,
    status: e.status,
    disabled_reason: e.disabled_reason,
    disabled_at: iso(e.disabled_at),
    created_at: iso(e.created_at),
    updated_at: iso(e.updated_at),
  };
}

export function deliveryView(d: DeliveryRecord): Record<string, unknown> {
  return {
    id: d.id,
    event_id: d.event_id,
    event_type: d.event_type,
    session_id: d.session_id,
    endpoint_id: d.endpoint_id,
    status: d.status,
    attempt_count: d.attempt_count,
    next_attempt_at: iso(d.next_attempt_at),
    last_status: d.last_status,
    created_at: iso(d.created_at),
    delivered_at: iso(d.delivered_at),
    abandoned_reason: d.abandoned_reason,
    attempts: d.attempts.map((a) => ({
      number: a.number,
      started_at: iso(a.started_at),
      status: a.status,
      duration_ms: a.duration_ms,
      error: a.error,
      response_excerpt: a.response_excerpt,
    })),
  };
}
