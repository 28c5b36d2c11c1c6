// Issue 4 "What must be shown": the broker process is killed with SIGKILL between the state change
// and the delivery, and in the middle of a delivery; after a restart every event arrives, each with
// one webhook-id (duplicates allowed, losses not). The outbox row is written in the session's
// transaction (API.md §5), and a dead process's lease runs out (IDBRIDGE_WEBHOOK_LEASE_MS).
import { afterEach, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { addCustomer } from '../../src/customers.js';
import { openStore, type Store } from '../../src/storage/store.js';
import { registerEndpoint } from '../../src/webhooks/register-endpoint.js';
import { dialects, openDatabase, TEST_SECRET, type TestDatabase } from '../support/databases.js';
import { FlowClient } from '../support/flow-client.js';
import { startReceiver, type ReceivedRequest, type Receiver } from '../webhooks/support/receiver.js';
import { freePort, startBrokerProcess, type BrokerProcess } from './support/broker-process.js';
import { until } from './support/hooks-broker.js';
import { migrateFresh } from '../webhooks/support/migrate.js';

const LEASE = { IDBRIDGE_WEBHOOK_LEASE_MS: '3000', IDBRIDGE_WEBHOOK_TIMEOUT_MS: '2000' };

interface World { db: TestDatabase; store: Store; receiver: Receiver; key: string; secret: string; env: Record<string, string>; port: number }
const open: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of open.splice(0).reverse()) await c();
});

async function world(dialect: 'sqlite' | 'postgres'): Promise<World> {
  const db = await openDatabase(dialect);
  const store = await openStore(db.url, TEST_SECRET);
  await migrateFresh(store);
  const receiver = await startReceiver();
  open.push(async () => { await receiver.close(); await store.close(); await db.drop(); });
  const { customer, api_key } = await addCustomer(store, { name: 'Crash shop', allow_private_webhooks: true }, new Date());
  const reg = await registerEndpoint(store, { customer_id: customer.id, allow_private: true, url: receiver.url, events: null }, { now: new Date() });
  if (!reg.ok) throw new Error(reg.reason);
  const env = { IDBRIDGE_DATABASE_URL: db.url, IDBRIDGE_SECRET_KEY: TEST_SECRET, ...LEASE };
  return { db, store, receiver, key: api_key, secret: reg.secret, env, port: await freePort() };
}

async function broker(w: World): Promise<BrokerProcess> {
  const p = await startBrokerProcess(w.env, w.port);
  open.push(() => p.kill());
  return p;
}

