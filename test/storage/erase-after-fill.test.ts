// Rolling deploys (README, docs/multinode.md): a node older than migration 007 still finishes
// sessions after the migration ran, and writes its final rows without erase_after. The erasure
// sweep gives them their due time (fillEraseAfter) in bounded batches on migration 008's partial
// index, so their personal data is erased when due like any other's (SQLite and PostgreSQL).
import { CompiledQuery } from 'kysely';
import { describe, expect, it } from 'vitest';
import { fillEraseAfterQuery, unsetEraseAfterQuery } from '../../src/storage/sessions.js';
import type { Store } from '../../src/storage/store.js';
import { dialects } from '../support/databases.js';
import { ago, customer, eraseAfterOf, freshStores, H, makeSession, now, oldNodeRow } from './retention-fixtures.js';

const erasedPersonal = { personal_number: null, end_user_ip: null, result: null };

describe.each(await dialects())('final rows without a due time on %s', (dialect) => {
  const fresh = freshStores(dialect);

  it('a final row an old node writes after the migration gets its due time and is then found when due', async () => {
    const store = await fresh();
    await store.createCustomer(customer('cus_a', 24));
    // An old node inserts one final row, and finishes another the new code created open.
    const inserted = makeSession('cus_a', { status: 'complete', completed_at: ago(30), version: 3 });
    const open = makeSession('cus_a', { status: 'pending' });
    await store.db.insertInto('sessions').values(oldNodeRow(inserted)).execute();
    await store.insertSession(open);
    const { id: _id, ...finished } = oldNodeRow({ ...open, status: 'complete', completed_at: ago(2), version: 2 });
    await store.db.updateTable('sessions').set(finished).where('id', '=', open.id).execute();
    // Left as they are: an erased row and an open one.
    const erased = makeSession('cus_a', { status: 'complete', completed_at: ago(30), result_erased_at: ago(5), personal: erasedPersonal });
    const stillOpen = makeSession('cus_a', { status: 'pending' });
    for (const s of [erased, stillOpen]) await store.db.insertInto('sessions').values(oldNodeRow(s)).execute();

    expect(await store.findErasable(now, 10)).toEqual([]); // what the sweep saw before: never erased
    expect(await store.fillEraseAfter(500)).toBe(2);
    expect(await eraseAfterOf(store, inserted.id)).toEqual({ erase_after: ago(30).getTime() + 24 * H, retention_hours: 24 });
    expect(await eraseAfterOf(store, open.id)).toEqual({ erase_after: ago(2).getTime() + 24 * H, retention_hours: 24 });
    expect((await eraseAfterOf(store, erased.id)).erase_after).toBeNull();
    expect((await eraseAfterOf(store, stillOpen.id)).erase_after).toBeNull();
    expect(await store.findErasable(now, 10)).toEqual([inserted.id]);
    expect(await store.findErasable(new Date(ago(2).getTime() + 24 * H), 10)).toEqual([inserted.id, open.id]);
    expect(await store.fillEraseAfter(500)).toBe(0);
  });

  it('fills in batches of the given size, oldest final status first', async () => {
    const store = await fresh();
    await store.createCustomer(customer('cus_b', 24));
    const rows = [50, 40, 30, 20, 10].map((h) => makeSession('cus_b', { status: 'complete', completed_at: ago(h) }));
    for (const s of [...rows].reverse()) await store.db.insertInto('sessions').values(oldNodeRow(s)).execute();
    const filled = async () => {
      const out: string[] = [];
      for (const s of rows) if ((await eraseAfterOf(store, s.id)).erase_after !== null) out.push(s.id);
      return out;
    };
    expect(await store.fillEraseAfter(2)).toBe(2);
    expect(await filled()).toEqual(rows.slice(0, 2).map((s) => s.id));
    expect(await store.fillEraseAfter(2)).toBe(2);
    expect(await store.fillEraseAfter(2)).toBe(1);
    expect(await filled()).toEqual(rows.map((s) => s.id));
  });

  it('caps the due time with the customer\'s current retention when it is shorter', async () => {
    const store = await fresh();
    await store.createCustomer(customer('cus_c', 8760));
    // The old node held the session with a year's retention and wrote it back after the customer's shortening.
    const s = makeSession('cus_c', { status: 'complete', completed_at: ago(30), retention_hours: 8760 });
    await store.updateCustomer('cus_c', { retention_hours: 24 }, now);
    await store.db.insertInto('sessions').values(oldNodeRow(s)).execute();
    expect(await store.fillEraseAfter(500)).toBe(1);
    expect(await eraseAfterOf(store, s.id)).toEqual({ erase_after: ago(6).getTime(), retention_hours: 24 });
  });

  it('finds the rows on the partial index, not by reading the table', async () => {
    const store = await fresh();
    await store.createCustomer(customer('cus_d', 24));
    // Many rows with a due time or erased, a few without: the table a big deployment has.
    await insertMany(store, 3000, (i) => makeSession('cus_d', i % 2
      ? { status: 'complete', completed_at: ago(i % 500), result_erased_at: now, personal: erasedPersonal }
      : { status: 'complete', completed_at: ago(i % 500) }));
    for (let i = 0; i < 3; i++) await store.db.insertInto('sessions').values(oldNodeRow(makeSession('cus_d', { status: 'complete', completed_at: ago(i) }))).execute();
    const find = await explain(store, unsetEraseAfterQuery(store.db, 500).compile());
    expect(find).toContain('sessions_erase_after_unset');
    if (dialect === 'sqlite') expect(find).not.toContain('TEMP B-TREE'); // the index gives the order too
    const fill = await explain(store, fillEraseAfterQuery(store.db, ['ses_a', 'ses_b']).compile());
    expect(fill).toMatch(dialect === 'postgres' ? /Index Scan using sessions_pkey/ : /USING INDEX sqlite_autoindex_sessions_1 \(id=\?\)/);
    for (const plan of [find, fill]) expect(plan).not.toMatch(dialect === 'postgres' ? /Seq Scan/ : /SCAN sessions|sessions_erase_after \(/);
    expect(await store.fillEraseAfter(500)).toBe(3);
  });

  async function explain(store: Store, q: CompiledQuery): Promise<string> {
    // PostgreSQL's autovacuum keeps statistics; the broker never runs ANALYZE on SQLite.
    if (dialect === 'postgres') {
      await store.db.executeQuery(CompiledQuery.raw('analyze sessions'));
      const r = await store.db.executeQuery<Record<string, string>>(CompiledQuery.raw(`explain ${q.sql}`, [...q.parameters]));
      return r.rows.map((row) => Object.values(row).join(' ')).join('\n');
    }
    const r = await store.db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${q.sql}`, [...q.parameters]));
    return r.rows.map((row) => row.detail).join('\n');
  }
});

async function insertMany(store: Store, n: number, make: (i: number) => Parameters<Store['insertSession']>[0]) {
  for (let i = 0; i < n; i += 500) {
    const batch = Array.from({ length: Math.min(500, n - i) }, (_, j) => make(i + j));
    await store.transaction(async (tx) => {
      for (const s of batch) await store.insertSession(s, tx);
    });
  }
}
