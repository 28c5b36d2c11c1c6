// Merchant API v1 sessions (API.md §2, §3, §6) over real HTTP on each database.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Provider } from '../../src/providers/contract.js';
import { dialects } from '../support/databases.js';
import { MERCHANT, startBroker, type TestBroker } from '../support/broker.js';

const base = { method: 'demo', target: `${MERCHANT}/done` };

/** Rows a refused call must leave as they were: sessions, idempotency keys, the webhook outbox. */
async function storedCounts(b: TestBroker) {
  const db = b.broker.store.db;
  const n = async (table: 'sessions' | 'idempotency_keys' | 'webhook_events' | 'webhook_deliveries') =>
    Number((await db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  return { sessions: await n('sessions'), idempotency_keys: await n('idempotency_keys'), webhook_events: await n('webhook_events'), webhook_deliveries: await n('webhook_deliveries') };
}

/** A headless se-bankid stand-in: the order starts pending with launch data (API.md §3). */
const headlessProvider: Provider = {
  method: 'se-bankid',
  operations: ['authenticate'],
  flows: ['browser', 'headless'],
  start: async () => ({ kind: 'pending', state: { order: 'o-1' }, launch: { auto_start_token: 'ast-1', launch_url: 'bankid:///?autostarttoken=ast-1' }, next_check_ms: 3_600_000 }),
  progress: async (state) => ({ kind: 'pending', state }),
  cancel: async () => undefined,
};

describe.each(await dialects())('sessions API on %s', (dialect) => {
  let b: TestBroker;
  beforeAll(async () => {
    // Private webhooks allowed so the test endpoint below may be loopback (127.0.0.1:9, discard):
    // every state change then writes outbox rows, which a refused call must not.
    b = await startBroker(dialect, { customer: { allow_private_webhooks: true }, providers: [headlessProvider] });
    const hook = await b.api('/v1/webhook-endpoints', { method: 'POST', json: { url: 'http://127.0.0.1:9/hooks' } });
    expect(hook.status).toBe(201);
  });
  afterAll(async () => b?.close());

  it('creates a session and reads it back', async () => {
    const r = await b.api('/v1/sessions', { method: 'POST', json: { ...base, relay_state: 'rs-1', metadata: { cart: 7 } } });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ status: 'created', method: 'demo', operation: 'authenticate', flow: 'browser', version: 1, relay_state: 'rs-1' });
    expect(r.body.id).toMatch(/^ses_[A-Za-z0-9_-]{27,}$/);
    expect(r.body.redirect_url).toMatch(new RegExp(`^${b.url}/flow/`));
    expect(r.body.redirect_url).not.toContain(r.body.id);
    const read = await b.api(`/v1/sessions/${r.body.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: r.body.id, status: 'created', metadata: { cart: 7 }, result: null, error: null, progress: null, completed_at: null });
    expect(read.body.redirect_url).toBe(r.body.redirect_url);
  });

  it('counts relay_state in characters: 512 emoji (1,024 UTF-16 units) are kept whole', async () => {
    const relay = '🙂'.repeat(512);
    const r = await b.api('/v1/sessions', { method: 'POST', json: { ...base, relay_state: relay } });
    expect(r.status).toBe(201);
    expect((await b.api(`/v1/sessions/${r.body.id}`)).body.relay_state).toBe(relay);
  });

  it('answers 401 without a key or with an unknown one', async () => {
    const none = await fetch(`${b.url}/v1/sessions/x`);
    expect(none.status).toBe(401);
    expect(none.headers.get('content-type')).toContain('application/problem+json');
    expect((await none.json()).code).toBe('unauthorized');
    expect((await b.api('/v1/sessions/x', { key: 'idbk_nope_nope' })).body.code).toBe('unauthorized');
  });

  it("answers another customer's session exactly as a missing one", async () => {
    const other = await b.addCustomer({ name: 'Other', targets: [] });
    const mine = await b.api('/v1/sessions', { method: 'POST', json: base });
    const theirs = await b.api(`/v1/sessions/${mine.body.id}`, { key: other.key });
    const missing = await b.api('/v1/sessions/ses_doesnotexist', { key: other.key });
    expect(theirs.status).toBe(404);
    expect(theirs.body).toEqual(missing.body);
    expect((await b.api(`/v1/sessions/${mine.body.id}/cancel`, { method: 'POST', key: other.key })).status).toBe(404);
    expect((await b.api(`/v1/sessions/${mine.body.id}`)).body.status).toBe('created');
  });

  // Every field of the create call, with a bad value: 400 and the field named (API.md §6).
  const BAD: [string, Record<string, unknown>, string, string][] = [
    ['method missing', { target: base.target }, 'invalid_request', 'method'],
    ['method wrong type', { method: 5 }, 'invalid_request', 'method'],
    ['method unknown', { method: 'se-freja' }, 'method_not_enabled', ''],
    ['operation', { ...base, operation: 'pay' }, 'invalid_request', 'operation'],
    ['flow', { ...base, flow: 'app' }, 'invalid_request', 'flow'],
    ['target not a URL', { ...base, target: 'nope' }, 'invalid_request', 'target'],
    ['target not registered', { ...base, target: 'https://evil.example/' }, 'target_not_allowed', 'target'],
    ['target prefix of registered', { ...base, target: `${MERCHANT}/done/x` }, 'target_not_allowed', 'target'],
    ['target_error not registered', { ...base, target_error: 'https://evil.example/' }, 'target_not_allowed', 'target_error'],
    ['relay_state too long', { ...base, relay_state: 'x'.repeat(513) }, 'invalid_request', 'relay_state'],
    ['relay_state 513 emoji', { ...base, relay_state: '🙂'.repeat(513) }, 'invalid_request', 'relay_state'],
    ['relay_state wrong type', { ...base, relay_state: 1 }, 'invalid_request', 'relay_state'],
    ['locale', { ...base, locale: 'de' }, 'invalid_request', 'locale'],
    ['sign without sign op', { ...base, sign: { text: 'x' } }, 'invalid_request', 'sign'],
    ['sign op without sign', { ...base, operation: 'sign' }, 'invalid_request', 'sign'],
    ['sign.text too long', { ...base, operation: 'sign', sign: { text: 'é'.repeat(15_001) } }, 'invalid_request', 'sign.text'],
    ['sign.format', { ...base, operation: 'sign', sign: { text: 'x', format: 'html' } }, 'invalid_request', 'sign.format'],
    ['sign.hidden_data not base64', { ...base, operation: 'sign', sign: { text: 'x', hidden_data: '***' } }, 'invalid_request', 'sign.hidden_data'],
    ['sign.hidden_data too long', { ...base, operation: 'sign', sign: { text: 'x', hidden_data: 'A'.repeat(40_004) } }, 'invalid_request', 'sign.hidden_data'],
    ['sign unknown field', { ...base, operation: 'sign', sign: { text: 'x', color: 'red' } }, 'invalid_request', 'sign.color'],
    ['personal_number', { ...base, personal_number: '12345' }, 'invalid_request', 'personal_number'],
    ['phone in browser flow', { ...base, phone: { call_initiator: 'user' } }, 'invalid_request', 'phone'],
    ['phone.call_initiator', { ...base, flow: 'headless', end_user_ip: '1.2.3.4', personal_number: '199001012385', phone: { call_initiator: 'bank' } }, 'invalid_request', 'phone.call_initiator'],
    ['device', { ...base, device: 'tablet' }, 'invalid_request', 'device'],
    ['min_assurance', { ...base, min_assurance: 'low' }, 'invalid_request', 'min_assurance'],
    ['end_user_ip', { ...base, end_user_ip: '999.1.1.1' }, 'invalid_request', 'end_user_ip'],
    ['headless without end_user_ip', { ...base, flow: 'headless' }, 'invalid_request', 'end_user_ip'],
    ['return_url', { ...base, return_url: 'javascript:alert(1)' }, 'invalid_request', 'return_url'],
    ['frame_origin not an origin', { ...base, frame_origin: `${MERCHANT}/path` }, 'invalid_request', 'frame_origin'],
    ['frame_origin not registered', { ...base, frame_origin: 'https://evil.example' }, 'frame_origin_not_allowed', 'frame_origin'],
    ['expires_in too small', { ...base, expires_in: 59 }, 'invalid_request', 'expires_in'],
    ['expires_in too large', { ...base, expires_in: 3601 }, 'invalid_request', 'expires_in'],
    ['expires_in not an integer', { ...base, expires_in: 100.5 }, 'invalid_request', 'expires_in'],
    ['metadata not an object', { ...base, metadata: [1] }, 'invalid_request', 'metadata'],
    ['metadata over 4 KiB', { ...base, metadata: { x: 'y'.repeat(4100) } }, 'invalid_request', 'metadata'],
    ['unknown field', { ...base, colour: 'blue' }, 'invalid_request', 'colour'],
    ['headless demo', { ...base, flow: 'headless', end_user_ip: '1.2.3.4' }, 'flow_not_supported', ''],
  ];

  it.each(BAD)('refuses %s without storing anything', async (name, body, code, field) => {
    const before = await storedCounts(b);
    // Without and with an Idempotency-Key: a refused call keeps no key either.
    const variants: Record<string, string>[] = [{}, { 'idempotency-key': `bad-${name}` }];
    for (const headers of variants) {
      const r = await b.api('/v1/sessions', { method: 'POST', json: body, headers });
      expect(r.headers.get('content-type')).toContain('application/problem+json');
      expect(r.body.code).toBe(code);
      expect(r.status).toBe(400);
      expect(r.body).toMatchObject({ status: 400, title: expect.any(String), type: expect.any(String) });
      if (field) expect(r.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    expect(await storedCounts(b)).toEqual(before);
  });

  it('changes nothing of an existing session on a refused call, and the counts do see a real change', async () => {
    const headers = { 'idempotency-key': `keep-${Math.random()}` };
    const s = await b.api('/v1/sessions', { method: 'POST', json: { ...base, relay_state: 'kept' }, headers });
    const other = await b.addCustomer({ name: 'Other', targets: [] });
    const read = () => b.api(`/v1/sessions/${s.body.id}`);
    const cancel = (init: Parameters<TestBroker['api']>[1] = {}) => b.api(`/v1/sessions/${s.body.id}/cancel`, { method: 'POST', ...init });
    const check = async (refused: Promise<{ status: number; body: any }>, status: number, code: string | null) => {
      const before = { session: (await read()).body, counts: await storedCounts(b) };
      const r = await refused;
      expect(r.status).toBe(status);
      if (code) expect(r.body.code).toBe(code);
      expect({ session: (await read()).body, counts: await storedCounts(b) }).toEqual(before);
    };
    await check(cancel({ key: other.key }), 404, 'not_found');
    await check(cancel({ key: 'idbk_nope_nope' }), 401, 'unauthorized');
    await check(cancel({ body: '{"reason":', headers: { 'content-type': 'application/json' } }), 400, 'invalid_request');
    await check(cancel({ json: { pad: 'x'.repeat(70_000) } }), 413, 'payload_too_large');
    await check(b.api('/v1/sessions', { method: 'POST', json: { ...base, relay_state: 'another' }, headers }), 409, 'idempotency_conflict');
    expect((await read()).body).toMatchObject({ status: 'created', version: 1 });

    const before = await storedCounts(b);
    expect((await cancel()).status).toBe(200);
    expect(await storedCounts(b)).toEqual({ ...before, webhook_events: before.webhook_events + 1, webhook_deliveries: before.webhook_deliveries + 1 });
    await check(cancel(), 409, 'session_final');
    expect((await read()).body).toMatchObject({ status: 'cancelled', version: 2 });
  });

  it('answers malformed JSON with invalid_request and a body over 64 KiB with 413', async () => {
    const bad = await b.api('/v1/sessions', { method: 'POST', body: '{"method":', headers: { 'content-type': 'application/json' } });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('invalid_request');
    const big = await b.api('/v1/sessions', { method: 'POST', json: { ...base, metadata: { x: 'y'.repeat(70_000) } } });
    expect(big.status).toBe(413);
    expect(big.body.code).toBe('payload_too_large');
  });

  it('replays an Idempotency-Key with the same body and refuses another body', async () => {
    const headers = { 'idempotency-key': `k-${Math.random()}` };
    const a = await b.api('/v1/sessions', { method: 'POST', json: base, headers });
    const again = await b.api('/v1/sessions', { method: 'POST', json: base, headers });
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(a.body.id);
    const other = await b.api('/v1/sessions', { method: 'POST', json: { ...base, relay_state: 'different' }, headers });
    expect(other.status).toBe(409);
    expect(other.body.code).toBe('idempotency_conflict');
  });

  it('replays the first answer exactly, whatever the session has become since', async () => {
    const headers = { 'idempotency-key': `first-${Math.random()}` };
    const first = await b.api('/v1/sessions', { method: 'POST', json: { ...base, relay_state: 'r1', metadata: { cart: 1 } }, headers });
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect((await b.api(`/v1/sessions/${first.body.id}/cancel`, { method: 'POST' })).status).toBe(200);
    const again = await b.api('/v1/sessions', { method: 'POST', json: { ...base, relay_state: 'r1', metadata: { cart: 1 } }, headers });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(again.body).toMatchObject({ status: 'created', version: 1, redirect_url: first.body.redirect_url });
    expect((await b.api(`/v1/sessions/${first.body.id}`)).body).toMatchObject({ status: 'cancelled', version: 2 });
  });

  it('replays a headless first answer with its launch, and keeps no personal data in the stored answer', async () => {
    const headers = { 'idempotency-key': `headless-${Math.random()}` };
    const body = { method: 'se-bankid', flow: 'headless', end_user_ip: '203.0.113.77', personal_number: '199001012385' };
    const first = await b.api('/v1/sessions', { method: 'POST', json: body, headers });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ status: 'pending', version: 2, launch: { auto_start_token: 'ast-1' } });
    const row = await b.broker.store.db.selectFrom('idempotency_keys').selectAll().where('key', '=', headers['idempotency-key']).executeTakeFirstOrThrow();
    expect(JSON.parse(row.response)).toEqual({ session_id: first.body.id, body: first.body });
    expect(JSON.stringify(row)).not.toContain('199001012385');
    expect(JSON.stringify(row)).not.toContain('203.0.113.77');
    expect((await b.api(`/v1/sessions/${first.body.id}/cancel`, { method: 'POST' })).status).toBe(200);
    const again = await b.api('/v1/sessions', { method: 'POST', json: body, headers });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
  });

  it('keeps the session id beside the first answer, so a node older than the kept answer replays the key (rolling deploy)', async () => {
    const headers = { 'idempotency-key': `rolling-${Math.random()}` };
    const first = await b.api('/v1/sessions', { method: 'POST', json: base, headers });
    expect(first.status).toBe(201);
    const stored = await b.broker.store.getIdempotent(b.customerId, headers['idempotency-key']);
    // An older node's replay: the session read by the kept id, with this customer's key.
    const id = (stored?.response as { session_id?: unknown }).session_id;
    expect(id).toBe(first.body.id);
    expect((await b.broker.store.getSession(id as string, b.customerId))?.id).toBe(first.body.id);
    // This node still answers the first answer itself.
    const again = await b.api('/v1/sessions', { method: 'POST', json: base, headers });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
  });

  it('replays a key stored before first answers were kept (the session id only) with the session as it now is', async () => {
    const created = await b.api('/v1/sessions', { method: 'POST', json: base });
    await b.api(`/v1/sessions/${created.body.id}/cancel`, { method: 'POST' });
    const request_hash = createHash('sha256').update(JSON.stringify(base)).digest('hex');
    await b.broker.store.transaction((tx) => b.broker.store.putIdempotent(tx, b.customerId, 'legacy-key', { request_hash, status_code: 201, response: { session_id: created.body.id } }, new Date()));
    const again = await b.api('/v1/sessions', { method: 'POST', json: base, headers: { 'idempotency-key': 'legacy-key' } });
    expect(again.status).toBe(201);
    expect(again.body).toEqual((await b.api(`/v1/sessions/${created.body.id}`)).body);
  });

  it('cancels a session once, then answers session_final', async () => {
    const s = await b.api('/v1/sessions', { method: 'POST', json: base });
    const c = await b.api(`/v1/sessions/${s.body.id}/cancel`, { method: 'POST' });
    expect(c.status).toBe(200);
    expect(c.body).toMatchObject({ status: 'cancelled', version: 2 });
    expect(c.body.completed_at).not.toBeNull();
    expect(c.body.redirect_url).toBeUndefined();
    const again = await b.api(`/v1/sessions/${s.body.id}/cancel`, { method: 'POST' });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('session_final');
  });

  it('long-polls: answers at once when the version is already newer, or when it changes', async () => {
    const s = await b.api('/v1/sessions', { method: 'POST', json: base });
    const now = await b.api(`/v1/sessions/${s.body.id}?wait=5&version=0`);
    expect(now.body.version).toBe(1);
    const started = Date.now();
    const waiting = b.api(`/v1/sessions/${s.body.id}?wait=10&version=1`);
    await new Promise((r) => setTimeout(r, 300));
    await b.api(`/v1/sessions/${s.body.id}/cancel`, { method: 'POST' });
    const woke = await waiting;
    expect(woke.body).toMatchObject({ status: 'cancelled', version: 2 });
    expect(Date.now() - started).toBeLessThan(5000);
    expect((await b.api(`/v1/sessions/${s.body.id}?wait=31`)).body.code).toBe('invalid_request');
  });

  it('long-poll times out with the current state', async () => {
    const s = await b.api('/v1/sessions', { method: 'POST', json: base });
    const r = await b.api(`/v1/sessions/${s.body.id}?wait=1&version=1`);
    expect(r.status).toBe(200);
    expect(r.body.version).toBe(1);
  });

  it('streams events: current state first, each change, and ends after the final status', async () => {
    const s = await b.api('/v1/sessions', { method: 'POST', json: base });
    const res = await fetch(`${b.url}/v1/sessions/${s.body.id}/events`, { headers: { authorization: `Bearer ${b.key}` } });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    setTimeout(() => void b.api(`/v1/sessions/${s.body.id}/cancel`, { method: 'POST' }), 200);
    const text = await res.text(); // resolves only when the server ends the stream
    const events = text.split('\n\n').filter((e) => e.startsWith('id:'));
    expect(events.map((e) => e.split('\n')[0])).toEqual(['id: 1', 'id: 2']);
    expect(events[1]).toContain('event: session');
    expect(JSON.parse(events[1].split('\n').find((l) => l.startsWith('data: '))!.slice(6)).status).toBe('cancelled');
  });

  it('honours Last-Event-ID', async () => {
    const s = await b.api('/v1/sessions', { method: 'POST', json: base });
    await b.api(`/v1/sessions/${s.body.id}/cancel`, { method: 'POST' });
    const res = await fetch(`${b.url}/v1/sessions/${s.body.id}/events`, { headers: { authorization: `Bearer ${b.key}`, 'last-event-id': '1' } });
    const text = await res.text();
    expect(text.match(/^id: /gm)?.length).toBe(1);
    expect(text).toContain('id: 2');
  });

  it('lists sessions changed since a time, oldest first, with a cursor', async () => {
    const since = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 5));
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await b.api('/v1/sessions', { method: 'POST', json: base })).body.id);
    const p1 = await b.api(`/v1/sessions?updated_since=${encodeURIComponent(since)}&limit=2`);
    expect(p1.status).toBe(200);
    expect(p1.body.data.map((s: { id: string }) => s.id)).toEqual(ids.slice(0, 2));
    const p2 = await b.api(`/v1/sessions?updated_since=${encodeURIComponent(since)}&limit=2&cursor=${p1.body.next_cursor}`);
    expect(p2.body.data.map((s: { id: string }) => s.id)).toEqual(ids.slice(2));
    expect(p2.body.next_cursor).toBeNull();
    expect((await b.api('/v1/sessions?updated_since=yesterday')).body.code).toBe('invalid_request');
  });
});
