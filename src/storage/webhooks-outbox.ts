// The webhook outbox (API.md §5: "an event is written in the same transaction as the state change
// that causes it"). The session service calls writeSessionEvent with its transaction; the
// dispatcher finds the delivery rows due at once, on this node or any other.
import type { Kysely } from 'kysely';
import { randomToken } from '../core/ids.js';
import type { Session } from '../core/types.js';
import { planSessionEvent, planTestEvent, type OutboxEndpoint, type PlannedEvent } from '../webhooks/outbox.js';
import type { Database } from './schema.js';
import type { Tx } from './sessions.js';

export const newDeliveryId = (): string => `whdl_${randomToken(16)}`;

async function outboxEndpoints(tx: Tx, customerId: string): Promise<OutboxEndpoint[]> {
  const rows = await tx.selectFrom('webhook_endpoints').select(['id', 'status', 'events'])
    .where('customer_id', '=', customerId).where('status', '!=', 'deleted').execute();
  return rows.map((r) => ({ id: r.id, status: r.status as OutboxEndpoint['status'], events: r.events === null ? null : JSON.parse(r.events) }));
}

/** Inserts the event (exact bytes) and one delivery per planned endpoint; answers the delivery ids. */
export async function insertPlannedEvent(tx: Tx, customerId: string, sessionId: string | null, plan: PlannedEvent, now: Date): Promise<string[]> {
  const t = now.getTime();
  await tx.insertInto('webhook_events')
    .values({ id: plan.event_id, customer_id: customerId, session_id: sessionId, type: plan.type, body: plan.body, created_at: t })
    .execute();
  const rows = plan.deliveries.map((d) => ({
    id: newDeliveryId(), event_id: plan.event_id, endpoint_id: d.endpoint_id, customer_id: customerId, status: 'pending',
    attempts: 0, next_attempt_at: d.next_attempt_at.getTime(), lease_owner: null, lease_until: null, last_status: null,
    created_at: t, delivered_at: null,
  }));
  if (rows.length) await tx.insertInto('webhook_deliveries').values(rows).execute();
  return rows.map((r) => r.id);
}

export function webhookOutboxQueries(db: Kysely<Database>) {
  return {
    /** Runs inside the session change's transaction; null when no endpoint wants the event. */
    async writeSessionEvent(tx: Tx, session: Session, now: Date): Promise<PlannedEvent | null> {
      const plan = planSessionEvent(session, await outboxEndpoints(tx, session.customer_id), now);
      if (plan) await insertPlannedEvent(tx, session.customer_id, session.id, plan, now);
      return plan;
    },
    /** `POST /v1/webhook-endpoints/{id}/test`: a webhook.test event queued like any other. */
    async queueTestEvent(endpointId: string, customerId: string, now: Date): Promise<string> {
      const plan = planTestEvent(endpointId, now);
      const [deliveryId] = await db.transaction().execute((tx) => insertPlannedEvent(tx, customerId, null, plan, now));
      return deliveryId;
    },
  };
}
