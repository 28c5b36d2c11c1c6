// A session becoming final keeps the shorter of its own retention and its customer's current one
// (SQLite and PostgreSQL): other processes cache a customer for a few seconds, so a session they
// create just after a shortening carries the longer period, and the shortening's update of stored
// sessions ran before that row existed.
import { describe, expect, it } from 'vitest';
import { dialects } from '../support/databases.js';
import { ago, customer, eraseAfterOf, freshStores, H, makeSession, now } from './retention-fixtures.js';

describe.each(await dialects())('retention kept at the final status on %s', (dialect) => {
  const fresh = freshStores(dialect);

  it('a session created with the longer, cached retention takes the customer\'s shorter one when it becomes final', async () => {
    const store = await fresh();
    await store.createCustomer(customer('cus_a', 8760));
    await store.updateCustomer('cus_a', { retention_hours: 24 }, now);
    const s = makeSession('cus_a', { status: 'pending', retention_hours: 8760 }); // from the cached customer
    await store.insertSession(s);
    expect(await store.updateSession({ ...s, status: 'complete', completed_at: ago(25), version: 2 }, 1, {})).toBe(true);
    expect(await eraseAfterOf(store, s.id)).toEqual({ erase_after: ago(1).getTime(), retention_hours: 24 });
    expect(await store.findErasable(now, 10)).toEqual([s.id]);
    // The kept period is the session's now: a later, longer shortening does not extend it.
    await store.updateCustomer('cus_a', { retention_hours: 100 }, now);
    expect(await eraseAfterOf(store, s.id)).toEqual({ erase_after: ago(1).getTime(), retention_hours: 24 });
  });

  it('a customer\'s longer retention never extends a session\'s', async () => {
    const store = await fresh();
    await store.createCustomer(customer('cus_b', 24));
    const s = makeSession('cus_b', { status: 'pending' });
    await store.insertSession(s);
    await store.updateCustomer('cus_b', { retention_hours: 8760 }, now);
    expect(await store.updateSession({ ...s, status: 'failed', completed_at: ago(30), version: 2 }, 1, {})).toBe(true);
    expect(await eraseAfterOf(store, s.id)).toEqual({ erase_after: ago(6).getTime(), retention_hours: 24 });
  });

  it('other customers\' retention plays no part', async () => {
    const store = await fresh();
    await store.createCustomer(customer('cus_long', 48));
    await store.createCustomer(customer('cus_short', 1));
    const s = makeSession('cus_long', { status: 'pending', retention_hours: 48 });
    await store.insertSession(s);
    expect(await store.updateSession({ ...s, status: 'complete', completed_at: ago(10), version: 2 }, 1, {})).toBe(true);
    expect(await eraseAfterOf(store, s.id)).toEqual({ erase_after: ago(10).getTime() + 48 * H, retention_hours: 48 });
  });
});
