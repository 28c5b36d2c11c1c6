// What the session change's transaction writes (API.md §5: "an event is written in the same
// transaction as the state change that causes it"). Pure: the storage inserts the rows it returns,
// and the dispatcher finds them due at once. One event id (the `webhook-id`) per event, shared by
// its deliveries to several endpoints, so a merchant de-duplicates across them too.
import {
  buildSessionEvent, buildTestEvent, endpointWantsEvent, newWebhookMessageId, serializeEvent,
  type SessionEventSource, type WebhookEventType,
} from './event.js';

export interface OutboxEndpoint {
  id: string;
  status: 'enabled' | 'disabled';
  /** Event-type filter; null or empty = every session event. */
  events: readonly string[] | null;
}

export interface PlannedEvent {
  event_id: string;
  type: WebhookEventType;
  /** Exact bytes to store; signed and sent unchanged on every attempt. */
  body: string;
  /** One delivery row per endpoint, due at `next_attempt_at`. */
  deliveries: Array<{ endpoint_id: string; next_attempt_at: Date }>;
}

/**
 * Rows for a session that just reached a final status. A disabled endpoint gets its rows too:
 * nothing is sent to it (the claim skips disabled endpoints; Standard Webhooks "Delivery success
 * and failure": 410 means stop sending), but the merchant sees the event in the delivery log and
 * gets it after enabling the endpoint, instead of losing it for good.
 */
export function planSessionEvent(session: SessionEventSource, endpoints: readonly OutboxEndpoint[], now: Date): PlannedEvent | null {
  const event = buildSessionEvent(session, now);
  const targets = endpoints.filter((e) => endpointWantsEvent(e.events, event.type));
  if (targets.length === 0) return null;
  return {
    event_id: newWebhookMessageId(),
    type: event.type,
    body: serializeEvent(event),
    deliveries: targets.map((e) => ({ endpoint_id: e.id, next_attempt_at: now })),
  };
}

/** `POST /v1/webhook-endpoints/{id}/test`: queued like any event (a disabled endpoint gets it once enabled). */
export function planTestEvent(endpointId: string, now: Date): PlannedEvent {
  return {
    event_id: newWebhookMessageId(),
    type: 'webhook.test',
    body: serializeEvent(buildTestEvent(endpointId, now)),
    deliveries: [{ endpoint_id: endpointId, next_attempt_at: now }],
  };
}
