// Sweeps that are not per-row work (expiry, retention erasure, idempotency purge) run on the one node
// holding the sweep's lease in the database (DESIGN.md Scale; issue: every piece of background work
// is claimed with a lease and taken over when its node dies).
import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/ids.js';
import { openStore, type Store } from '../../src/storage/store.js';
import { MERCHANT, startBroker, type TestBroker } from '../support/broker.js';
import { dialects, openDatabase, TEST_SECRET, type TestDatabase } from '../support/databases.js';

describe.each(await dialects())('job leases on %s', (dialect) => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c().catch(() => undefined);
  });

  async function store(): Promise<{ store: Store; db: TestDatabase }> {
    const db = await openDatabase(dialect);
    const s = await openStore(db.url, TEST_SECRET, { poolSize: 2 });
    await s.migrate();
    cleanup.push(() => db.drop(), () => s.close());
    return { store: s, db };
  }

  it('one holder at a time; renewed by its holder; taken over once it has run out; given back', async () => {
    const { store: s } = await store();
    const t0 = new Date('2026-01-01T00:00:00Z');
    const at = (ms: number) => new Date(t0.getTime() + ms);
    expect(await s.acquireJobLease('sweep:x', 'a', at(0), 30_000)).toBe(true);
    expect(await s.acquireJobLease('sweep:x', 'b', at(1_000), 30_000)).toBe(false);
    expect(await s.acquireJobLease('sweep:y', 'b', at(1_000), 30_000)).toBe(true); // another sweep is free
    expect(await s.acquireJobLease('sweep:x', 'a', at(20_000), 30_000)).toBe(true); // renewed to 50 s
    expect(await s.acquireJobLease('sweep:x', 'b', at(45_000), 30_000)).toBe(false);
    expect(await s.jobLeaseHolder('sweep:x')).toEqual({ owner: 'a', lease_until: at(50_000).getTime() });
    expect(await s.acquireJobLease('sweep:x', 'b', at(50_000), 30_000)).toBe(true); // a's ran out
    expect(await s.acquireJobLease('sweep:x', 'a', at(51_000), 30_000)).toBe(false);
    await s.releaseJobLease('sweep:x', 'a'); // not a's to give back: nothing changes
    expect((await s.jobLeaseHolder('sweep:x'))?.owner).toBe('b');
    await s.releaseJobLease('sweep:x', 'b');
    expect(await s.acquireJobLease('sweep:x', 'a', at(52_000), 30_000)).toBe(true);
  });

  it('two racing for a free lease: exactly one wins', async () => {
    const { store: s } = await store();
    const now = new Date();
    const wins = await Promise.all(['a', 'b', 'c', 'd', 'e', 'f'].map((o) => s.acquireJobLease('sweep:race', o, now, 30_000)));
    expect(wins.filter(Boolean)).toHaveLength(1);
  });

  it('two nodes: only the holder expires sessions; when it stops the other takes the sweep over', async () => {
    const clock = new ManualClock(new Date());
    const db = await openDatabase(dialect);
    cleanup.push(() => db.drop());
    // Both brokers are given the database, so closing either leaves it in place.
    const a: TestBroker = await startBroker(dialect, { clock, db });
    const b: TestBroker = await startBroker(dialect, { clock, db });
    const open = new Set([a, b]);
    cleanup.push(async () => {
      for (const n of open) await n.close();
    });
    let reader = b; // reads through a node that stays open
    const holder = async () => (await reader.broker.store.jobLeaseHolder('sweep:expiry'))?.owner;
    const owners = [a.broker.worker!.owner, b.broker.worker!.owner];
    await expect.poll(holder, { timeout: 5000, interval: 100 }).toSatisfy((o) => owners.includes(o as string));
    const first = (await holder())!;
    // Held from run to run (every second): the same node for the next few seconds.
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, 500));
      expect(await holder()).toBe(first);
    }
    const [stopping, staying] = first === owners[0] ? [a, b] : [b, a];
    open.delete(stopping);
    reader = staying;
    await stopping.close();
    // Given back on a clean stop: the other node takes it at its next run, and expires sessions.
    await expect.poll(holder, { timeout: 5000, interval: 100 }).toBe(staying.broker.worker!.owner);
    const s = (await staying.api('/v1/sessions', { method: 'POST', json: { method: 'demo', target: `${MERCHANT}/done`, expires_in: 60 } })).body;
    clock.advance(61_000);
    await expect.poll(async () => (await staying.broker.store.getSession(s.id))?.status, { timeout: 5000, interval: 200 }).toBe('expired');
  });
});
