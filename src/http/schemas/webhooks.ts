// Webhook endpoints and deliveries as the merchant API answers them (API.md §5), and the event body
// a receiver gets. Strict for the tests that compare them with real answers; open in the document.
import { z } from 'zod';
import { ABANDON_REASONS } from '../../webhooks/delivery-port.js';
import { SESSION_EVENT_TYPES } from '../../webhooks/event.js';

const time = z.iso.datetime();

export const WebhookEndpoint = z.strictObject({
  id: z.string(),
  url: z.string(),
  events: z.array(z.enum(SESSION_EVENT_TYPES)).nullable().describe('Event types sent; null = every session event.'),
  status: z.enum(['enabled', 'disabled']),
  disabled_reason: z.string().nullable().describe('Why the broker disabled it, e.g. the receiver answered 410.'),
  disabled_at: time.nullable(),
  created_at: time,
  updated_at: time,
});

export const WebhookEndpointCreated = WebhookEndpoint.extend({
  secret: z.string().describe('`whsec_…`: verifies `webhook-signature`. Shown only here and by rotate-secret.'),
});

export const WebhookEndpointList = z.strictObject({ data: z.array(WebhookEndpoint) });

export const WebhookSecret = z.strictObject({
  id: z.string(),
  secret: z.string().describe('The new `whsec_…`; the previous one still signs for 24 h.'),
});

export const WebhookAttempt = z.strictObject({
  number: z.number().int().min(1),
  started_at: time,
  status: z.number().int().nullable().describe('The receiver\'s HTTP status; null when none came.'),
  duration_ms: z.number(),
  error: z.string().nullable(),
  response_excerpt: z.string().nullable().describe('The start of the receiver\'s answer.'),
});

export const WebhookDelivery = z.strictObject({
  id: z.string(),
  event_id: z.string().describe('The `webhook-id` header: the same on every retry.'),
  event_type: z.enum([...SESSION_EVENT_TYPES, 'webhook.test']),
  session_id: z.string().nullable(),
  endpoint_id: z.string(),
  status: z.enum(['pending', 'delivered', 'abandoned']),
  attempt_count: z.number().int().min(0),
  next_attempt_at: time.nullable(),
  last_status: z.number().int().nullable(),
  created_at: time,
  delivered_at: time.nullable(),
  abandoned_reason: z.enum(ABANDON_REASONS).nullable()
    .describe('Why it was abandoned: its schedule ran out, it was held for a disabled endpoint longer than the schedule (about three days), or its endpoint was deleted; null unless abandoned.'),
  attempts: z.array(WebhookAttempt),
});

export const WebhookDeliveryList = z.strictObject({
  data: z.array(WebhookDelivery),
  next_cursor: z.string().nullable(),
});

/** What a receiver gets (Standard Webhooks): no personal data. */
export const WebhookEvent = z.strictObject({
  type: z.enum([...SESSION_EVENT_TYPES, 'webhook.test']),
  timestamp: time.describe('When the session ended (not when this attempt was sent).'),
  data: z.union([
    z.strictObject({
      id: z.string(),
      status: z.enum(['complete', 'failed', 'cancelled', 'expired']),
      method: z.string(),
      operation: z.enum(['authenticate', 'sign']),
      relay_state: z.string().nullable(),
      error: z.strictObject({ code: z.string(), message: z.string() }).nullable(),
    }),
    z.strictObject({ endpoint_id: z.string() }).describe('webhook.test'),
  ]),
});
