// API.md §3 "Sessions", Create (`POST /v1/sessions`): the 201 answer and its defaults, every field
// of the table accepted and each value out of range refused naming the field, the limits (sign.text
// 30,000 UTF-8 bytes, hidden_data 40,000 characters, metadata ≤ 4 KiB, relay_state ≤ 512), the
// exact target rule, frame_origin, Idempotency-Key, and ≥ 128-bit ids and page tokens.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERSON, startSimulator, type Simulator } from './harness/bankid.js';
import { dialects } from './harness/databases.js';
import { expectInvalid, expectProblem } from './harness/problem.js';
import { at, startStack, type Customer, type Stack } from './harness/stack.js';

const DIALECTS = await dialects();
const TARGET = 'http://127.0.0.1:9/return';
const TARGET_ERROR = 'http://127.0.0.1:9/error';
const FRAME = 'http://localhost:9';
const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
const demo = (extra: Record<string, unknown> = {}) => ({ method: 'demo', target: TARGET, ...extra });

function bits(random: string): number {
  return /^[0-9a-f]+$/i.test(random) ? random.length * 4 : random.length * Math.log2(62);
}
const randomPart = (id: string) => id.replace(/^[a-z]+_/, '');
const utf8 = (s: string) => Buffer.byteLength(s, 'utf8');

/** `{"blob":"…"}` whose compact JSON is exactly `bytes` UTF-8 bytes, 1,000 of its characters two-byte. */
function metadataOf(bytes: number): { blob: string } {
  const m = { blob: 'å'.repeat(1000) };
  m.blob += 'x'.repeat(bytes - utf8(JSON.stringify(m)));
  if (utf8(JSON.stringify(m)) !== bytes) throw new Error('metadataOf: size');
  return m;
}

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim?.stop());

describe.each(DIALECTS)('API.md §3 sessions: create (%s)', (dialect) => {
  let stack: Stack;
  let shop: Customer;
  let brief: Customer;

  beforeAll(async () => {
    stack = await startStack(dialect, {
      serveEnv: { IDBRIDGE_BANKID_ENV: 'simulated', IDBRIDGE_BANKID_URL: sim.rpUrl, IDBRIDGE_BANKID_CA: `${sim.dir}/ca.pem` },
    });
    [shop, brief] = (await Promise.all([
      stack.customer({ name: 'Session Shop', targets: [TARGET, TARGET_ERROR], frameOrigins: [FRAME] }),
      stack.customer({ name: 'Brief Shop', targets: [TARGET] }),
    ])).map((c) => at(c, stack.url));
  });
  afterAll(() => stack?.stop());

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
  describe('limits measured at their boundary', () => {
    it('metadata: an object whose JSON is exactly 4,096 UTF-8 bytes is kept; 4,097 bytes is invalid_request naming metadata', async () => {
      // "≤ 4 KiB" is the object's compact JSON in UTF-8 bytes, not the merchant's formatting: the
      // body is sent pretty-printed, with whitespace inside the metadata object.
      const exact = metadataOf(4096);
      const body = JSON.stringify(demo({ metadata: exact }), null, 8);
      const r = await shop.api.call('POST', '/v1/sessions', body);
      expect(r.status, r.text).toBe(201);
      expect((await shop.api.read(r.body.id)).metadata).toEqual(exact);
      expectInvalid(await shop.api.post('/v1/sessions', demo({ metadata: metadataOf(4097) })), 'metadata');
      // One character more than the accepted object, but a two-byte one: bytes count, not characters.
      expectInvalid(await shop.api.post('/v1/sessions', demo({ metadata: { blob: `${exact.blob.slice(0, -1)}å` } })), 'metadata');
      // Nested keys and values count too.
      const nested = { a: { b: metadataOf(4096 - utf8('{"a":{"b":}}')) } };
      expect(utf8(JSON.stringify(nested))).toBe(4096);
      expect((await shop.api.post('/v1/sessions', demo({ metadata: nested }))).status).toBe(201);
      expectInvalid(await shop.api.post('/v1/sessions', demo({ metadata: { ...nested, c: 1 } })), 'metadata');
    });

    it('relay_state: 512 characters are kept whatever their UTF-8 size (512 × "å", 512 × "€"); 513 is invalid_request naming relay_state', async () => {
      for (const ch of ['å', '€']) {
        const r = await shop.api.post('/v1/sessions', demo({ relay_state: ch.repeat(512) }));
        expect(r.status, r.text).toBe(201);
        expect((await shop.api.read(r.body.id)).relay_state).toBe(ch.repeat(512));
        expectInvalid(await shop.api.post('/v1/sessions', demo({ relay_state: ch.repeat(513) })), 'relay_state');
      }
      const mixed = `${'a'.repeat(256)}${'ö'.repeat(256)}`;
      expect((await shop.api.create(demo({ relay_state: mixed }))).status).toBe('created');
      expectInvalid(await shop.api.post('/v1/sessions', demo({ relay_state: `${mixed}a` })), 'relay_state');
    });
  });
});
