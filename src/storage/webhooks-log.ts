// The merchant's delivery log and replay (API.md §5: GET /v1/webhook-deliveries, POST …/retry).
import type { Kysely, Transaction } from 'kysely';
import type { AbandonReason, AttemptRecord } from '../webhooks/delivery-port.js';
import type { Database } from './schema.js';

export interface DeliveryRecord {
  id: string;
  event_id: string;
  event_type: string;
  session_id: string | null;
  endpoint_id: string;
  status: 'pending' | 'delivered' | 'abandoned';
  attempt_count: number;
  next_attempt_at: Date | null;
  last_status: number | null;
  created_at: Date;
  delivered_at: Date | null;
  /** Why it was abandoned; null otherwise (and for deliveries abandoned before migration 009). */
  abandoned_reason: AbandonReason | null;
  attempts: AttemptRecord[];
}

export interface DeliveryPage {
  data: DeliveryRecord[];
  next_cursor: string | null;
}

export interface DeliveryFilter {
  session_id?: string;
  endpoint_id?: string;
  cursor: { t: number; id: string } | null;
  limit: number;
}

const date = (v: number | null) => (v === null ? null : new Date(Number(v)));

export function webhookLogQueries(db: Kysely<Database>, dialect: 'sqlite' | 'postgres') {
  // Deliveries and their attempts from one snapshot: a log that shows an attempt also shows its count.
  const snapshot = <T>(fn: (tx: Transaction<Database>) => Promise<T>) =>
    (dialect === 'postgres' ? db.transaction().setIsolationLevel('repeatable read') : db.transaction()).execute(fn);
  const base = (tx: Transaction<Database>, customerId: string) => tx.selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_events as ev', 'ev.id', 'd.event_id')
    .selectAll('d')
    .select(['ev.type as event_type', 'ev.session_id'])
    .where('d.customer_id', '=', customerId);

  async function withAttempts(tx: Transaction<Database>, rows: Awaited<ReturnType<ReturnType<typeof base>['execute']>>): Promise<DeliveryRecord[]> {
    const ids = rows.map((r) => r.id);
    const attempts = ids.length
      ? await tx.selectFrom('webhook_attempts').selectAll().where('delivery_id', 'in', ids).orderBy('started_at').orderBy('number').execute()
      : [];
    return rows.map((r) => ({
      id: r.id, event_id: r.event_id, event_type: r.event_type, session_id: r.session_id, endpoint_id: r.endpoint_id,
      status: r.status as DeliveryRecord['status'], attempt_count: Number(r.attempts),
      next_attempt_at: r.status === 'pending' ? new Date(Number(r.next_attempt_at)) : null,
      last_status: r.last_status, created_at: new Date(Number(r.created_at)), delivered_at: date(r.delivered_at),
      abandoned_reason: r.status === 'abandoned' ? (r.abandoned_reason as AbandonReason | null) : null,
      attempts: attempts.filter((a) => a.delivery_id === r.id).map((a) => ({
        number: Number(a.number), started_at: new Date(Number(a.started_at)), status: a.status,
        duration_ms: Number(a.duration_ms), error: a.error, response_excerpt: a.response_excerpt,
      })),
    }));
  }

  return {
    /** Newest first; the cursor continues after the last row of the previous page. */
    listWebhookDeliveries: (customerId: string, f: DeliveryFilter): Promise<DeliveryPage> => snapshot(async (tx) => {
      let q = base(tx, customerId);
      if (f.session_id) q = q.where('ev.session_id', '=', f.session_id);
      if (f.endpoint_id) q = q.where('d.endpoint_id', '=', f.endpoint_id);
      const c = f.cursor;
      if (c) q = q.where((eb) => eb.or([eb('d.created_at', '<', c.t), eb.and([eb('d.created_at', '=', c.t), eb('d.id', '<', c.id)])]));
      const rows = await q.orderBy('d.created_at', 'desc').orderBy('d.id', 'desc').limit(f.limit + 1).execute();
      const data = await withAttempts(tx, rows.slice(0, f.limit));
      const last = data[data.length - 1];
      const next_cursor = rows.length > f.limit && last
        ? Buffer.from(JSON.stringify({ t: last.created_at.getTime(), id: last.id })).toString('base64url')
        : null;
      return { data, next_cursor };
    }),
    getWebhookDelivery: (id: string, customerId: string): Promise<DeliveryRecord | null> => snapshot(async (tx) => {
      const rows = await base(tx, customerId).where('d.id', '=', id).execute();
      return (await withAttempts(tx, rows))[0] ?? null;
    }),
    /**
     * Manual replay: the delivery is due now, with the same webhook-id. A delivered or abandoned
     * one gets one more attempt (its schedule continues from its attempt count); for a disabled
     * endpoint it waits, due, until the endpoint is enabled (held anew: abandoned again as
     * 'endpoint_disabled' only after another whole span); a delivery whose endpoint was
     * deleted stays as it is. A delivery a node holds leased has its attempt in flight: that
     * attempt is the one asked for, and its recorded outcome (delivered, or the next retry) must
     * not be overwritten, so it is left unchanged. Answers false for an unknown id.
     */
    async retryWebhookDelivery(id: string, customerId: string, now: Date): Promise<boolean> {
      const row = await db.selectFrom('webhook_deliveries as d').innerJoin('webhook_endpoints as e', 'e.id', 'd.endpoint_id')
        .select(['d.id', 'e.status as endpoint_status']).where('d.id', '=', id).where('d.customer_id', '=', customerId).executeTakeFirst();
      if (!row) return false;
      if (row.endpoint_status === 'deleted') return true;
      const t = now.getTime();
      // One statement: on PostgreSQL it waits for a claim that holds the row, then sees its lease.
      await db.updateTable('webhook_deliveries')
        .set({ status: 'pending', next_attempt_at: t, delivered_at: null, abandoned_reason: null })
        .where('id', '=', id)
        .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', t)]))
        .execute();
      return true;
    },
  };
}
