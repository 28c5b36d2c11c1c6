// The public surface of the webhooks package, for compose.ts, storage and the HTTP layer.
export { createDispatcher, type DispatcherOptions, type WebhookDispatcher } from './dispatcher.js';
export type { AttemptRecord, DeliveryOutcome, DeliveryPort, DueDelivery, QueueStats } from './delivery-port.js';
export {
  buildSessionEvent, buildTestEvent, endpointWantsEvent, eventTypeForStatus, newWebhookMessageId, serializeEvent,
  SESSION_EVENT_TYPES, type SessionEventBody, type SessionEventSource, type TestEventBody, type WebhookEventType,
} from './event.js';
export { planSessionEvent, planTestEvent, type OutboxEndpoint, type PlannedEvent } from './outbox.js';
export { checkAddress } from './ip-policy.js';
export { checkWebhookUrl, systemResolver, type Resolver, type UrlCheck, type UrlCheckOptions } from './ssrf-guard.js';
export { generateWebhookSecret, isWebhookSecret, parseWebhookSecret } from './secret.js';
export { activeSecrets, rotateSecrets, ROTATION_OVERLAP_MS, type StoredSecret } from './secret-rotation.js';
export { sign, signedHeaders, type WebhookHeaders } from './signing.js';
export { sendWebhook, DEFAULT_TIMEOUT_MS, type SendRequest, type SendResult } from './sender.js';
export { createConnectionPools, type ConnectionPools } from './connection-pools.js';
export { nextAttemptAt, shouldDisableEndpoint, RETRY_DELAYS_MS, MAX_ATTEMPTS } from './schedule.js';
export type { WebhookLogger } from './webhook-logger.js';
