// DeliveryPort.recordAttempt (rules in src/webhooks/delivery-port.ts): the attempt row, the
// endpoint's failure streak and the delivery's outcome change together. SQLite does it in one
// in-process transaction; PostgreSQL in one statement (data-modifying CTEs are atomic), one round
// trip instead of five: at a thousand attempts a second the round trips are the cost.
import type { Kysely } from 'kysely';
import { randomToken } from '../core/ids.js';
import type { AttemptRecord, DeliveryOutcome } from '../webhooks/delivery-port.js';
import type { Database, WebhookAttemptsTable } from './schema.js';
import type { Tx } from './sessions.js';

function outcomeColumns(outcome: DeliveryOutcome, at: number) {
  if (outcome.kind === 'delivered') return { status: 'delivered', delivered_at: at };
  if (outcome.kind === 'retry') return { next_attempt_at: outcome.next_attempt_at.getTime() };
  return { status: 'abandoned', abandoned_reason: outcome.reason };
}

function parts(deliveryId: string, attempt: AttemptRecord, outcome: DeliveryOutcome) {
  const started = attempt.started_at.getTime();
  const duration = Math.round(attempt.duration_ms);
  const row: WebhookAttemptsTable = {
    id: `wha_${randomToken(12)}`, delivery_id: deliveryId, number: attempt.number, started_at: started,
    status: attempt.status, duration_ms: duration, error: attempt.error, response_excerpt: attempt.response_excerpt,
  };
  const delivered = outcome.kind === 'delivered';
  // failing_since = delivered ? null : coalesce(failing_since, started), written only when it
  // changes: otherwise every attempt to a healthy endpoint queues on the endpoint's row lock.
  const endpoint = (tx: Tx) => tx.updateTable('webhook_endpoints')
    .set({ failing_since: delivered ? null : started })
    .where('id', '=', tx.selectFrom('webhook_deliveries').select('endpoint_id').where('id', '=', deliveryId))
    .where('failing_since', delivered ? 'is not' : 'is', null);
  const deliverySet = { attempts: attempt.number, last_status: attempt.status, lease_owner: null, lease_until: null, ...outcomeColumns(outcome, started + duration) };
  return { row, endpoint, deliverySet };
}

export async function recordAttempt(
  db: Kysely<Database>, dialect: 'sqlite' | 'postgres', owner: string, deliveryId: string, attempt: AttemptRecord, outcome: DeliveryOutcome,
): Promise<void> {
  const p = parts(deliveryId, attempt, outcome);
  // Only the lease holder decides; a late node whose lease was taken over just logs its attempt,
  // and a delivered event never goes back to pending.
  if (dialect === 'postgres') {
    await db
      .with('attempt', (q) => q.insertInto('webhook_attempts').values(p.row))
      .with('endpoint', () => p.endpoint(db))
      .updateTable('webhook_deliveries').set(p.deliverySet)
      .where('id', '=', deliveryId).where('lease_owner', '=', owner).where('status', '!=', 'delivered')
      .execute();
    return;
  }
  await db.transaction().execute(async (tx) => {
    await tx.insertInto('webhook_attempts').values(p.row).execute();
    await p.endpoint(tx).execute();
    await tx.updateTable('webhook_deliveries').set(p.deliverySet)
      .where('id', '=', deliveryId).where('lease_owner', '=', owner).where('status', '!=', 'delivered')
      .execute();
  });
}
