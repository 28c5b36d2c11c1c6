// A lookup by a key that is not a string answers "not found" to its own caller and fails no other
// lookup of its turn (SQLite and PostgreSQL). On PostgreSQL the lookups of one turn are one
// statement (turn-batch.ts): a node older than the kept first answer replayed an Idempotency-Key
// with `getSession(undefined)`, and the batch's filter threw for every lookup of that turn.
import { describe, expect, it } from 'vitest';
import { dialects } from '../support/databases.js';
import { customer, freshStores, makeSession } from './retention-fixtures.js';

describe.each(await dialects())('session lookups by a key that is not a string on %s', (dialect) => {
  const fresh = freshStores(dialect);

  it('answer null alone; the other lookups of the same turn are answered', async () => {
    const store = await fresh();
    await store.createCustomer(customer('cus_a', 24));
    const s = makeSession('cus_a');
    await store.insertSession(s);
    const bad = [undefined, null, 42, { id: s.id }] as unknown as string[];
    const r = await Promise.allSettled([
      ...bad.map((k) => store.getSession(k, 'cus_a')),
      store.getSession(s.id, 'cus_a'),
      ...bad.map((k) => store.getSessionByPageToken(k)),
      store.getSessionByPageToken(s.page_token),
    ]);
    const values = r.map((x) => (x.status === 'fulfilled' ? x.value?.id ?? null : `rejected: ${String(x.reason)}`));
    expect(values).toEqual([null, null, null, null, s.id, null, null, null, null, s.id]);
  });
});
