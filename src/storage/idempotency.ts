import type { Kysely } from 'kysely';
import type { Database } from './schema.js';
import type { Tx } from './sessions.js';

export interface StoredAnswer {
  request_hash: string;
  status_code: number;
  response: unknown;
}

export function idempotencyQueries(db: Kysely<Database>) {
  return {
    async getIdempotent(customerId: string, key: string): Promise<StoredAnswer | null> {
      const row = await db
        .selectFrom('idempotency_keys')
        .selectAll()
        .where('customer_id', '=', customerId)
        .where('key', '=', key)
        .executeTakeFirst();
      return row ? { request_hash: row.request_hash, status_code: row.status_code, response: JSON.parse(row.response) } : null;
    },
    /** Inserted in the same transaction as the session it answers for; the primary key rejects a race. */
    async putIdempotent(tx: Tx, customerId: string, key: string, answer: StoredAnswer, now: Date): Promise<void> {
      await tx
        .insertInto('idempotency_keys')
        .values({
          customer_id: customerId,
          key,
          request_hash: answer.request_hash,
          status_code: answer.status_code,
          response: JSON.stringify(answer.response),
          created_at: now.getTime(),
        })
        .execute();
    },
    async purgeIdempotency(before: Date): Promise<void> {
      await db.deleteFrom('idempotency_keys').where('created_at', '<', before.getTime()).execute();
    },
  };
}
