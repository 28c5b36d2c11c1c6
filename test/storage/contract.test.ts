// The storage contract: every domain method behaves the same on SQLite and PostgreSQL.
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newSessionId, randomToken } from '../../src/core/ids.js';
import type { Session } from '../../src/core/types.js';
import { keyDigest } from '../../src/storage/customers.js';
import { openStore, type Store } from '../../src/storage/store.js';
import { dialects, openDatabase, PG_URL, TEST_SECRET, type TestDatabase } from '../support/databases.js';

const now = new Date('2026-03-01T10:00:00Z');

function makeSession(customerId: string, extra: Partial<Session> = {}): Session {
  return {
    id: newSessionId(), customer_id: customerId, status: 'created', method: 'demo', operation: 'authenticate', flow: 'browser',
    relay_state: 'r', metadata: { order: 42 },
    options: { target: null, target_error: null, locale: 'sv', sign: null, device: 'auto', min_assurance: null, return_url: null, frame_origin: null, phone: null },
    personal: { personal_number: '199001012385', end_user_ip: '10.1.2.3', result: null },
    provider_state: null, launch: null, progress: null, error: null, version: 1,
    created_at: now, updated_at: now, expires_at: new Date(now.getTime() + 600_000), completed_at: null, result_erased_at: null,
    retention_hours: 24, page_token: randomToken(), browser_binding: null, ...extra,
  };
}

