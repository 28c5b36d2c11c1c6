// Retention erasure's due time (migration 007, erase_after) on SQLite and PostgreSQL: backfilled for
// rows finished before the migration, set when a session becomes final, cleared by the erasure, and
// moved by a shorter customer retention (README, design notes), never by a longer one.
import { Migrator, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, migrate } from '../../src/storage/connect.js';
import { migrationProvider } from '../../src/storage/migrations/index.js';
import { createSealer } from '../../src/storage/sealing.js';
import { toRow } from '../../src/storage/session-codec.js';
import { openStore, type Store } from '../../src/storage/store.js';
import { dialects, openDatabase, TEST_SECRET, type TestDatabase } from '../support/databases.js';
import { ago, customer, eraseAfterOf, H, makeSession, now } from './retention-fixtures.js';

describe.each(await dialects())('retention erasure due times on %s', (dialect) => {
  const opened: { store?: Store; db: TestDatabase }[] = [];
  const fresh = async () => {
    const db = await openDatabase(dialect);
    const entry: { store?: Store; db: TestDatabase } = { db };
    opened.push(entry);
    return entry;
  };
  afterEach(async () => {
    for (const e of opened.splice(0)) {
      await e.store?.close();
      await e.db.drop();
    }
  });

  it('backfills rows finished before the migration; open and erased rows stay null', async () => {
    const e = await fresh();
    const conn = await connect(e.db.url, { poolSize: 2 });
    try {
      const schema = dialect === 'postgres' ? (await sql<{ s: string }>`select current_schema() as s`.execute(conn.db)).rows[0]?.s : undefined;
      const migrator = new Migrator({ db: conn.db, provider: migrationProvider, ...(schema ? { migrationTableSchema: schema } : {}) });
      const to006 = await migrator.migrateTo('006-job-leases');
      expect(to006.error).toBeUndefined();
      await conn.db.insertInto('customers').values({ ...customer('cus_old', 8760), methods: '["demo"]', targets: '[]', frame_origins: '[]', allow_private_webhooks: 0, created_at: now.getTime(), updated_at: now.getTime() }).execute();
      const sealer = createSealer(TEST_SECRET);
      const finished = makeSession('cus_old', { status: 'complete', completed_at: ago(30), retention_hours: 24 });
      const yearLong = makeSession('cus_old', { status: 'complete', completed_at: ago(30), retention_hours: 8760 });
      const erased = makeSession('cus_old', { status: 'complete', completed_at: ago(30), result_erased_at: ago(5), personal: { personal_number: null, end_user_ip: null, result: null } });
      const open = makeSession('cus_old', { status: 'pending' });
      for (const s of [finished, yearLong, erased, open]) {
        const { erase_after: _none, ...row } = toRow(s, sealer); // the column does not exist before 007
        await conn.db.insertInto('sessions').values(row).execute();
      }
      expect((await migrate(conn.db, dialect)).slice(0, 2)).toEqual(['007-erase-after', '008-erase-after-unset']);
      e.store = await openStore(e.db.url, TEST_SECRET);
      expect((await eraseAfterOf(e.store, finished.id)).erase_after).toBe(ago(30).getTime() + 24 * H);
      expect((await eraseAfterOf(e.store, yearLong.id)).erase_after).toBe(ago(30).getTime() + 8760 * H);
      expect((await eraseAfterOf(e.store, erased.id)).erase_after).toBeNull();
      expect((await eraseAfterOf(e.store, open.id)).erase_after).toBeNull();
      expect(await e.store.findErasable(now, 100)).toEqual([finished.id]);
    } finally {
      await conn.close();
    }
  });

  it('sets the due time when a session becomes final and clears it when its data is erased', async () => {
    const e = await fresh();
    const store = (e.store = await openStore(e.db.url, TEST_SECRET));
    await store.migrate();
    await store.createCustomer(customer('cus_a', 24));
    const s = makeSession('cus_a', { status: 'pending' });
    await store.insertSession(s);
    expect((await eraseAfterOf(store, s.id)).erase_after).toBeNull();
    const done = { ...s, status: 'complete' as const, completed_at: ago(25), version: 2 };
    expect(await store.updateSession(done, 1, {})).toBe(true);
    expect((await eraseAfterOf(store, s.id)).erase_after).toBe(ago(1).getTime());
    expect(await store.findErasable(now, 10)).toEqual([s.id]);
    const wiped = { ...done, personal: { personal_number: null, end_user_ip: null, result: null }, result_erased_at: now, version: 3 };
    expect(await store.updateSession(wiped, 2, {})).toBe(true);
    expect((await eraseAfterOf(store, s.id)).erase_after).toBeNull();
    expect(await store.findErasable(new Date(now.getTime() + 1000 * H), 10)).toEqual([]);
  });

  it('a shorter customer retention reaches stored sessions, even against a writer holding the older copy', async () => {
    const e = await fresh();
    const store = (e.store = await openStore(e.db.url, TEST_SECRET));
    await store.migrate();
    await store.createCustomer(customer('cus_long', 8760));
    await store.createCustomer(customer('cus_other', 8760));
    const finished = makeSession('cus_long', { status: 'complete', completed_at: ago(30 * 24), retention_hours: 8760 });
    const open = makeSession('cus_long', { status: 'pending', retention_hours: 8760 });
    const others = makeSession('cus_other', { status: 'complete', completed_at: ago(30 * 24), retention_hours: 8760 });
    for (const s of [finished, open, others]) await store.insertSession(s);
    expect(await store.findErasable(now, 10)).toEqual([]);

    const updated = await store.updateCustomer('cus_long', { retention_hours: 24 }, now);
    expect(updated?.retention_hours).toBe(24);
    expect(await store.findErasable(now, 10)).toEqual([finished.id]); // another customer's untouched
    expect(await eraseAfterOf(store, open.id)).toEqual({ erase_after: null, retention_hours: 24 });
    // The collector read `open` before the change (retention 8760 in its copy) and finishes it now.
    expect(await store.updateSession({ ...open, status: 'complete', completed_at: now, version: 2 }, 1, {})).toBe(true);
    expect(await eraseAfterOf(store, open.id)).toEqual({ erase_after: now.getTime() + 24 * H, retention_hours: 24 });
    expect(await store.findErasable(new Date(now.getTime() + 24 * H), 10)).toEqual([finished.id, open.id]);
  });

  it('a longer customer retention leaves stored sessions as they were', async () => {
    const e = await fresh();
    const store = (e.store = await openStore(e.db.url, TEST_SECRET));
    await store.migrate();
    await store.createCustomer(customer('cus_short', 24));
    const finished = makeSession('cus_short', { status: 'complete', completed_at: ago(30) });
    const open = makeSession('cus_short', { status: 'pending' });
    for (const s of [finished, open]) await store.insertSession(s);
    await store.updateCustomer('cus_short', { retention_hours: 8760 }, now);
    expect(await store.findErasable(now, 10)).toEqual([finished.id]);
    expect(await eraseAfterOf(store, finished.id)).toEqual({ erase_after: ago(6).getTime(), retention_hours: 24 });
    expect((await eraseAfterOf(store, open.id)).retention_hours).toBe(24);
  });
});