async function api(p: BrokerProcess, w: World, path: string, json?: unknown) {
  const res = await fetch(`${p.url}${path}`, {
    method: json === undefined ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${w.key}`, ...(json === undefined ? {} : { 'content-type': 'application/json' }) },
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  return res.json() as Promise<any>;
}

/** Two sessions completed through the page, one cancelled by the merchant: three final events. */
async function endSessions(p: BrokerProcess, w: World): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < 2; i++) {
    const s = await api(p, w, '/v1/sessions', { method: 'demo' });
    const page = new FlowClient(s.redirect_url);
    await page.bind();
    await page.start();
    expect((await page.approve(0)).status).toBe('complete');
    ids.push(s.id);
  }
  const c = await api(p, w, '/v1/sessions', { method: 'demo' });
  expect((await api(p, w, `/v1/sessions/${c.id}/cancel`, {})).status).toBe('cancelled');
  return [...ids, c.id];
}

/** Every session's event arrived, verified, and all copies of one event share one webhook-id. */
function expectEveryEventOnce(requests: ReceivedRequest[], sessionIds: string[], secret: string): Map<string, string> {
  const idsBySession = new Map<string, Set<string>>();
  for (const q of requests) {
    const body = new Webhook(secret).verify(q.body, q.headers as Record<string, string>) as { data: { id: string } };
    const set = idsBySession.get(body.data.id) ?? new Set<string>();
    set.add(String(q.headers['webhook-id']));
    idsBySession.set(body.data.id, set);
  }
  expect([...idsBySession.keys()].sort()).toEqual([...sessionIds].sort());
  for (const set of idsBySession.values()) expect(set.size).toBe(1);
  return new Map([...idsBySession].map(([k, v]) => [k, [...v][0]]));
}

const sessionOf = (q: ReceivedRequest) => (JSON.parse(q.body) as { data: { id: string } }).data.id;

describe.each(await dialects())('webhooks survive SIGKILL on %s', (dialect) => {
  it('killed after the state change was committed and before any attempt: each event arrives once after restart', async () => {
    const w = await world(dialect);
    // An API-only node writes the state changes (and their outbox rows) but sends nothing
    // (IDBRIDGE_ROLE=api: no dispatcher), so the kill falls between the commit and the first attempt.
    const first = await startBrokerProcess({ ...w.env, IDBRIDGE_ROLE: 'api' }, w.port);
    open.push(() => first.kill());
    const sessions = await endSessions(first, w);
    await new Promise((r) => setTimeout(r, 500)); // a dispatcher, were there one, would have sent by now
    const untouched = async () => {
      const rows = await w.store.db.selectFrom('webhook_deliveries').select(['status', 'attempts', 'lease_owner']).execute();
      expect(rows).toHaveLength(3);
      expect(rows.every((d) => d.status === 'pending' && Number(d.attempts) === 0 && d.lease_owner === null)).toBe(true);
      expect(await w.store.db.selectFrom('webhook_attempts').selectAll().execute()).toHaveLength(0);
    };
    await untouched();
    await first.kill();
    await untouched();
    expect(w.receiver.requests).toHaveLength(0);
    await broker(w);
    await until(async () => {
      const rows = await w.store.db.selectFrom('webhook_deliveries').select('status').execute();
      return rows.every((d) => d.status === 'delivered');
    }, 15_000, 'all delivered after restart');
    await new Promise((r) => setTimeout(r, 300));
    // One request per event (nothing was in flight to repeat), each with the webhook-id of its event.
    expect(w.receiver.requests).toHaveLength(3);
    const ids = expectEveryEventOnce(w.receiver.requests, sessions, w.secret);
    expect(new Set(ids.values()).size).toBe(3);
    const events = await w.store.db.selectFrom('webhook_events').select('id').execute();
    expect(new Set(events.map((e) => e.id))).toEqual(new Set(ids.values()));
  });

  it('killed after failed attempts while the receiver was down: every event arrives after restart', async () => {
    const w = await world(dialect);
    w.receiver.respond(() => 'down'); // the merchant is down while the sessions end
    const first = await broker(w);
    const sessions = await endSessions(first, w);
    await first.kill();
    // Nothing was delivered, yet each event is in the database, written with its session change.
    const pending = await w.store.db.selectFrom('webhook_deliveries').select('status').where('status', '=', 'pending').execute();
    expect(pending).toHaveLength(3);
    const before = w.receiver.requests.length;
    w.receiver.respond((_req, res) => void res.writeHead(204).end());
    await broker(w);
    await until(() => new Set(w.receiver.requests.slice(before).map(sessionOf)).size === 3, 15_000, 'every event after restart');
    expectEveryEventOnce(w.receiver.requests, sessions, w.secret);
  });

  it('killed in the middle of a delivery: after the lease runs out the event is sent again, same webhook-id', async () => {
    const w = await world(dialect);
    w.receiver.respond(() => undefined); // holds every request open: the broker waits for an answer
    const first = await broker(w);
    const sessions = await endSessions(first, w);
    await until(() => new Set(w.receiver.requests.map(sessionOf)).size === 3, 5_000, 'attempts in flight');
    await first.kill();
    const inFlight = expectEveryEventOnce(w.receiver.requests, sessions, w.secret);
    const leased = await w.store.db.selectFrom('webhook_deliveries').select(['status', 'lease_owner']).execute();
    expect(leased.every((d) => d.status === 'pending')).toBe(true);
    const before = w.receiver.requests.length;
    w.receiver.respond((_req, res) => void res.writeHead(204).end());
    await broker(w);
    await until(() => new Set(w.receiver.requests.slice(before).map(sessionOf)).size === 3, 15_000, 'every event after restart');
    const after = expectEveryEventOnce(w.receiver.requests, sessions, w.secret);
    expect(after).toEqual(inFlight);
    await until(async () => {
      const rows = await w.store.db.selectFrom('webhook_deliveries').select('status').execute();
      return rows.every((d) => d.status === 'delivered');
    }, 5_000, 'all delivered');
  });
});
