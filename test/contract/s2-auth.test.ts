// API.md §2 "Merchant authentication": Bearer key on every /v1 call, keys of at least 128 random
// bits, 401 for unknown or revoked keys, another customer's object answers 404 exactly as a missing
// one, and errors are application/problem+json {type,title,status,code,detail,errors?} with a code
// listed in the project's error reference.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from './harness/databases.js';
import { PageClient } from './harness/flow.js';
import { expectProblem } from './harness/problem.js';
import { at, startStack, type Customer, type Stack } from './harness/stack.js';
import { Receiver } from './harness/receiver.js';

const DIALECTS = await dialects();
const TARGET = 'http://127.0.0.1:9/return';

/** Bits of entropy of a random string, judged by its alphabet (hex 4, base64url-ish ~5.95). */
function bits(random: string): number {
  return /^[0-9a-f]+$/i.test(random) ? random.length * 4 : random.length * Math.log2(62);
}

describe.each(DIALECTS)('API.md §2 merchant authentication (%s)', (dialect) => {
  let stack: Stack;
  let a: Customer;
  let b: Customer;
  let receiver: Receiver;
  let sessionOfA: any;
  let endpointOfA: any;
  let deliveryOfA: any;

  beforeAll(async () => {
    receiver = await new Receiver().start();
    stack = await startStack(dialect);
    [a, b] = (await Promise.all([
      stack.customer({ name: 'Auth A', targets: [TARGET], allowPrivateWebhooks: true, webhookUrl: `${receiver.url}/a` }),
      stack.customer({ name: 'Auth B', targets: [TARGET] }),
    ])).map((c) => at(c, stack.url));
    sessionOfA = await a.api.create({ method: 'demo', target: TARGET });
    endpointOfA = a.webhook_endpoint;
    const done = await a.api.create({ method: 'demo', target: TARGET });
    await new PageClient(done.redirect_url).completeDemo(0);
    await receiver.waitFor(() => receiver.received.length > 0);
    const deliveries = await a.api.get(`/v1/webhook-deliveries?session_id=${done.id}`);
    deliveryOfA = deliveries.body?.data?.[0];
  });
  afterAll(async () => {
    await stack?.stop();
    await receiver?.close();
  });

  it('API keys carry at least 128 random bits and differ per customer', () => {
    for (const c of [a, b]) {
      const random = c.key_prefix && c.api_key.startsWith(`${c.key_prefix}_`) ? c.api_key.slice(c.key_prefix.length + 1) : c.api_key.replace(/^[a-z]+_/, '');
      expect(bits(random)).toBeGreaterThanOrEqual(128);
    }
    expect(a.api_key).not.toBe(b.api_key);
  });

  const routes = (id: string) => [
    ['POST', '/v1/sessions', { method: 'demo' }],
    ['GET', `/v1/sessions/${id}`],
    ['GET', `/v1/sessions/${id}/events`],
    ['GET', `/v1/sessions/${id}/qr`],
    ['POST', `/v1/sessions/${id}/cancel`, {}],
    ['GET', `/v1/sessions?updated_since=2020-01-01T00:00:00Z`],
    ['GET', '/v1/webhook-endpoints'],
    ['POST', '/v1/webhook-endpoints', { url: 'https://example.com/hook' }],
    ['GET', '/v1/webhook-deliveries'],
  ] as [string, string, unknown?][];

  it('every /v1 call without a key, with a malformed header or an unknown key answers 401 unauthorized (problem+json)', async () => {
    for (const [method, path, body] of routes(sessionOfA.id)) {
      for (const key of [null, 'idbk_unknown_0000000000000000000000000000000000000000']) {
        expectProblem(await a.api.withKey(key).call(method, path, body), 401, 'unauthorized');
      }
      const basic = await a.api.withKey(null).call(method, path, body, { authorization: `Basic ${Buffer.from(`${a.api_key}:`).toString('base64')}` });
      expectProblem(basic, 401, 'unauthorized');
    }
  });

  it('a session of another customer answers 404 not_found exactly as a missing one (read, events, qr, cancel)', async () => {
    const missing = sessionOfA.id.replace(/.$/, (ch: string) => (ch === 'A' ? 'B' : 'A'));
    for (const suffix of ['', '/events', '/qr']) {
      const other = await b.api.get(`/v1/sessions/${sessionOfA.id}${suffix}`);
      const none = await b.api.get(`/v1/sessions/${missing}${suffix}`);
      expectProblem(other, 404, 'not_found');
      expect(other.body).toEqual(none.body);
      expect(other.headers.get('content-type')).toBe(none.headers.get('content-type'));
    }
    const other = await b.api.post(`/v1/sessions/${sessionOfA.id}/cancel`, {});
    const none = await b.api.post(`/v1/sessions/${missing}/cancel`, {});
    expectProblem(other, 404, 'not_found');
    expect(other.body).toEqual(none.body);
    // And the owner's session is untouched.
    expect((await a.api.read(sessionOfA.id)).status).toBe('created');
  });

  it('another customer\'s webhook endpoint or delivery answers 404 exactly as a missing one', async () => {
    expect(endpointOfA?.id).toEqual(expect.any(String));
    const eid = endpointOfA.id;
    const missingE = `${eid.slice(0, -1)}${eid.endsWith('A') ? 'B' : 'A'}`;
    for (const [method, suffix] of [['POST', '/rotate-secret'], ['POST', '/enable'], ['POST', '/test'], ['DELETE', '']] as const) {
      const other = await b.api.call(method, `/v1/webhook-endpoints/${eid}${suffix}`, method === 'POST' ? {} : undefined);
      const none = await b.api.call(method, `/v1/webhook-endpoints/${missingE}${suffix}`, method === 'POST' ? {} : undefined);
      expectProblem(other, 404, 'not_found');
      expect(other.body).toEqual(none.body);
    }
    expect((await b.api.get('/v1/webhook-endpoints')).body.data).toEqual([]);
    expect(deliveryOfA?.id).toEqual(expect.any(String));
    const other = await b.api.post(`/v1/webhook-deliveries/${deliveryOfA.id}/retry`, {});
    const none = await b.api.post(`/v1/webhook-deliveries/${deliveryOfA.id.slice(0, -1)}${deliveryOfA.id.endsWith('A') ? 'B' : 'A'}/retry`, {});
    expectProblem(other, 404, 'not_found');
    expect(other.body).toEqual(none.body);
    expect((await b.api.get(`/v1/webhook-deliveries?session_id=${deliveryOfA.session_id ?? sessionOfA.id}`)).body.data).toEqual([]);
  });

  it('the reconcile list shows only the caller\'s own sessions', async () => {
    const r = await b.api.get('/v1/sessions?updated_since=2020-01-01T00:00:00Z');
    expect(r.status).toBe(200);
    expect(r.body.data.map((s: any) => s.id)).not.toContain(sessionOfA.id);
  });

  it('an error answer is problem+json with a stable snake_case code from the error reference', async () => {
    expectProblem(await a.api.post('/v1/sessions', '{not json'), 400, 'invalid_request');
    expectProblem(await a.api.get('/v1/sessions/ses_nope'), 404, 'not_found');
  });
});
