// The storage port of the webhook dispatcher. The SQL implementation is
// src/storage/webhooks-delivery-port.ts (SQLite and PostgreSQL); test/webhooks/support/
// memory-delivery-port.ts is the reference behaviour, and the dispatcher-*.test.ts suites are the
// contract both pass (test/webhooks/dispatcher-on-{sqlite,postgres}.test.ts run them on SQL).
//
// Rows the storage keeps (names are a suggestion):
//   webhook_deliveries: id, event_id (= webhook-id), endpoint_id, body (exact bytes), state
//     ('pending' | 'delivered' | 'abandoned'), attempts, next_attempt_at, leased_by, leased_until,
//     created_at, last_status, delivered_at, abandoned_reason — written in the transaction of the
//     session change.
//   webhook_attempts: delivery_id, number, started_at, status, duration_ms, error, response_excerpt.
//   webhook_endpoints: …, status ('enabled' | 'disabled'), disabled_reason, failing_since,
//     secrets (current + previous until its 24 h end), and the customer's allow_private_webhooks.

/** A delivery this node has leased and must attempt now. */
export interface DueDelivery {
  delivery_id: string;
  /** The `webhook-id` header: the same on every attempt of one event. */
  event_id: string;
  endpoint_id: string;
  url: string;
  /** Every secret that signs now, `whsec_…`: the new one and, for 24 h after rotation, the old. */
  secrets: string[];
  /** The customer's `allow_private_webhooks` flag, read at claim time. */
  allow_private: boolean;
  /** The serialised event, exactly as stored; sent and signed byte for byte. */
  body: string;
  /** Attempts already made (0 for a new event). */
  attempts: number;
  created_at: Date;
  /** Start of the endpoint's current run of failures (null when its last attempt succeeded). */
  endpoint_failing_since: Date | null;
}

export interface AttemptRecord {
  /** 1-based, = DueDelivery.attempts + 1. */
  number: number;
  started_at: Date;
  /** null when no HTTP answer came (refused URL, network error, timeout). */
  status: number | null;
  duration_ms: number;
  error: string | null;
  /** First 1 KiB of the receiver's answer, for the merchant's delivery log. */
  response_excerpt: string | null;
}

/**
 * Why a delivery was abandoned, shown in the merchant's delivery log: its schedule ran out, it was
 * held for a disabled endpoint longer than the schedule's span (held-deliveries.ts), or its
 * endpoint was deleted.
 */
export const ABANDON_REASONS = ['retries_exhausted', 'endpoint_disabled', 'endpoint_deleted'] as const;
export type AbandonReason = (typeof ABANDON_REASONS)[number];

export type DeliveryOutcome =
  | { kind: 'delivered' }
  | { kind: 'retry'; next_attempt_at: Date }
  | { kind: 'abandoned'; reason: AbandonReason };

export interface QueueStats {
  /** Deliveries in state 'pending' (due or not) for enabled endpoints. */
  depth: number;
  /** created_at of the oldest of those, null when none is pending. */
  oldest_pending_created_at: Date | null;
  /**
   * Pending deliveries held for disabled endpoints (sent once the endpoint is enabled). Counted
   * apart, so that an endpoint a merchant leaves disabled does not keep the queue alerts firing.
   */
  held: number;
}

export interface DeliveryPort {
  /**
   * Leases up to `limit` pending deliveries whose next_attempt_at <= now, whose lease is absent or
   * ran out (a dead node's lease is taken over), and whose endpoint is enabled; oldest due first.
   * Sets leased_by = owner, leased_until = now + leaseMs. PostgreSQL: FOR UPDATE SKIP LOCKED, so
   * two nodes never lease the same row. The SQL side may use the database clock instead of `now`.
   */
  claimDue(owner: string, now: Date, limit: number, leaseMs: number): Promise<DueDelivery[]>;

  /**
   * In one transaction: insert the attempt; if the delivery is still leased by `owner`, set
   * attempts = attempt.number, apply the outcome (delivered: state, delivered_at; retry:
   * next_attempt_at; abandoned: state, abandoned_reason) and clear the lease; set the endpoint's
   * failing_since to null on 'delivered', else to coalesce(failing_since, attempt.started_at). A
   * delivery that is already 'delivered' never goes back to pending.
   */
  recordAttempt(owner: string, deliveryId: string, attempt: AttemptRecord, outcome: DeliveryOutcome): Promise<void>;

  /**
   * Marks the endpoint disabled and sets disabled_at = now (claimDue skips its deliveries; they
   * wait until enable, or until abandonHeld gives up on them).
   */
  disableEndpoint(endpointId: string, reason: string, now: Date): Promise<void>;

  /**
   * Abandons, with abandoned_reason 'endpoint_disabled', up to `limit` pending deliveries that have
   * been held at least `heldMs`: their endpoint is disabled and was disabled at or before
   * now - heldMs (a null disabled_at counts as long ago), their next_attempt_at is at or before
   * now - heldMs, and no live lease holds them. Clears the lease columns; answers how many it
   * abandoned. Idempotent and bounded, so every node may run it: SQL uses one UPDATE over the
   * (status, next_attempt_at) index, on PostgreSQL skipping rows another node has locked.
   */
  abandonHeld(now: Date, heldMs: number, limit: number): Promise<number>;

  /** For the queue-depth and oldest-undelivered-age gauges. */
  queueStats(now: Date): Promise<QueueStats>;
}
