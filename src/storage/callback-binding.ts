// Which browser may return from an OIDC provider (migration 004, docs/oidc.md). The page mints a
// one-time go nonce (`n:<digest>`); opening it in the top-level window or popup swaps it, once, for
// the digest of a first-party cookie (`c:<digest>`) that the callback must present (`u:` once used).
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export function callbackBindingQueries(db: Kysely<Database>) {
  return {
    async getCallbackBinding(sessionId: string): Promise<string | null> {
      const row = await db.selectFrom('sessions').select('callback_binding').where('id', '=', sessionId).executeTakeFirst();
      return row?.callback_binding ?? null;
    },
    /** A new nonce replaces any earlier nonce or cookie: the latest click is the one that counts. */
    async setCallbackBinding(sessionId: string, value: string): Promise<void> {
      await db.updateTable('sessions').set({ callback_binding: value }).where('id', '=', sessionId).execute();
    },
    /** Compare-and-swap: only the first request holding `expected` wins (one-time nonce). */
    async swapCallbackBinding(sessionId: string, expected: string, next: string): Promise<boolean> {
      const r = await db
        .updateTable('sessions')
        .set({ callback_binding: next })
        .where('id', '=', sessionId)
        .where('callback_binding', '=', expected)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
  };
}
