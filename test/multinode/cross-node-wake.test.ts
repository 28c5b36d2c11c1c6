// Two broker nodes on one PostgreSQL: a change made on node A wakes a long-poll and an event
// stream waiting on node B well before the fallback re-read (API.md §3, DESIGN.md Scale).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type TestBroker } from '../support/broker.js';
import { dialects, openDatabase, type TestDatabase } from '../support/databases.js';

const pgAvailable = (await dialects()).includes('postgres');

describe.runIf(pgAvailable)('cross-node wake-ups on PostgreSQL', () => {
  let db: TestDatabase;
  let a: TestBroker;
  let b: TestBroker;
  beforeAll(async () => {
    db = await openDatabase('postgres');
    a = await startBroker('postgres', { db });
    b = await startBroker('postgres', { db });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await db?.drop();
  });

  it('wakes a long-poll on another node before the fallback re-read', async () => {
    const s = (await a.api('/v1/sessions', { method: 'POST', json: { method: 'demo' } })).body;
    const waiting = b.api(`/v1/sessions/${s.id}?wait=20&version=1`, { key: a.key });
    await new Promise((r) => setTimeout(r, 300));
    const changedAt = Date.now();
    await a.api(`/v1/sessions/${s.id}/cancel`, { method: 'POST' });
    const woke = await waiting;
    expect(woke.body.status).toBe('cancelled');
    // well before the 5 s fallback re-read: the NOTIFY woke it (latency itself is the benchmark's)
    expect(Date.now() - changedAt).toBeLessThan(4000);
  });

  it('pushes the change to an event stream on another node', async () => {
    const s = (await a.api('/v1/sessions', { method: 'POST', json: { method: 'demo' } })).body;
    const res = await fetch(`${b.url}/v1/sessions/${s.id}/events`, { headers: { authorization: `Bearer ${a.key}` } });
    const changedAt = Date.now() + 300;
    setTimeout(() => void a.api(`/v1/sessions/${s.id}/cancel`, { method: 'POST' }), 300);
    const text = await res.text();
    expect(text).toContain('id: 2');
    // well before the 5 s fallback re-read: the NOTIFY woke it (latency itself is the benchmark's)
    expect(Date.now() - changedAt).toBeLessThan(4000);
  });
});