describe.each(await dialects())('storage contract on %s', (dialect) => {
  let db: TestDatabase;
  let store: Store;
  let customerId: string;

  beforeAll(async () => {
    db = await openDatabase(dialect);
    store = await openStore(db.url, TEST_SECRET);
    expect(await store.migrate()).toContain('001-initial');
    customerId = `cus_${randomToken(8)}`;
    await store.createCustomer({ id: customerId, name: 'Shop', targets: ['https://shop.example/done'], frame_origins: [], methods: ['demo'], retention_hours: 24, allow_private_webhooks: false, created_at: now, updated_at: now });
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  it('migrates idempotently', async () => {
    expect(await store.migrate()).toEqual([]);
  });

  it('round-trips a session and keeps personal data sealed in the row', async () => {
    const s = makeSession(customerId);
    await store.insertSession(s);
    const back = await store.getSession(s.id);
    expect(back).toEqual(s);
    const row = await store.db.selectFrom('sessions').selectAll().where('id', '=', s.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain('199001012385');
    expect(JSON.stringify(row)).not.toContain('10.1.2.3');
    expect(row.personal_sealed).toMatch(/^v1\./);
  });

  it('refuses a sealed blob moved to another row', async () => {
    const a = makeSession(customerId);
    const b = makeSession(customerId, { personal: { personal_number: null, end_user_ip: null, result: null } });
    await store.insertSession(a);
    await store.insertSession(b);
    const row = await store.db.selectFrom('sessions').select('personal_sealed').where('id', '=', a.id).executeTakeFirstOrThrow();
    await store.db.updateTable('sessions').set({ personal_sealed: row.personal_sealed }).where('id', '=', b.id).execute();
    await expect(store.getSession(b.id)).rejects.toThrow();
  });

  it('scopes reads to a customer', async () => {
    const s = makeSession(customerId);
    await store.insertSession(s);
    expect(await store.getSession(s.id, 'cus_other')).toBeNull();
    expect((await store.getSession(s.id, customerId))?.id).toBe(s.id);
    expect((await store.getSessionByPageToken(s.page_token))?.id).toBe(s.id);
  });

  it('answers the lookups of one turn each with its own row and customer (batched on PostgreSQL)', async () => {
    const otherId = `cus_${randomToken(8)}`;
    await store.createCustomer({ id: otherId, name: 'Other', targets: [], frame_origins: [], methods: ['demo'], retention_hours: 24, allow_private_webhooks: false, created_at: now, updated_at: now });
    const a = makeSession(customerId);
    const b = makeSession(customerId);
    const c = makeSession(otherId);
    for (const s of [a, b, c]) await store.insertSession(s);
    const [ra, rb, rc, rcWrong, ra2, missing, nul, pa, pc, pMissing] = await Promise.all([
      store.getSession(a.id, customerId), store.getSession(b.id), store.getSession(c.id, otherId), store.getSession(c.id, customerId),
      store.getSession(a.id), store.getSession(newSessionId()), store.getSession(`${a.id}\u0000`),
      store.getSessionByPageToken(a.page_token), store.getSessionByPageToken(c.page_token), store.getSessionByPageToken(`x\u0000${c.page_token}`),
    ]);
    expect([ra?.id, rb?.id, rc?.id, ra2?.id, pa?.id, pc?.id]).toEqual([a.id, b.id, c.id, a.id, a.id, c.id]);
    expect([rcWrong, missing, nul, pMissing]).toEqual([null, null, null, null]);
    expect(ra).toEqual(a);
    expect(ra).not.toBe(ra2); // each caller gets its own object
  });

  it('commits the creates of one turn; a bad row fails alone and changes nothing stored', async () => {
    const existing = makeSession(customerId, { relay_state: 'first' });
    await store.insertSession(existing);
    // Values that an array literal must escape (PostgreSQL's batch is one array per column).
    const fresh = [makeSession(customerId, { relay_state: 'NULL' }), makeSession(customerId, { relay_state: '{"a,b"}\\ \'x\' åäö 🙂', metadata: { q: 'a"b\\c' } }), makeSession(customerId, { relay_state: null })];
    const clash = makeSession(customerId, { id: existing.id, relay_state: 'second' });
    const results = await Promise.allSettled([...fresh.map((s) => store.insertSessionGrouped(s)), store.insertSessionGrouped(clash)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected']);
    for (const s of fresh) expect(await store.getSession(s.id)).toEqual(s);
    expect((await store.getSession(existing.id))?.relay_state).toBe('first');
  });

  it('updates only from the expected version (optimistic concurrency)', async () => {
    const s = makeSession(customerId);
    await store.insertSession(s);
    const next = { ...s, status: 'pending' as const, version: 2 };
    expect(await store.updateSession(next, 1, {})).toBe(true);
    expect(await store.updateSession({ ...next, version: 3 }, 1, {})).toBe(false);
    expect((await store.getSession(s.id))?.version).toBe(2);
  });

  it('binds a browser once', async () => {
    const s = makeSession(customerId);
    await store.insertSession(s);
    expect(await store.bindBrowser(s.id, 'aa')).toBe(true);
    expect(await store.bindBrowser(s.id, 'bb')).toBe(false);
    expect((await store.getSession(s.id))?.browser_binding).toBe('aa');
  });

  it('finds sessions by callback key and due checks, with a lease one owner at a time', async () => {
    const s = makeSession(customerId, { status: 'pending' });
    await store.insertSession(s, undefined, { callback_key: 'ck-1', next_check_at: new Date(now.getTime() - 1) });
    expect((await store.getSessionByCallbackKey('ck-1'))?.id).toBe(s.id);
    const a = await store.claimDueChecks('node-a', now, 30_000, 100);
    expect(a.map((x) => x.id)).toContain(s.id);
    expect(a.find((x) => x.id === s.id)).toEqual(s);
    expect((await store.claimDueChecks('node-b', now, 30_000, 100)).map((x) => x.id)).not.toContain(s.id);
    // after the lease runs out another node takes over
    expect((await store.claimDueChecks('node-b', new Date(now.getTime() + 30_001), 30_000, 100)).map((x) => x.id)).toContain(s.id);
    await store.releaseLease(s.id, 'node-b');
    await store.reschedule(s.id, new Date(now.getTime() + 2000));
    expect((await store.claimDueChecks('node-c', new Date(now.getTime() + 1000), 30_000, 100)).map((x) => x.id)).not.toContain(s.id);
  });

  it('lists expirable and erasable sessions', async () => {
    const old = makeSession(customerId, { expires_at: new Date(now.getTime() - 1000) });
    await store.insertSession(old);
    expect(await store.findExpirable(now, 1000)).toContain(old.id);
    const done = makeSession(customerId, { status: 'complete', completed_at: new Date(now.getTime() - 25 * 3_600_000) });
    const fresh = makeSession(customerId, { status: 'complete', completed_at: new Date(now.getTime() - 3_600_000) });
    await store.insertSession(done);
    await store.insertSession(fresh);
    const erasable = await store.findErasable(now, 1000);
    expect(erasable).toContain(done.id);
    expect(erasable).not.toContain(fresh.id);
  });

  it('finds due erasures past a batch of older finished sessions with longer retention, most overdue first', async () => {
    // 2,001 sessions of a customer keeping data a year, finished long before the others: under the
    // worker's batch (500) they must not hide the sessions of 24 h customers that are due.
    const yearLong = `cus_${randomToken(8)}`;
    await store.createCustomer({ id: yearLong, name: 'Archive', targets: [], frame_origins: [], methods: ['demo'], retention_hours: 8760, allow_private_webhooks: false, created_at: now, updated_at: now });
    const long: Session[] = [];
    for (let i = 0; i < 2001; i++) {
      long.push(makeSession(yearLong, { status: 'complete', completed_at: new Date(now.getTime() - 100 * 24 * 3_600_000 - i * 1000), retention_hours: 8760 }));
    }
    await store.transaction(async (tx) => {
      for (const s of long) await store.insertSession(s, tx);
    });
    // Due 48 h, 47 h and 46 h ago; every other test's erasable row is due at most 1 h before `now`.
    const due = [72, 71, 70].map((h) => makeSession(customerId, { status: 'failed', completed_at: new Date(now.getTime() - h * 3_600_000) }));
    for (const s of [...due].reverse()) await store.insertSession(s);
    const found = await store.findErasable(now, 500);
    expect(found).toEqual(expect.arrayContaining(due.map((s) => s.id)));
    expect(found.filter((id) => long.some((s) => s.id === id))).toEqual([]);
    // More due than the limit: the longest overdue come first.
    expect(await store.findErasable(now, 2)).toEqual([due[0].id, due[1].id]);
    // The year-long ones come due a year after their final status, oldest first.
    const yearLater = new Date(now.getTime() + 8760 * 3_600_000);
    const longIds = new Set(long.map((s) => s.id));
    const later = (await store.findErasable(yearLater, 3000)).filter((id) => longIds.has(id));
    expect(later).toHaveLength(2001);
    expect(later[0]).toBe(long[2000].id);
  });

  it('pages sessions updated since a time, oldest first', async () => {
    const cid = `cus_${randomToken(8)}`;
    await store.createCustomer({ id: cid, name: 'P', targets: [], frame_origins: [], methods: ['demo'], retention_hours: 24, allow_private_webhooks: false, created_at: now, updated_at: now });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const s = makeSession(cid, { updated_at: new Date(now.getTime() + i * 1000) });
      ids.push(s.id);
      await store.insertSession(s);
    }
    const p1 = await store.listUpdatedSince(cid, new Date(now.getTime() + 1000), null, 2);
    expect(p1.data.map((s) => s.id)).toEqual(ids.slice(1, 3));
    const cursor = JSON.parse(Buffer.from(p1.next_cursor as string, 'base64url').toString());
    const p2 = await store.listUpdatedSince(cid, new Date(0), cursor, 10);
    expect(p2.data.map((s) => s.id)).toEqual(ids.slice(3));
    expect(p2.next_cursor).toBeNull();
  });

  it('stores API keys as digests and forgets revoked ones', async () => {
    await store.addApiKey({ id: `key_${randomToken(6)}`, customer_id: customerId, prefix: 'idbk_test1', digest: keyDigest('secret-key-1'), created_at: now });
    expect((await store.findCustomerByKeyDigest(keyDigest('secret-key-1')))?.id).toBe(customerId);
    const row = await store.db.selectFrom('api_keys').selectAll().where('prefix', '=', 'idbk_test1').executeTakeFirstOrThrow();
    expect(row.digest).not.toContain('secret-key-1');
    expect(await store.revokeApiKey('idbk_test1', now)).toBe(1);
    expect(await store.findCustomerByKeyDigest(keyDigest('secret-key-1'))).toBeNull();
    expect(await store.revokeApiKey('idbk_test1', now)).toBe(0);
  });

  it('keeps an idempotency answer and rejects a second insert of the same key', async () => {
    await store.transaction((tx) => store.putIdempotent(tx, customerId, 'k1', { request_hash: 'h', status_code: 201, response: { session_id: 'x' } }, now));
    expect(await store.getIdempotent(customerId, 'k1')).toEqual({ request_hash: 'h', status_code: 201, response: { session_id: 'x' } });
    await expect(store.transaction((tx) => store.putIdempotent(tx, customerId, 'k1', { request_hash: 'h2', status_code: 201, response: {} }, now))).rejects.toThrow();
    expect((await store.getIdempotent(customerId, 'k1'))?.request_hash).toBe('h');
  });

  it('rolls back a transaction as a whole', async () => {
    const s = makeSession(customerId);
    await expect(store.transaction(async (tx) => {
      await store.insertSession(s, tx);
      throw new Error('boom');
    })).rejects.toThrow('boom');
    expect(await store.getSession(s.id)).toBeNull();
  });

  if (dialect === 'postgres') it('keeps reading through its prepared statements when a migration adds a column or changes a type', async () => {
    const one = await openStore(db.url, TEST_SECRET, { poolSize: 1 }); // one connection: the statement prepared there is the one reused
    try {
      const s = makeSession(customerId);
      await one.insertSession(s);
      expect(await one.getSession(s.id)).toEqual(s);
      await store.db.schema.alterTable('sessions').addColumn('added_by_a_later_migration', 'text').execute();
      expect(await one.getSession(s.id)).toEqual(s);
      // A changed type of a column it reads: PostgreSQL refuses the cached plan (0A000); the read runs unnamed.
      await sql`alter table sessions alter column relay_state type varchar(4000)`.execute(store.db);
      expect(await one.getSession(s.id)).toEqual(s);
      expect((await one.getSessionByPageToken(s.page_token))?.id).toBe(s.id);
    } finally {
      await one.close();
    }
  });

  if (dialect === 'postgres') it('keeps reading when its prepared statements vanish from the server connection (a pooler in transaction mode)', async () => {
    const one = await openStore(db.url, TEST_SECRET, { poolSize: 1 });
    try {
      const s = makeSession(customerId);
      await one.insertSession(s);
      expect(await one.getSession(s.id)).toEqual(s); // prepared on the one connection
      await sql`deallocate all`.execute(one.db); // as if the next statement reached another server connection
      expect(await one.getSession(s.id)).toEqual(s); // 26000, then unnamed from here on
      await sql`deallocate all`.execute(one.db);
      expect((await one.getSessionByPageToken(s.page_token))?.id).toBe(s.id);
      const t = makeSession(customerId);
      await one.insertSessionGrouped(t);
      expect(await one.getSession(t.id)).toEqual(t);
    } finally {
      await one.close();
    }
  });

  if (dialect === 'postgres') it('uses the schema it was given (no leakage into public)', async () => {
    const c = new pg.Client({ connectionString: PG_URL });
    await c.connect();
    const r = await c.query("select count(*)::int n from information_schema.tables where table_schema = 'public' and table_name = 'sessions'");
    await c.end();
    expect(r.rows[0].n).toBe(0);
  });
});
