// API.md §2 "Merchant authentication": Bearer key on every /v1 call (every route the broker
// publishes in /openapi.json, also held to an explicit list, long-poll and reconcile included),
// keys of at least 128 random bits, 401 for unknown or revoked keys, another customer's object
// answers 404 exactly as a missing one, and errors are application/problem+json
// {type,title,status,code,detail,errors?} with a code listed in the project's error reference.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from './harness/databases.js';
import { PageClient } from './harness/flow.js';
import { expectProblem } from './harness/problem.js';
import { eventually } from './harness/processes.js';
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

  /**
   * Every /v1 route, written out: the test below also holds /openapi.json to this list, so a route
   * added to the broker fails here until it is listed (and so checked for its 401).
   */
  const V1_ROUTES = [
    'POST /v1/sessions',
    'GET /v1/sessions',
    'GET /v1/sessions/{id}',
    'GET /v1/sessions/{id}/events',
    'GET /v1/sessions/{id}/qr',
    'POST /v1/sessions/{id}/cancel',
    'POST /v1/webhook-endpoints',
    'GET /v1/webhook-endpoints',
    'DELETE /v1/webhook-endpoints/{id}',
    'POST /v1/webhook-endpoints/{id}/rotate-secret',
    'POST /v1/webhook-endpoints/{id}/enable',
    'POST /v1/webhook-endpoints/{id}/test',
    'GET /v1/webhook-deliveries',
    'GET /v1/webhook-deliveries/{id}',
    'POST /v1/webhook-deliveries/{id}/retry',
  ];

  /** The /v1 operations the broker publishes in its OpenAPI document, as `METHOD /path/{param}`. */
  async function publishedRoutes(): Promise<string[]> {
    const doc = await a.api.withKey(null).get('/openapi.json');
    expect(doc.status).toBe(200);
    const out: string[] = [];
    for (const [path, ops] of Object.entries<Record<string, unknown>>(doc.body.paths)) {
      if (!path.startsWith('/v1')) continue;
      for (const m of Object.keys(ops)) if (['get', 'post', 'put', 'patch', 'delete'].includes(m)) out.push(`${m.toUpperCase()} ${path.replace(/\{[^}]+\}/g, '{id}')}`);
    }
    return out.sort();
  }

  /** A real call for a route: A's own objects in the path, a body where one is taken, query variants. */
  function calls(route: string): [string, string, unknown?][] {
    const [method, template] = route.split(' ');
    const id = template.startsWith('/v1/sessions') ? sessionOfA.id : template.startsWith('/v1/webhook-endpoints') ? endpointOfA.id : deliveryOfA.id;
    const path = template.replace('{id}', id);
    const body = method === 'POST' ? (template === '/v1/sessions' ? { method: 'demo', target: TARGET } : template === '/v1/webhook-endpoints' ? { url: 'https://example.com/hook' } : {}) : undefined;
    const out: [string, string, unknown?][] = [[method, path, body]];
    if (route === 'GET /v1/sessions/{id}') out.push([method, `${path}?wait=5&version=${sessionOfA.version}`]); // long-poll
    if (route === 'GET /v1/sessions') out.push([method, `${path}?updated_since=2020-01-01T00:00:00Z&limit=10`]); // reconcile
    if (route === 'GET /v1/sessions/{id}/qr') out.push([method, `${path}?format=svg`]);
    if (route === 'GET /v1/webhook-deliveries') out.push([method, `${path}?session_id=${sessionOfA.id}`]);
    return out;
  }

  it('the list of /v1 routes checked below is every /v1 route the broker publishes (/openapi.json)', async () => {
    expect(await publishedRoutes()).toEqual([...V1_ROUTES].sort());
  });

  it('every /v1 call without a key, with a malformed header, an unknown or a revoked key answers 401 unauthorized (problem+json) and changes nothing', async () => {
    const k = JSON.parse((await stack.cli(['keys', 'create', a.id, '--json'])).stdout);
    expect((await stack.cli(['keys', 'revoke', k.key_prefix])).code).toBe(0);
    const revoked = a.api.withKey(k.api_key);
    expect(await eventually(async () => (await revoked.get('/v1/webhook-endpoints')).status === 401, 6000)).toBe(true);
    const routes = [...new Set([...V1_ROUTES, ...(await publishedRoutes())])];
    for (const route of routes) {
      for (const [method, path, body] of calls(route)) {
        for (const key of [null, 'idbk_unknown_0000000000000000000000000000000000000000', k.api_key]) {
          expectProblem(await a.api.withKey(key).call(method, path, body), 401, 'unauthorized');
        }
        const basic = await a.api.withKey(null).call(method, path, body, { authorization: `Basic ${Buffer.from(`${a.api_key}:`).toString('base64')}` });
        expectProblem(basic, 401, 'unauthorized');
        const bare = await a.api.withKey(null).call(method, path, body, { authorization: a.api_key });
        expectProblem(bare, 401, 'unauthorized');
      }
    }
    // Nothing happened to A's objects: the session is still open, the endpoint still there and enabled.
    expect((await a.api.read(sessionOfA.id)).status).toBe('created');
    const endpoints = (await a.api.get('/v1/webhook-endpoints')).body.data;
    expect(endpoints.map((e: any) => e.id)).toEqual([endpointOfA.id]);
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
