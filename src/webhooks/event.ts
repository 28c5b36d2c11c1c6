// Webhook event bodies (API.md §5; Standard Webhooks 1.0 "Payload structure": type, timestamp,
// data). The body is "thin": ids and status only. Fields are copied one by one from an allowlist,
// so identity, signature or device data of a session can never slip into a webhook.
import { randomBytes } from 'node:crypto';
import type { FinalStatus, MethodId, Operation, SessionError, SessionStatus } from '../core/types.js';

export const SESSION_EVENT_TYPES = [
  'session.completed',
  'session.failed',
  'session.cancelled',
  'session.expired',
] as const;
export type SessionEventType = (typeof SESSION_EVENT_TYPES)[number];
export type WebhookEventType = SessionEventType | 'webhook.test';

const TYPE_OF_STATUS: Record<FinalStatus, SessionEventType> = {
  complete: 'session.completed',
  failed: 'session.failed',
  cancelled: 'session.cancelled',
  expired: 'session.expired',
};

/** The least a session read must offer; extra fields (result, metadata…) are ignored. */
export interface SessionEventSource {
  id: string;
  status: SessionStatus;
  method: MethodId;
  operation: Operation;
  relay_state: string | null;
  error: SessionError | null;
  completed_at: Date | string | null;
}

export interface SessionEventBody {
  type: SessionEventType;
  timestamp: string;
  data: {
    id: string;
    status: FinalStatus;
    method: MethodId;
    operation: Operation;
    relay_state: string | null;
    error: SessionError | null;
  };
}

export interface TestEventBody {
  type: 'webhook.test';
  timestamp: string;
  data: { endpoint_id: string };
}

export function eventTypeForStatus(status: SessionStatus): SessionEventType | null {
  return status in TYPE_OF_STATUS ? TYPE_OF_STATUS[status as FinalStatus] : null;
}

function toIso(value: Date | string): string {
  return (typeof value === 'string' ? new Date(value) : value).toISOString();
}

/** The event of a session's final status; throws for a session that has not ended. */
export function buildSessionEvent(session: SessionEventSource, now: Date): SessionEventBody {
  const type = eventTypeForStatus(session.status);
  if (!type) throw new Error(`session ${session.id} is not final: no webhook event`);
  const error = session.error ? { code: session.error.code, message: session.error.message } : null;
  return {
    type,
    // The spec's event timestamp is when the event happened, not when it is delivered.
    timestamp: toIso(session.completed_at ?? now),
    data: {
      id: session.id,
      status: session.status as FinalStatus,
      method: session.method,
      operation: session.operation,
      relay_state: session.relay_state,
      error,
    },
  };
}

export function buildTestEvent(endpointId: string, now: Date): TestEventBody {
  return { type: 'webhook.test', timestamp: now.toISOString(), data: { endpoint_id: endpointId } };
}

/** The exact bytes that are stored, signed and sent (signatures break on re-serialisation). */
export function serializeEvent(event: SessionEventBody | TestEventBody): string {
  return JSON.stringify(event);
}

/** An endpoint's event filter: none or empty means every session event; tests always pass. */
export function endpointWantsEvent(filter: readonly string[] | null | undefined, type: WebhookEventType): boolean {
  if (type === 'webhook.test') return true;
  return !filter || filter.length === 0 || filter.includes(type);
}

/** The `webhook-id`: fixed per event, kept on every retry; no `.` (spec "Signature scheme"). */
export function newWebhookMessageId(): string {
  return 'msg_' + randomBytes(20).toString('base64url');
}
