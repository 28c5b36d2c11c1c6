// The SQL DeliveryPort (src/webhooks/delivery-port.ts documents each rule; the in-memory port in
// test/webhooks/support is the reference). Leases make every node attempt a delivery alone; a dead
// node's lease runs out and another node takes the row over (DESIGN.md "Scale").
import type { Kysely } from 'kysely';
import type { AttemptRecord, DeliveryOutcome, DeliveryPort, DueDelivery, QueueStats } from '../webhooks/delivery-port.js';
import { activeSecrets } from '../webhooks/secret-rotation.js';
import type { Database } from './schema.js';
import type { Sealer } from './sealing.js';
import type { Tx } from './sessions.js';
import { openSecrets } from './webhooks-endpoints.js';
import { recordAttempt } from './webhooks-record-attempt.js';

type Dialect = 'sqlite' | 'postgres';

async function leaseDue(tx: Tx, dialect: Dialect, owner: string, t: number, limit: number, leaseMs: number): Promise<string[]> {
  let q = tx.selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_endpoints as e', 'e.id', 'd.endpoint_id')
    .select('d.id')
    .where('d.status', '=', 'pending')
    .where('d.next_attempt_at', '<=', t)
    .where((eb) => eb.or([eb('d.lease_until', 'is', null), eb('d.lease_until', '<=', t)]))
    .where('e.status', '=', 'enabled')
    .orderBy('d.next_attempt_at')
    .limit(limit);
  // Lock only the delivery rows: two nodes skip each other's rows, never a whole endpoint.
  if (dialect === 'postgres') q = q.forUpdate(['d']).skipLocked();
  const ids = (await q.execute()).map((r) => r.id);
  if (ids.length) {
    await tx.updateTable('webhook_deliveries').set({ lease_owner: owner, lease_until: t + leaseMs }).where('id', 'in', ids).execute();
  }
  return ids;
}

async function loadDue(tx: Tx, sealer: Sealer, ids: string[], now: Date): Promise<DueDelivery[]> {
  if (!ids.length) return [];
  const rows = await tx.selectFrom('webhook_deliveries as d')
    .innerJoin('webhook_events as ev', 'ev.id', 'd.event_id')
    .innerJoin('webhook_endpoints as e', 'e.id', 'd.endpoint_id')
    .innerJoin('customers as c', 'c.id', 'e.customer_id')
    .select(['d.id', 'd.event_id', 'd.endpoint_id', 'd.attempts', 'd.created_at', 'd.next_attempt_at', 'ev.body', 'e.url', 'e.secrets_sealed', 'e.failing_since', 'c.allow_private_webhooks'])
    .where('d.id', 'in', ids)
    .orderBy('d.next_attempt_at')
    .execute();
  return rows.map((r) => ({
    delivery_id: r.id,
    event_id: r.event_id,
    endpoint_id: r.endpoint_id,
    url: r.url,
    secrets: activeSecrets(openSecrets(sealer, r.endpoint_id, r.secrets_sealed), now),
    allow_private: Boolean(r.allow_private_webhooks),
    body: r.body,
    attempts: Number(r.attempts),
    created_at: new Date(Number(r.created_at)),
    endpoint_failing_since: r.failing_since === null ? null : new Date(Number(r.failing_since)),
  }));
}

/**
 * Deliveries held for a disabled endpoint too long (held-deliveries.ts), in one bounded UPDATE.
 * The rows come from the range `pending, due before the cutoff` of the (status, next_attempt_at)
 * index, which outside held rows holds only a backlog. A materialized CTE picks them once: as an
 * `IN (… LIMIT n)` subquery PostgreSQL may rescan it per row (a semi join) and update every held
 * row, not n. The outer conditions are checked again on each row as it is updated (PostgreSQL
 * re-reads a row another transaction just changed), so a retry or a claim that got there first
 * stands; two nodes sweeping at once skip each other's rows.
 */
async function abandonHeld(db: Kysely<Database>, dialect: Dialect, now: Date, heldMs: number, limit: number): Promise<number> {
  const t = now.getTime();
  const cutoff = t - heldMs;
  const r = await db
    .with((cte) => cte('held').materialized(), (q) => {
      const held = q.selectFrom('webhook_deliveries as d')
        .innerJoin('webhook_endpoints as e', 'e.id', 'd.endpoint_id')
        .select('d.id')
        .where('d.status', '=', 'pending')
        .where('d.next_attempt_at', '<=', cutoff)
        .where('e.status', '=', 'disabled')
        .where((eb) => eb.or([eb('e.disabled_at', 'is', null), eb('e.disabled_at', '<=', cutoff)]))
        .limit(limit);
      return dialect === 'postgres' ? held.forUpdate(['d']).skipLocked() : held;
    })
    .updateTable('webhook_deliveries')
    .set({ status: 'abandoned', abandoned_reason: 'endpoint_disabled', lease_owner: null, lease_until: null })
    .where('id', 'in', (eb) => eb.selectFrom('held').select('held.id'))
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', cutoff)
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', t)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export function createSqlDeliveryPort(db: Kysely<Database>, sealer: Sealer, dialect: Dialect): DeliveryPort {
  return {
    async claimDue(owner, now, limit, leaseMs) {
      return db.transaction().execute(async (tx) => loadDue(tx, sealer, await leaseDue(tx, dialect, owner, now.getTime(), limit, leaseMs), now));
    },

    recordAttempt: (owner: string, deliveryId: string, attempt: AttemptRecord, outcome: DeliveryOutcome) =>
      recordAttempt(db, dialect, owner, deliveryId, attempt, outcome),

    async disableEndpoint(endpointId, reason, now) {
      await db.updateTable('webhook_endpoints')
        .set({ status: 'disabled', disabled_reason: reason, disabled_at: now.getTime(), updated_at: now.getTime() })
        .where('id', '=', endpointId).where('status', '=', 'enabled').execute();
    },

    abandonHeld: (now, heldMs, limit) => abandonHeld(db, dialect, now, heldMs, limit),

    async queueStats(): Promise<QueueStats> {
      const rows = await db.selectFrom('webhook_deliveries as d')
        .innerJoin('webhook_endpoints as e', 'e.id', 'd.endpoint_id')
        .select((eb) => ['e.status', eb.fn.countAll<number>().as('depth'), eb.fn.min('d.created_at').as('oldest')])
        .where('d.status', '=', 'pending')
        .groupBy('e.status')
        .execute();
      const enabled = rows.find((r) => r.status === 'enabled');
      const held = rows.filter((r) => r.status !== 'enabled').reduce((n, r) => n + Number(r.depth), 0);
      const oldest = enabled?.oldest ?? null;
      return { depth: Number(enabled?.depth ?? 0), oldest_pending_created_at: oldest === null ? null : new Date(Number(oldest)), held };
    },
  };
}
