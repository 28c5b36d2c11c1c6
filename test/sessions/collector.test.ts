// The collector (src/sessions/collector.ts) on SQLite with a stand-in driver: orders held in memory
// are checked at their own due times, an unchanged check writes nothing, leases are renewed while
// held, and a stopping node gives the rows back with their due times.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { newSessionId, randomToken, systemClock } from '../../src/core/ids.js';
import type { Session } from '../../src/core/types.js';
import { ChangeFeed } from '../../src/sessions/change-feed.js';
import { Collector } from '../../src/sessions/collector.js';
import type { CheckSession, SessionDriver } from '../../src/sessions/driver.js';
import { DueQueue } from '../../src/sessions/due-queue.js';
import { sameJson } from '../../src/sessions/outcome.js';
import { openStore, type Store } from '../../src/storage/store.js';
import { TEST_SECRET } from '../support/databases.js';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

function pending(customerId: string, now: Date): Session {
  return {
    id: newSessionId(), customer_id: customerId, status: 'pending', method: 'demo', operation: 'authenticate', flow: 'browser',
    relay_state: null, metadata: null,
    options: { target: null, target_error: null, locale: 'en', sign: null, device: 'auto', min_assurance: null, return_url: null, frame_origin: null, phone: null },
    personal: { personal_number: null, end_user_ip: null, result: null },
    provider_state: { order_ref: randomToken() }, launch: null, progress: { code: 'outstanding_transaction', message: 'Start your BankID app.' }, error: null, version: 2,
    created_at: now, updated_at: now, expires_at: new Date(now.getTime() + 600_000), completed_at: null, result_erased_at: null,
    retention_hours: 24, page_token: randomToken(), browser_binding: null,
  };
}

async function sqliteStore(): Promise<{ store: Store; customerId: string }> {
  const store = await openStore(`sqlite:${join(mkdtempSync(join(tmpdir(), 'collector-')), 'db.sqlite')}`, TEST_SECRET);
  await store.migrate();
  const customerId = `cus_${randomToken(8)}`;
  const now = new Date();
  await store.createCustomer({ id: customerId, name: 'Shop', targets: [], frame_origins: [], methods: ['demo'], retention_hours: 24, allow_private_webhooks: false, created_at: now, updated_at: now });
  return { store, customerId };
}

describe('DueQueue and sameJson', () => {
  it('pops in due order', () => {
    const q = new DueQueue<{ due: number }>();
    const dues = Array.from({ length: 500 }, () => Math.floor(Math.random() * 10_000));
    for (const due of dues) q.push({ due });
    const out: number[] = [];
    while (q.size) out.push(q.pop()!.due);
    expect(out).toEqual([...dues].sort((a, b) => a - b));
  });

  it('agrees with comparing JSON strings', () => {
    const values: unknown[] = [null, 1, 'a', [1, 2], { a: 1 }, { a: 1, b: undefined }, { b: 1, a: 1 }, { a: null }, { a: { b: [1] } }, { a: { b: [2] } }, { a: 1, b: 2 }];
    for (const a of values) for (const b of values) expect(sameJson(a, b), `${JSON.stringify(a)} ${JSON.stringify(b)}`).toBe(JSON.stringify(a) === JSON.stringify(b));
  });
});

describe('collector on SQLite', () => {
  let close: (() => Promise<void>) | null = null;
  afterEach(async () => {
    await close?.();
    close = null;
  });

  it('checks held orders at their own due times, writes nothing per check, renews and gives back', async () => {
    const { store, customerId } = await sqliteStore();
    const now = new Date();
    const sessions = Array.from({ length: 40 }, () => pending(customerId, now));
    // Due times spread over the next second, as orders started at different moments.
    for (const [i, s] of sessions.entries()) await store.insertSession(s, undefined, { next_check_at: new Date(now.getTime() + i * 25) });
    const checks = new Map<string, number[]>();
    const driver = {
      async check(s: CheckSession) {
        const t = Date.now();
        checks.set(s.id, [...(checks.get(s.id) ?? []), t]);
        return { session: s, next_at: new Date(t + 500) };
      },
    } as unknown as SessionDriver;
    let writes = 0;
    const counting = { ...store, renewCheckLeases: (...a: Parameters<Store['renewCheckLeases']>) => (writes++, store.renewCheckLeases(...a)) } as Store;
    const c = new Collector({ store: counting, driver, clock: systemClock, feed: new ChangeFeed(), log: silent }, { owner: 'me', leaseMs: 900, concurrency: 8, batch: 500, horizonMs: 200 });
    c.start();
    const tick = setInterval(() => void c.tick(), 100);
    close = async () => {
      clearInterval(tick);
      await store.close();
    };
    await new Promise((r) => setTimeout(r, 2600));
    // Held rows: leased to us, due (for others) when the lease ends, renewed meanwhile.
    const rows = await store.db.selectFrom('sessions').select(['lease_owner', 'lease_until', 'next_check_at']).execute();
    expect(rows.every((r) => r.lease_owner === 'me' && r.next_check_at === r.lease_until && Number(r.lease_until) > Date.now())).toBe(true);
    expect(writes).toBeGreaterThan(0);
    clearInterval(tick);
    await c.stop();
    for (const s of sessions) {
      const times = checks.get(s.id)!;
      expect(times.length).toBeGreaterThanOrEqual(4);
      for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBeGreaterThanOrEqual(495);
    }
    // Given back: no lease, due at the held due time (never earlier than 500 ms after the last check).
    const back = await store.db.selectFrom('sessions').select(['id', 'lease_owner', 'next_check_at']).execute();
    for (const r of back) {
      expect(r.lease_owner).toBeNull();
      expect(Number(r.next_check_at)).toBeGreaterThanOrEqual(checks.get(r.id)!.at(-1)! + 500);
    }
  });

  it('re-reads an order another writer changed, and drops one that is no longer pending', async () => {
    const { store, customerId } = await sqliteStore();
    const [a, b] = [pending(customerId, new Date()), pending(customerId, new Date())];
    for (const s of [a, b]) await store.insertSession(s, undefined, { next_check_at: new Date() });
    const seen: CheckSession[] = [];
    const driver = { async check(s: CheckSession) { seen.push(s); return { session: s, next_at: new Date(Date.now() + 300) }; } } as unknown as SessionDriver;
    const feed = new ChangeFeed();
    const c = new Collector({ store, driver, clock: systemClock, feed, log: silent }, { owner: 'me', leaseMs: 30_000, concurrency: 4, batch: 10, horizonMs: 0 });
    c.start();
    close = async () => {
      await c.stop();
      await store.close();
    };
    await c.tick();
    await new Promise((r) => setTimeout(r, 100));
    // a: its state changes (the page's same-device mark); b: cancelled.
    await store.db.updateTable('sessions').set({ version: 3, progress: JSON.stringify({ code: 'started', message: 'x' }) }).where('id', '=', a.id).execute();
    await store.db.updateTable('sessions').set({ status: 'cancelled', version: 3 }).where('id', '=', b.id).execute();
    feed.publish(a.id);
    feed.publish(b.id);
    await new Promise((r) => setTimeout(r, 400));
    const later = seen.slice(2);
    expect(later.map((s) => s.id)).toEqual([a.id]);
    expect(later[0]).toMatchObject({ version: 3, progress: { code: 'started' } });
    expect(c.size).toBe(1);
  });
});
