// API.md §3 "Sessions": create (every field and limit, Idempotency-Key), read (shape, statuses,
// version, completed_at, final never changes), long-poll, events (SSE, Last-Event-ID, keep-alive
// comments, end after final), reconcile list, cancel, headless BankID (launch, /qr), retention
// (result_erased_at), and the identity shape.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OTHER_PERSON, PERSON, simCall, startSimulator, type Simulator } from './harness/bankid.js';
import { dialects } from './harness/databases.js';
import { PageClient } from './harness/flow.js';
import { EventStream, request } from './harness/http.js';
import { expectInvalid, expectProblem } from './harness/problem.js';
import { eventually, sleep } from './harness/processes.js';
import { at, startStack, type Customer, type Stack } from './harness/stack.js';

const DIALECTS = await dialects();
const TARGET = 'http://127.0.0.1:9/return';
const TARGET_ERROR = 'http://127.0.0.1:9/error';
const FRAME = 'http://localhost:9';
const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const NATIONAL_ID_TYPES = ['se_personnummer', 'se_samordningsnummer', 'no_fodselsnummer', 'no_d_number', 'dk_cpr', 'fi_hetu'];
const READ_KEYS = ['id', 'status', 'method', 'operation', 'flow', 'relay_state', 'metadata', 'version', 'created_at', 'updated_at', 'expires_at', 'completed_at', 'progress', 'result', 'error'];
const demo = (extra: Record<string, unknown> = {}) => ({ method: 'demo', target: TARGET, ...extra });

function bits(random: string): number {
  return /^[0-9a-f]+$/i.test(random) ? random.length * 4 : random.length * Math.log2(62);
}
const randomPart = (id: string) => id.replace(/^[a-z]+_/, '');

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim?.stop());

