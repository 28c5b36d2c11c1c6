// Rate limits, open-wait limits, operator endpoints, and the demo method's absence in production.
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { FlowClient } from '../support/flow-client.js';
import { MERCHANT, startBroker, type TestBroker } from '../support/broker.js';

describe('limits and operator endpoints', () => {
  let b: TestBroker;
  beforeAll(async () => {
    b = await startBroker('sqlite', { env: { IDBRIDGE_RATE_LIMIT_CREATE: '3', IDBRIDGE_MAX_WAITS: '1', IDBRIDGE_RATE_LIMIT_PAGES: '20' } });
  });
  afterAll(async () => b?.close());

  it('limits session creation per customer with 429 rate_limited and Retry-After', async () => {
    const other = await b.addCustomer();
    const answers = await Promise.all(Array.from({ length: 5 }, () => b.api('/v1/sessions', { method: 'POST', json: { method: 'demo' } })));
    const limited = answers.filter((a) => a.status === 429);
    expect(limited.length).toBeGreaterThanOrEqual(2);
    expect(limited[0].body.code).toBe('rate_limited');
    expect(Number(limited[0].headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // another customer has its own budget
    expect((await b.api('/v1/sessions', { method: 'POST', key: other.key, json: { method: 'demo' } })).status).toBe(201);
  });

  it('counts only creations: refused bodies, unregistered targets and idempotent replays use no budget', async () => {
    const c = await b.addCustomer();
    const post = (json: unknown, headers: Record<string, string> = {}) => b.api('/v1/sessions', { method: 'POST', key: c.key, json, headers });
    const refused = await Promise.all([
      ...Array.from({ length: 6 }, () => post({ method: 'demo', colour: 'blue' })),
      ...Array.from({ length: 3 }, () => post({ method: 'demo', target: 'https://not-registered.example/' })),
    ]);
    expect(refused.map((r) => r.status)).toEqual([400, 400, 400, 400, 400, 400, 400, 400, 400]);
    const first = await post({ method: 'demo' }, { 'idempotency-key': 'once' });
    expect(first.status).toBe(201);
    const replays = [];
    for (let i = 0; i < 4; i++) replays.push(await post({ method: 'demo' }, { 'idempotency-key': 'once' })); // each holds a token while it runs
    expect(replays.map((r) => r.headers.get('idempotent-replayed'))).toEqual(['true', 'true', 'true', 'true']);
    // The budget of 3 a second: one used by the first create, two left (a third may have come back
    // meanwhile on a slow machine), then 429.
    const burst = (await Promise.all(Array.from({ length: 4 }, () => post({ method: 'demo' })))).map((r) => r.status);
    expect(burst.filter((x) => x === 201).length).toBeGreaterThanOrEqual(2);
    expect(burst.filter((x) => x === 429).length).toBeGreaterThanOrEqual(1);
  });

  it('limits open waits per customer', async () => {
    await new Promise((r) => setTimeout(r, 1100));
    const s = (await b.api('/v1/sessions', { method: 'POST', json: { method: 'demo' } })).body;
    const first = b.api(`/v1/sessions/${s.id}?wait=2&version=1`);
    await new Promise((r) => setTimeout(r, 200));
    const second = await b.api(`/v1/sessions/${s.id}/events`);
    expect(second.status).toBe(429);
    expect(second.body.code).toBe('rate_limited');
    expect((await first).status).toBe(200);
  });

  it('limits workflow-page requests per client IP', async () => {
    await new Promise((r) => setTimeout(r, 1100));
    const s = (await b.api('/v1/sessions', { method: 'POST', json: { method: 'demo' } })).body;
    const statuses: number[] = [];
    let limited: Response | null = null;
    for (let i = 0; i < 25; i++) {
      const res = await fetch(s.redirect_url, { headers: { 'accept-language': 'da' } });
      statuses.push(res.status);
      if (res.status === 429) limited ??= res;
      else await res.arrayBuffer();
    }
    expect(statuses.slice(0, 10).every((x) => x === 200)).toBe(true);
    expect(statuses).toContain(429);
    const retryAfter = Number(limited!.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // the page itself is a navigation: the person reads a page in their language, not JSON
    expect(limited!.headers.get('content-type')).toContain('text/html');
    expect(await limited!.text()).toContain('For mange forespørgsler');
    // the page's script still gets its problem+json, with Retry-After too (each route counts apart)
    let call = await fetch(`${s.redirect_url}/state`);
    for (let i = 0; i < 25 && call.status !== 429; i++) {
      await call.arrayBuffer();
      call = await fetch(`${s.redirect_url}/state`);
    }
    expect(call.status).toBe(429);
    expect(call.headers.get('content-type')).toContain('application/problem+json');
    expect(Number(call.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await call.json()).code).toBe('rate_limited');
  });

  it('serves healthz, readyz, metrics, the OpenAPI document and the docs pages', async () => {
    expect((await fetch(`${b.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${b.url}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`${b.url}/metrics`)).text();
    expect(metrics).toContain('idbridge_sessions_created_total{method="demo"}');
    expect(metrics).toContain('idbridge_http_request_duration_seconds');
    const doc = await (await fetch(`${b.url}/openapi.json`)).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/sessions', '/v1/sessions/{id}', '/v1/sessions/{id}/cancel', '/v1/sessions/{id}/events']));
    expect(doc.paths['/v1/sessions'].post.requestBody.content['application/json'].schema.properties.method).toBeTruthy();
    const docs = await (await fetch(`${b.url}/docs`)).text();
    expect(docs).toContain('/v1/sessions');
    expect(await (await fetch(`${b.url}/docs/errors`)).text()).toContain('id="idempotency_conflict"');
  });
});

describe('logging', () => {
  let b: TestBroker;
  const lines: string[] = [];
  beforeAll(async () => {
    const sink = new Writable({ write(chunk, _enc, cb) { lines.push(String(chunk)); cb(); } });
    b = await startBroker('sqlite', { logger: createLogger('debug', sink) });
  });
  afterAll(async () => b?.close());

  it('never logs personal data, API keys or page tokens', async () => {
    const s = (await b.api('/v1/sessions', { method: 'POST', json: { method: 'demo', target: `${MERCHANT}/done`, personal_number: '199001012385' } })).body;
    const page = new FlowClient(s.redirect_url);
    await page.bind();
    await page.start();
    expect((await page.approve(0)).status).toBe('complete');
    expect((await b.api(`/v1/sessions/${s.id}`)).body.result.identity.last_name).toBe('Lindqvist');
    const all = lines.join('');
    expect(all.length).toBeGreaterThan(100);
    for (const secret of ['199001012385', 'Astrid', 'Lindqvist', b.key, new URL(s.redirect_url).pathname.split('/')[2]]) {
      expect(all).not.toContain(secret);
    }
  });
});

describe('the demo method under serve', () => {
  it('is absent unless IDBRIDGE_ENABLE_DEMO=1', async () => {
    const b = await startBroker('sqlite', { env: { IDBRIDGE_ENABLE_DEMO: '0' } });
    try {
      const r = await b.api('/v1/sessions', { method: 'POST', json: { method: 'demo' } });
      expect(r.status).toBe(400);
      expect(r.body.code).toBe('method_not_enabled');
    } finally {
      await b.close();
    }
  });
});
