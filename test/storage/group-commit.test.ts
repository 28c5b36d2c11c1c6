// writeGrouped: the state changes of one event-loop turn share one SQLite transaction, yet each stays
// atomic on its own — a failing one takes back all of its own writes and none of the others'.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newSessionId, randomToken } from '../../src/core/ids.js';
import type { Session } from '../../src/core/types.js';
import { openStore, type Store } from '../../src/storage/store.js';
import { dialects, openDatabase, TEST_SECRET, type TestDatabase } from '../support/databases.js';

const now = new Date('2026-03-01T10:00:00Z');

describe.each(await dialects())('grouped writes on %s', (dialect) => {
  let db: TestDatabase;
  let store: Store;
  let customerId: string;
  const session = (): Session => ({
    id: newSessionId(), customer_id: customerId, status: 'created', method: 'demo', operation: 'authenticate', flow: 'browser',
    relay_state: null, metadata: null,
    options: { target: null, target_error: null, locale: 'en', sign: null, device: 'auto', min_assurance: null, return_url: null, frame_origin: null, phone: null },
    personal: { personal_number: null, end_user_ip: null, result: null }, provider_state: null, launch: null, progress: null, error: null, version: 1,
    created_at: now, updated_at: now, expires_at: new Date(now.getTime() + 600_000), completed_at: null, result_erased_at: null,
    retention_hours: 24, page_token: randomToken(), browser_binding: null,
  });
  const exists = async (s: Session) => (await store.getSession(s.id)) !== null;

  beforeAll(async () => {
    db = await openDatabase(dialect);
    store = await openStore(db.url, TEST_SECRET);
    await store.migrate();
    customerId = `cus_${randomToken(8)}`;
    await store.createCustomer({ id: customerId, name: 'Shop', targets: [], frame_origins: [], methods: ['demo'], retention_hours: 24, allow_private_webhooks: false, created_at: now, updated_at: now });
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  it('commits the works of one turn; a failing one loses all of its writes and only its own', async () => {
    const [a1, a2, b1, b2, c1] = [session(), session(), session(), session(), session()];
    const results = await Promise.allSettled([
      store.writeGrouped(async (tx) => {
        await store.insertSession(a1, tx);
        await store.insertSession(a2, tx);
        return 'a';
      }),
      store.writeGrouped(async (tx) => {
        await store.insertSession(b1, tx);
        await store.insertSession(b2, tx);
        throw new Error('b fails after two writes');
      }),
      store.writeGrouped(async (tx) => {
        await store.insertSession(c1, tx);
        return 'c';
      }),
    ]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual(['a', 'b fails after two writes', 'c']);
    expect(await Promise.all([a1, a2, b1, b2, c1].map(exists))).toEqual([true, true, false, false, true]);
  });

  it('a work alone in its turn is a transaction too', async () => {
    const d1 = session();
    const d2 = session();
    await expect(store.writeGrouped(async (tx) => {
      await store.insertSession(d1, tx);
      await store.insertSession(d2, tx);
      throw new Error('d fails');
    })).rejects.toThrow('d fails');
    expect(await Promise.all([d1, d2].map(exists))).toEqual([false, false]);
  });

  it('optimistic updates of one session in one turn: one wins, the other sees its version', async () => {
    const s = session();
    await store.insertSession(s);
    const next = (relay: string): Session => ({ ...s, relay_state: relay, version: 2 });
    const [first, second] = await Promise.all([
      store.writeGrouped((tx) => store.updateSession(next('first'), 1, {}, tx)),
      store.writeGrouped((tx) => store.updateSession(next('second'), 1, {}, tx)),
    ]);
    expect([first, second].filter(Boolean)).toHaveLength(1); // one wins (on SQLite the first; on PostgreSQL either)
    expect((await store.getSession(s.id))?.relay_state).toBe(first ? 'first' : 'second');
  });
});