describe.each(DIALECTS)('API.md §3 sessions (%s)', (dialect) => {
  let stack: Stack;
  let shop: Customer;
  let brief: Customer;
  let expiring: any;
  let expiringStream: EventStream;
  let erased: any;

  beforeAll(async () => {
    stack = await startStack(dialect, {
      serveEnv: { IDBRIDGE_BANKID_ENV: 'simulated', IDBRIDGE_BANKID_URL: sim.rpUrl, IDBRIDGE_BANKID_CA: `${sim.dir}/ca.pem` },
    });
    [shop, brief] = (await Promise.all([
      stack.customer({ name: 'Session Shop', targets: [TARGET, TARGET_ERROR], frameOrigins: [FRAME] }),
      stack.customer({ name: 'Brief Shop', targets: [TARGET] }),
    ])).map((c) => at(c, stack.url));
    // Slow observations start now and are checked at the end: expiry (60 s), erasure, keep-alive.
    expiring = await shop.api.create(demo({ expires_in: 60 }));
    expiringStream = new EventStream(`${stack.url}/v1/sessions/${expiring.id}/events`, { authorization: `Bearer ${shop.api_key}` });
    const upd = await stack.cli(['customers', 'update', brief.id, '--retention-hours', '0']);
    if (upd.code !== 0) throw new Error(`customers update --retention-hours 0: ${upd.stderr}`);
    await sleep(5500); // the change reaches the running process within 5 s (API.md §1)
    erased = await brief.api.create(demo({ relay_state: 'erase-me', metadata: { order: 7 } }));
    await new PageClient(erased.redirect_url).completeDemo(0);
  });
  afterAll(async () => {
    expiringStream?.close();
    await stack?.stop();
  });

  describe('create', () => {
    it('answers 201 {id, status created, method, operation, flow, redirect_url, expires_at, version 1} with the defaults', async () => {
      const before = Date.now();
      const r = await shop.api.post('/v1/sessions', demo());
      expect(r.status).toBe(201);
      expect(r.headers.get('content-type')).toMatch(/^application\/json/);
      const s = r.body;
      expect(s).toMatchObject({ id: expect.any(String), status: 'created', method: 'demo', operation: 'authenticate', flow: 'browser', version: 1 });
      expect(s.redirect_url.startsWith(`${stack.url}/`)).toBe(true);
      expect(s.expires_at).toMatch(RFC3339_UTC);
      const ttl = Date.parse(s.expires_at) - before;
      expect(ttl).toBeGreaterThan(595_000);
      expect(ttl).toBeLessThan(605_000);
      expect(s).not.toHaveProperty('launch');
    });

    it('session ids and page URLs carry at least 128 bits and never repeat', async () => {
      const made = await Promise.all(Array.from({ length: 10 }, () => shop.api.create(demo())));
      const ids = new Set(made.map((s) => s.id));
      const pages = new Set(made.map((s) => s.redirect_url));
      expect(ids.size).toBe(10);
      expect(pages.size).toBe(10);
      for (const s of made) {
        expect(bits(randomPart(s.id))).toBeGreaterThanOrEqual(128);
        const token = new URL(s.redirect_url).pathname.split('/').filter(Boolean).pop()!;
        expect(bits(token)).toBeGreaterThanOrEqual(128);
      }
    });

    it('accepts every field of the table and echoes relay_state and metadata; expires_in sets expires_at', async () => {
      const body = {
        method: 'demo', operation: 'authenticate', flow: 'browser', target: TARGET, target_error: TARGET_ERROR,
        relay_state: 'r'.repeat(512), locale: 'sv', personal_number: '199001012385', device: 'other_device',
        min_assurance: 'substantial', frame_origin: FRAME, expires_in: 60, metadata: { cart: 'c-1', n: 2, nested: { ok: true } },
        return_url: 'http://127.0.0.1:9/app',
      };
      const before = Date.now();
      const s = await shop.api.create(body);
      expect(Date.parse(s.expires_at) - before).toBeGreaterThan(55_000);
      expect(Date.parse(s.expires_at) - before).toBeLessThan(65_000);
      const read = await shop.api.read(s.id);
      expect(read.relay_state).toBe(body.relay_state);
      expect(read.metadata).toEqual(body.metadata);
      for (const locale of ['en', 'sv', 'nb', 'da', 'fi']) expect((await shop.api.post('/v1/sessions', demo({ locale }))).status).toBe(201);
      for (const device of ['auto', 'same_device', 'other_device']) expect((await shop.api.post('/v1/sessions', demo({ device }))).status).toBe(201);
      expect((await shop.api.post('/v1/sessions', demo({ expires_in: 3600 }))).status).toBe(201);
      expect((await shop.api.post('/v1/sessions', demo({ min_assurance: 'high' }))).status).toBe(201);
    });

    it('refuses each value out of range with 400 invalid_request naming the field', async () => {
      const cases: [Record<string, unknown>, string][] = [
        [{ method: 5 }, 'method'],
        [demo({ operation: 'login' }), 'operation'],
        [demo({ flow: 'app' }), 'flow'],
        [demo({ target: 'not a url' }), 'target'],
        [demo({ target_error: 'not a url' }), 'target_error'],
        [demo({ relay_state: 'r'.repeat(513) }), 'relay_state'],
        [demo({ relay_state: 5 }), 'relay_state'],
        [demo({ locale: 'de' }), 'locale'],
        [demo({ device: 'phone' }), 'device'],
        [demo({ min_assurance: 'low' }), 'min_assurance'],
        [demo({ expires_in: 59 }), 'expires_in'],
        [demo({ expires_in: 3601 }), 'expires_in'],
        [demo({ expires_in: '600' }), 'expires_in'],
        [demo({ metadata: { blob: 'x'.repeat(4097) } }), 'metadata'],
        [demo({ metadata: 'text' }), 'metadata'],
        [demo({ end_user_ip: 'not-an-ip' }), 'end_user_ip'],
        [demo({ return_url: 'not a url' }), 'return_url'],
        [demo({ frame_origin: 'http://localhost:9/path' }), 'frame_origin'],
        [demo({ unknown_field: 1 }), 'unknown_field'],
        [demo({ operation: 'sign' }), 'sign'],
        [demo({ operation: 'sign', sign: { text: 'x', format: 'html' } }), 'sign.format'],
        [demo({ operation: 'sign', sign: { text: 'x', hidden_data: 'not base64!' } }), 'sign.hidden_data'],
        [{ method: 'se-bankid', flow: 'headless', end_user_ip: '127.0.0.1', phone: { call_initiator: 'user' } }, 'personal_number'],
        [{ method: 'se-bankid', flow: 'headless', end_user_ip: '127.0.0.1', personal_number: PERSON, phone: { call_initiator: 'bank' } }, 'phone.call_initiator'],
        [{ method: 'se-bankid', flow: 'headless' }, 'end_user_ip'],
      ];
      for (const [body, field] of cases) expectInvalid(await shop.api.post('/v1/sessions', body), field);
      expectInvalid(await shop.api.post('/v1/sessions', { target: TARGET }), 'method');
    });

    it('phone is headless only (a browser create with phone is refused)', async () => {
      const r = await shop.api.post('/v1/sessions', { method: 'se-bankid', personal_number: PERSON, phone: { call_initiator: 'user' }, target: TARGET });
      expect(r.status).toBe(400);
    });

    it('sign.text: at most 30,000 UTF-8 bytes; sign.hidden_data: at most 40,000 characters', async () => {
      const sign = (text: string, hidden?: string) => demo({ operation: 'sign', sign: { text, format: 'plaintext', ...(hidden ? { hidden_data: hidden } : {}) } });
      expect((await shop.api.post('/v1/sessions', sign('å'.repeat(15_000)))).status).toBe(201);
      // 15,001 two-byte characters: under 30,000 characters but over 30,000 bytes.
      expectInvalid(await shop.api.post('/v1/sessions', sign('å'.repeat(15_001))), 'sign.text');
      expect((await shop.api.post('/v1/sessions', sign('ok', 'A'.repeat(40_000)))).status).toBe(201);
      expectInvalid(await shop.api.post('/v1/sessions', sign('ok', 'A'.repeat(40_004))), 'sign.hidden_data');
      expect((await shop.api.post('/v1/sessions', demo({ operation: 'sign', sign: { text: '# Avtal\n\n*ok*', format: 'markdown' } }))).status).toBe(201);
    });

    it('target and target_error must equal a registered target exactly', async () => {
      for (const t of [`${TARGET}/`, `${TARGET}?x=1`, 'http://127.0.0.1:9/RETURN', 'http://localhost:9/return']) {
        expectProblem(await shop.api.post('/v1/sessions', demo({ target: t })), 400, 'target_not_allowed');
      }
      expectProblem(await shop.api.post('/v1/sessions', demo({ target_error: 'http://127.0.0.1:9/other' })), 400, 'target_not_allowed');
      expect((await shop.api.post('/v1/sessions', demo({ target: TARGET_ERROR, target_error: TARGET }))).status).toBe(201);
    });

    it('frame_origin must be one of the customer\'s registered frame origins', async () => {
      const r = await shop.api.post('/v1/sessions', demo({ frame_origin: 'http://localhost:10' }));
      expectProblem(r, 400);
    });

    it('Idempotency-Key: the same key and body return the first answer; another body is 409 idempotency_conflict', async () => {
      const key = `idem-${Date.now()}`;
      const body = demo({ relay_state: 'idem' });
      const first = await shop.api.post('/v1/sessions', body, { 'idempotency-key': key });
      const again = await shop.api.post('/v1/sessions', body, { 'idempotency-key': key });
      expect(first.status).toBe(201);
      expect(again.status).toBe(201);
      expect(again.body).toEqual(first.body);
      expectProblem(await shop.api.post('/v1/sessions', demo({ relay_state: 'other' }), { 'idempotency-key': key }), 409, 'idempotency_conflict');
      // Without the key, the same body makes a new session.
      expect((await shop.api.create(body)).id).not.toBe(first.body.id);
      // A key belongs to its customer: another customer's same key is a new session.
      const otherShop = await brief.api.post('/v1/sessions', body, { 'idempotency-key': key });
      expect(otherShop.status).toBe(201);
      expect(otherShop.body.id).not.toBe(first.body.id);
    });
  });

  describe('read, statuses and version', () => {
    it('a read has every field of the contract; times are RFC 3339 UTC; redirect_url is repeated until final', async () => {
      const s = await shop.api.create(demo({ relay_state: 'rs-1', metadata: { a: 1 } }));
      const read = await shop.api.read(s.id);
      for (const k of READ_KEYS) expect(read).toHaveProperty(k);
      expect(read).toMatchObject({ id: s.id, status: 'created', method: 'demo', operation: 'authenticate', flow: 'browser', relay_state: 'rs-1', metadata: { a: 1 }, version: 1, completed_at: null, result: null, error: null, redirect_url: s.redirect_url, expires_at: s.expires_at });
      for (const k of ['created_at', 'updated_at', 'expires_at']) expect(read[k]).toMatch(RFC3339_UTC);
      const plain = await shop.api.read((await shop.api.create(demo())).id);
      expect(plain.relay_state).toBeNull();
    });

    it('created → pending → complete, version +1 at each change, completed_at set, identity normalised', async () => {
      const s = await shop.api.create(demo({ relay_state: 'flow-1' }));
      const page = new PageClient(s.redirect_url);
      expect((await page.bind()).status).toBe(200);
      expect((await page.start()).status).toBe(200);
      const pending = await shop.api.read(s.id);
      expect(pending.status).toBe('pending');
      expect(pending.version).toBe(2);
      expect(pending.completed_at).toBeNull();
      expect(pending.redirect_url).toBe(s.redirect_url);
      expect((await page.approve(0)).status).toBe(200);
      const done = await shop.api.read(s.id);
      expect(done.status).toBe('complete');
      expect(done.version).toBe(3);
      expect(done.completed_at).toMatch(RFC3339_UTC);
      expect(Date.parse(done.completed_at)).toBeGreaterThanOrEqual(Date.parse(done.created_at));
      expect(done.error).toBeNull();
      expect(done).not.toHaveProperty('redirect_url');
      const id = done.result.identity;
      expect(Object.keys(id).sort()).toEqual(['assurance', 'authenticated_at', 'country', 'date_of_birth', 'first_name', 'full_name', 'last_name', 'national_id', 'provider', 'raw', 'subject'].sort());
      expect(id).toMatchObject({ provider: 'demo', country: expect.stringMatching(/^[A-Z]{2}$/), subject: expect.any(String), first_name: expect.any(String), last_name: expect.any(String), full_name: expect.any(String) });
      expect(['low', 'substantial', 'high']).toContain(id.assurance.level);
      expect(id.assurance).toHaveProperty('raw');
      expect(id.authenticated_at).toMatch(RFC3339_UTC);
      expect(id.date_of_birth === null || /^\d{4}-\d{2}-\d{2}$/.test(id.date_of_birth)).toBe(true);
      if (id.national_id !== null) {
        expect(NATIONAL_ID_TYPES).toContain(id.national_id.type);
        expect(id.national_id).toMatchObject({ value: expect.any(String), country: expect.stringMatching(/^[A-Z]{2}$/) });
      }
      expect(typeof id.raw).toBe('object');
      expect(done.result.signature).toBeNull();
      expect(done.result.device === null || typeof done.result.device.ip_address === 'string').toBe(true);
    });

    it('a final status never changes: cancel is 409 session_final, the page cannot act again, version and completed_at stay', async () => {
      const s = await shop.api.create(demo());
      const page = new PageClient(s.redirect_url);
      await page.completeDemo(0);
      const done = await shop.api.read(s.id);
      expectProblem(await shop.api.post(`/v1/sessions/${s.id}/cancel`, {}), 409, 'session_final');
      await page.cancel();
      await page.approve(1);
      const later = await shop.api.read(s.id);
      expect(later).toEqual(done);
    });

    it('the person\'s cancel ends the session failed with error.code user_cancelled and completed_at', async () => {
      const s = await shop.api.create(demo());
      await new PageClient(s.redirect_url).cancelDemo();
      const r = await shop.api.read(s.id);
      expect(r).toMatchObject({ status: 'failed', error: { code: 'user_cancelled', message: expect.any(String) }, result: null });
      expect(r.completed_at).toMatch(RFC3339_UTC);
    });

    it('min_assurance above what the provider gives ends the session failed with assurance_too_low', async () => {
      // The demo eID reports assurance "low".
      const s = await shop.api.create(demo({ min_assurance: 'substantial' }));
      await new PageClient(s.redirect_url).completeDemo(0);
      const r = await shop.api.read(s.id);
      expect(r).toMatchObject({ status: 'failed', error: { code: 'assurance_too_low' } });
      expect(r.result).toBeNull();
    });

    it('cancel: 200 with the session now cancelled (created or pending); a second cancel is 409 session_final', async () => {
      const s = await shop.api.create(demo());
      const r = await shop.api.post(`/v1/sessions/${s.id}/cancel`, {});
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ id: s.id, status: 'cancelled', version: 2 });
      expect(r.body.completed_at).toMatch(RFC3339_UTC);
      expectProblem(await shop.api.post(`/v1/sessions/${s.id}/cancel`, {}), 409, 'session_final');
      const p = await shop.api.create(demo());
      const page = new PageClient(p.redirect_url);
      await page.bind();
      await page.start();
      const c = await shop.api.post(`/v1/sessions/${p.id}/cancel`, {});
      expect(c.body).toMatchObject({ status: 'cancelled' });
      // The page can no longer complete it.
      await page.approve(0);
      expect((await shop.api.read(p.id)).status).toBe('cancelled');
    });
  });

  describe('long-poll', () => {
    it('wait over 30 is 400 invalid_request', async () => {
      const s = await shop.api.create(demo());
      expectInvalid(await shop.api.get(`/v1/sessions/${s.id}?wait=31&version=1`), 'wait');
      expect((await shop.api.get(`/v1/sessions/${s.id}?wait=0&version=1`)).status).toBe(200);
    });

    it('answers after S seconds with the current state when nothing changes', async () => {
      const s = await shop.api.create(demo());
      const t0 = Date.now();
      const r = await shop.api.get(`/v1/sessions/${s.id}?wait=2&version=1`);
      const took = Date.now() - t0;
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ id: s.id, status: 'created', version: 1 });
      expect(took).toBeGreaterThanOrEqual(1900);
      expect(took).toBeLessThan(4000);
    });

    it('answers as soon as the version exceeds N', async () => {
      const s = await shop.api.create(demo());
      const t0 = Date.now();
      const poll = shop.api.get(`/v1/sessions/${s.id}?wait=20&version=1`);
      await sleep(500);
      await shop.api.post(`/v1/sessions/${s.id}/cancel`, {});
      const r = await poll;
      expect(Date.now() - t0).toBeLessThan(5000);
      expect(r.body).toMatchObject({ status: 'cancelled', version: 2 });
      // A version already behind answers at once.
      const t1 = Date.now();
      expect((await shop.api.get(`/v1/sessions/${s.id}?wait=20&version=1`)).body.version).toBe(2);
      expect(Date.now() - t1).toBeLessThan(1500);
    });
  });

  describe('events (server-sent)', () => {
    const auth = () => ({ authorization: `Bearer ${shop.api_key}` });

    it('text/event-stream: the current state first, then each change as id/event session/data, ending after the final status', async () => {
      const s = await shop.api.create(demo({ relay_state: 'sse' }));
      const stream = new EventStream(`${stack.url}/v1/sessions/${s.id}/events`, auth());
      expect(await stream.waitFor((x) => x.events.length >= 1)).toBe(true);
      expect(stream.status).toBe(200);
      expect(stream.headers?.get('content-type')).toMatch(/^text\/event-stream/);
      const first = stream.events[0];
      expect(first).toMatchObject({ id: '1', event: 'session' });
      expect(JSON.parse(first.data)).toEqual(await shop.api.read(s.id));
      const page = new PageClient(s.redirect_url);
      await page.completeDemo(0);
      expect(await stream.waitFor((x) => x.ended, 8000)).toBe(true);
      const versions = stream.events.map((e) => Number(e.id));
      expect(versions).toEqual([...versions].sort((a, b) => a - b));
      expect(versions.at(-1)).toBe(3);
      for (const e of stream.events) {
        expect(e.event).toBe('session');
        expect(JSON.parse(e.data).version).toBe(Number(e.id));
      }
      expect(JSON.parse(stream.events.at(-1)!.data)).toEqual(await shop.api.read(s.id));
    });

    it('Last-Event-ID is honoured: nothing at or below it is sent again', async () => {
      const s = await shop.api.create(demo());
      const page = new PageClient(s.redirect_url);
      await page.bind();
      await page.start();
      const stream = new EventStream(`${stack.url}/v1/sessions/${s.id}/events`, { ...auth(), 'last-event-id': '2' });
      await sleep(800);
      expect(stream.events).toEqual([]);
      await page.approve(0);
      expect(await stream.waitFor((x) => x.ended, 8000)).toBe(true);
      expect(stream.events.map((e) => e.id)).toEqual(['3']);
    });

    it('a stream opened on a final session sends the final state and ends', async () => {
      const s = await shop.api.create(demo());
      await shop.api.post(`/v1/sessions/${s.id}/cancel`, {});
      const stream = new EventStream(`${stack.url}/v1/sessions/${s.id}/events`, auth());
      expect(await stream.waitFor((x) => x.ended, 5000)).toBe(true);
      expect(stream.events.map((e) => JSON.parse(e.data).status)).toEqual(['cancelled']);
    });
  });

  describe('reconcile list', () => {
    it('GET /v1/sessions?updated_since=&limit= lists the customer\'s changed sessions oldest first with next_cursor', async () => {
      await sleep(1100);
      const since = new Date().toISOString();
      await sleep(50);
      const made = [];
      for (let i = 0; i < 5; i++) {
        made.push(await shop.api.create(demo({ relay_state: `list-${i}` })));
        await sleep(15);
      }
      // A change moves a session to the end (it is "changed since then" later).
      await shop.api.post(`/v1/sessions/${made[0].id}/cancel`, {});
      const seen: any[] = [];
      let url = `/v1/sessions?updated_since=${encodeURIComponent(since)}&limit=2`;
      for (let page = 0; page < 10; page++) {
        const r = await shop.api.get(url);
        expect(r.status).toBe(200);
        expect(r.body).toHaveProperty('next_cursor');
        expect(r.body.data.length).toBeLessThanOrEqual(2);
        seen.push(...r.body.data);
        if (!r.body.next_cursor) break;
        url = `/v1/sessions?updated_since=${encodeURIComponent(since)}&limit=2&cursor=${encodeURIComponent(r.body.next_cursor)}`;
      }
      const ids = seen.map((s) => s.id);
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids).toEqual([made[1], made[2], made[3], made[4], made[0]].map((s) => s.id));
      const times = seen.map((s) => Date.parse(s.updated_at));
      expect(times).toEqual([...times].sort((a, b) => a - b));
      for (const s of seen) for (const k of READ_KEYS) expect(s).toHaveProperty(k);
      // updated_since in the future lists nothing.
      const none = await shop.api.get(`/v1/sessions?updated_since=${encodeURIComponent(new Date(Date.now() + 3600_000).toISOString())}`);
      expect(none.body).toEqual({ data: [], next_cursor: null });
      expectInvalid(await shop.api.get('/v1/sessions?updated_since=yesterday'), 'updated_since');
    });
  });

  describe('headless BankID (se-bankid)', () => {
    const headless = (extra: Record<string, unknown> = {}) => ({ method: 'se-bankid', flow: 'headless', end_user_ip: '127.0.0.1', ...extra });

    it('starts the order before answering: status pending with launch {auto_start_token, launch_url, qr_url}; /qr gives qr_data; a scan completes it', async () => {
      const r = await shop.api.post('/v1/sessions', headless({ relay_state: 'app-1', return_url: 'http://127.0.0.1:9/app-return' }));
      expect(r.status, r.text).toBe(201);
      const s = r.body;
      expect(s).toMatchObject({ status: 'pending', method: 'se-bankid', flow: 'headless', operation: 'authenticate' });
      expect(s).not.toHaveProperty('redirect_url');
      expect(s.launch).toMatchObject({ auto_start_token: expect.any(String), launch_url: expect.any(String), qr_url: expect.any(String) });
      expect((await shop.api.read(s.id)).launch).toEqual(s.launch);
      expect(s.launch.qr_url.startsWith(`${stack.url}/`)).toBe(true);
      const qr = await shop.api.get(`/v1/sessions/${s.id}/qr`);
      expect(qr.status).toBe(200);
      expect(qr.body.qr_data).toMatch(/^bankid\.[^.]+\.\d+\.[0-9a-f]{64}$/);
      expect(qr.body.refresh_after_ms).toEqual(expect.any(Number));
      const svg = await shop.api.get(`/v1/sessions/${s.id}/qr?format=svg`);
      expect(svg.status).toBe(200);
      expect(svg.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
      expect(svg.text).toContain('<svg');
      // return_url reaches the order (BankID returnUrl), as the simulated app shows it.
      const orders = await simCall(sim, 'GET', '/app/orders');
      expect(JSON.stringify(orders.body)).toContain('http://127.0.0.1:9/app-return');
      const scan = await simCall(sim, 'POST', '/app/scan', { qr_data: qr.body.qr_data, personal_number: PERSON, action: 'approve' });
      expect(scan.status, scan.text).toBe(200);
      const done = await eventually(async () => {
        const x = await shop.api.read(s.id);
        return x.status === 'complete' ? x : null;
      }, 10_000);
      expect(done).toBeTruthy();
      expect(done.result.identity).toMatchObject({ provider: 'se-bankid', country: 'SE', national_id: { value: PERSON, type: 'se_personnummer', country: 'SE' } });
      expect(done).not.toHaveProperty('launch');
      expectProblem(await shop.api.get(`/v1/sessions/${s.id}/qr`), 409);
    });

    it('progress.code is the provider hint in snake_case: outstanding_transaction, then user_sign on hold', async () => {
      const s = await shop.api.create(headless());
      const first = await eventually(async () => (await shop.api.read(s.id)).progress?.code, 5000);
      expect(first).toBe('outstanding_transaction');
      const v0 = (await shop.api.read(s.id)).version;
      const qr = (await shop.api.get(`/v1/sessions/${s.id}/qr`)).body;
      await simCall(sim, 'POST', '/app/scan', { qr_data: qr.qr_data, personal_number: PERSON, action: 'hold' });
      const held = await eventually(async () => ((await shop.api.read(s.id)).progress?.code === 'user_sign' ? true : null), 8000);
      expect(held).toBe(true);
      const heldRead = await shop.api.read(s.id);
      expect(heldRead.status).toBe('pending');
      // A changed hint is a change: the version rises.
      expect(heldRead.version).toBeGreaterThan(v0);
      expectProblem(await shop.api.get(`/v1/sessions/${s.id}/qr`), 409);
      const c = await shop.api.post(`/v1/sessions/${s.id}/cancel`, {});
      expect(c.body.status).toBe('cancelled');
    });

    it('sign: the result carries signature {format bankid-xmldsig, value, ocsp_response, signed_text}', async () => {
      const s = await shop.api.create(headless({ operation: 'sign', sign: { text: 'I agree to the terms', format: 'plaintext', hidden_data: Buffer.from('ref-1').toString('base64') } }));
      const qr = (await shop.api.get(`/v1/sessions/${s.id}/qr`)).body;
      await simCall(sim, 'POST', '/app/scan', { qr_data: qr.qr_data, personal_number: PERSON, action: 'approve' });
      const done = await eventually(async () => {
        const x = await shop.api.read(s.id);
        return x.status === 'complete' ? x : null;
      }, 10_000);
      expect(done?.result.signature).toMatchObject({ format: 'bankid-xmldsig', value: expect.any(String), ocsp_response: expect.any(String), signed_text: 'I agree to the terms' });
      expect(Buffer.from(done.result.signature.value, 'base64').toString('utf8')).toMatch(/^<\?xml|<Signature/);
    });

    it('the person\'s cancel in the app ends the session failed with user_cancelled', async () => {
      const s = await shop.api.create(headless());
      const qr = (await shop.api.get(`/v1/sessions/${s.id}/qr`)).body;
      await simCall(sim, 'POST', '/app/scan', { qr_data: qr.qr_data, personal_number: PERSON, action: 'cancel' });
      const failed = await eventually(async () => {
        const x = await shop.api.read(s.id);
        return x.status === 'failed' ? x : null;
      }, 10_000);
      expect(failed?.error.code).toBe('user_cancelled');
    });

    it('phone: personal_number and call_initiator start a BankID phone order that the app can approve', async () => {
      const s = await shop.api.create(headless({ personal_number: PERSON, phone: { call_initiator: 'rp' } }));
      expect(s.status).toBe('pending');
      const order = await eventually(async () => (await simCall(sim, 'GET', '/app/orders')).body.data.find((o: any) => o.phone && o.status === 'pending'), 5000);
      expect(order).toBeTruthy();
      const act = await simCall(sim, 'POST', `/app/orders/${order.order_ref}`, { personal_number: PERSON, action: 'approve' });
      expect(act.status).toBe(200);
      const done = await eventually(async () => ((await shop.api.read(s.id)).status === 'complete' ? true : null), 10_000);
      expect(done).toBe(true);
    });

    it('personal_number restricts who may complete (BankID requirement.personalNumber)', async () => {
      const s = await shop.api.create(headless({ personal_number: PERSON }));
      const qr = (await shop.api.get(`/v1/sessions/${s.id}/qr`)).body;
      await simCall(sim, 'POST', '/app/scan', { qr_data: qr.qr_data, personal_number: OTHER_PERSON, action: 'approve' });
      await sleep(3000);
      const r = await shop.api.read(s.id);
      expect(r.status).not.toBe('complete');
      expect(JSON.stringify(r)).not.toContain(OTHER_PERSON);
      if (r.status === 'pending') await shop.api.post(`/v1/sessions/${s.id}/cancel`, {});
    });

    it('the broker never starts an order from personal_number alone (browser flow)', async () => {
      const before = (await simCall(sim, 'GET', '/app/orders')).body.data.length;
      const s = await shop.api.create({ method: 'se-bankid', target: TARGET, personal_number: PERSON });
      expect(s.status).toBe('created');
      expect((await simCall(sim, 'GET', '/app/orders')).body.data.length).toBe(before);
    });
  });

  describe('slow observations started in beforeAll', () => {
    it('retention 0 h: the eraser clears the result; the read keeps everything else and adds result_erased_at', async () => {
      const r = await eventually(async () => {
        const x = await brief.api.read(erased.id);
        return x.result_erased_at ? x : null;
      }, 60_000, 1000);
      expect(r).toBeTruthy();
      expect(r.result).toBeNull();
      expect(r.result_erased_at).toMatch(RFC3339_UTC);
      expect(r).toMatchObject({ id: erased.id, status: 'complete', relay_state: 'erase-me', metadata: { order: 7 }, method: 'demo' });
      expect(r.completed_at).toMatch(RFC3339_UTC);
      // Personal data is gone from the record, not only from the view.
      expect(JSON.stringify(r)).not.toContain('Lindqvist');
    }, 70_000);

    it('past expires_at the session is expired with completed_at; the event stream kept itself open with comment lines and ended after the final status', async () => {
      const wait = Date.parse(expiring.expires_at) - Date.now();
      if (wait > 0) await sleep(wait);
      const r = await eventually(async () => {
        const x = await shop.api.read(expiring.id);
        return x.status === 'expired' ? x : null;
      }, 15_000, 500);
      expect(r).toBeTruthy();
      expect(Date.parse(r.completed_at)).toBeGreaterThanOrEqual(Date.parse(expiring.expires_at));
      expectProblem(await shop.api.post(`/v1/sessions/${expiring.id}/cancel`, {}), 409, 'session_final');
      expect(await expiringStream.waitFor((x) => x.ended, 10_000)).toBe(true);
      expect(expiringStream.comments.length).toBeGreaterThanOrEqual(1);
      expect(expiringStream.events.map((e) => JSON.parse(e.data).status)).toEqual(['created', 'expired']);
    }, 90_000);
  });
});
