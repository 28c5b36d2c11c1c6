// API.md §6 "Errors every caller can rely on": one test per row of the table, each answer an
// application/problem+json body with the row's status and code (API.md §2 shape).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from './harness/databases.js';
import { PageClient } from './harness/flow.js';
import { expectInvalid, expectProblem } from './harness/problem.js';
import { at, startStack, type Customer, type Stack } from './harness/stack.js';

const DIALECTS = await dialects();
const TARGET = 'http://127.0.0.1:9/return';
/** An OIDC method (FTN) configured so that it exists; its issuer on 127.0.0.1 is never contacted by these tests. */
const OIDC_UPSTREAM = { IDBRIDGE_FI_FTN_ISSUER: 'https://127.0.0.1:9/', IDBRIDGE_FI_FTN_CLIENT_ID: 'contract-suite' };
const demo = (extra: Record<string, unknown> = {}) => ({ method: 'demo', target: TARGET, ...extra });

describe.each(DIALECTS)('API.md §6 errors (%s)', (dialect) => {
  let stack: Stack;
  let shop: Customer;
  let demoOnly: Customer;
  let other: Customer;
  let limited: Customer;

  beforeAll(async () => {
    stack = await startStack(dialect, { serveEnv: { IDBRIDGE_RATE_LIMIT_CREATE: '20', IDBRIDGE_MAX_WAITS: '1', ...OIDC_UPSTREAM } });
    [shop, demoOnly, other, limited] = (await Promise.all([
      stack.customer({ name: 'Errors', targets: [TARGET] }),
      stack.customer({ name: 'Demo only', targets: [TARGET], methods: ['demo'] }),
      stack.customer({ name: 'Other', targets: [TARGET] }),
      stack.customer({ name: 'Limited', targets: [TARGET] }),
    ])).map((c) => at(c, stack.url));
  });
  afterAll(() => stack?.stop());

  it('malformed JSON, unknown field, wrong type, value out of range: 400 invalid_request with errors [{field, message}]', async () => {
    const bad = await shop.api.post('/v1/sessions', '{"method": "demo",');
    expectProblem(bad, 400, 'invalid_request');
    expect(Array.isArray(bad.body.errors)).toBe(true);
    expect(bad.body.errors.length).toBeGreaterThan(0);
    for (const e of bad.body.errors) expect(e).toEqual({ field: expect.any(String), message: expect.any(String) });
    expectInvalid(await shop.api.post('/v1/sessions', demo({ colour: 'blue' })), 'colour');
    expectInvalid(await shop.api.post('/v1/sessions', demo({ expires_in: 'soon' })), 'expires_in');
    expectInvalid(await shop.api.post('/v1/sessions', demo({ expires_in: 10 })), 'expires_in');
    expectInvalid(await shop.api.post('/v1/sessions', demo({ metadata: [1, 2] })), 'metadata');
    const two = await shop.api.post('/v1/sessions', demo({ locale: 'xx', device: 'yy' }));
    expectInvalid(two, 'locale');
    expectInvalid(two, 'device');
    expectInvalid(await shop.api.post('/v1/webhook-endpoints', { url: 'https://example.com/h', colour: 1 }), 'colour');
    expectProblem(await shop.api.post('/v1/sessions', '[]'), 400, 'invalid_request');
  });

  it('target/target_error not registered for the customer: 400 target_not_allowed', async () => {
    expectProblem(await shop.api.post('/v1/sessions', demo({ target: 'http://127.0.0.1:9/elsewhere' })), 400, 'target_not_allowed');
    expectProblem(await shop.api.post('/v1/sessions', demo({ target_error: 'http://127.0.0.1:9/elsewhere' })), 400, 'target_not_allowed');
  });

  it('unknown method, or one not enabled for the customer: 400 method_not_enabled', async () => {
    expectProblem(await shop.api.post('/v1/sessions', demo({ method: 'xx-eid' })), 400, 'method_not_enabled');
    expectProblem(await demoOnly.api.post('/v1/sessions', { method: 'fi-ftn', target: TARGET }), 400, 'method_not_enabled');
  });

  it('body over 64 KiB: 413', async () => {
    const r = await shop.api.post('/v1/sessions', demo({ relay_state: 'x', metadata: { pad: 'x'.repeat(70 * 1024) } }));
    expect(r.status).toBe(413);
    expectProblem(r, 413);
    // Just under 64 KiB is not refused for its size (it is refused for the metadata limit instead).
    const under = await shop.api.post('/v1/sessions', demo({ metadata: { pad: 'x'.repeat(60 * 1024) } }));
    expectInvalid(under, 'metadata');
  });

  /** A create body of exactly `bytes` UTF-8 bytes, padded in `metadata.pad` with `unit`. */
  function bodyOf(bytes: number, unit = 'x'): string {
    const shell = JSON.stringify(demo({ metadata: { pad: '' } }));
    const room = bytes - Buffer.byteLength(shell);
    const unitBytes = Buffer.byteLength(unit);
    const body = JSON.stringify(demo({ metadata: { pad: unit.repeat(Math.floor(room / unitBytes)) + 'x'.repeat(room % unitBytes) } }));
    expect(Buffer.byteLength(body)).toBe(bytes);
    return body;
  }

  it('body over 64 KiB, at the byte: 65,536 bytes is not 413 (refused for metadata instead), 65,537 bytes is 413; bytes, not characters, count', async () => {
    const exact = await shop.api.post('/v1/sessions', bodyOf(65_536));
    expectInvalid(exact, 'metadata');
    const over = await shop.api.post('/v1/sessions', bodyOf(65_537));
    expectProblem(over, 413);
    // 65,537 bytes of two-byte characters are about 32,800 characters: still over.
    const wide = bodyOf(65_537, 'é');
    expect(wide.length).toBeLessThan(40_000);
    expectProblem(await shop.api.post('/v1/sessions', wide), 413);
    expectInvalid(await shop.api.post('/v1/sessions', bodyOf(65_536, 'é')), 'metadata');
  });

  it('body over 64 KiB sent without Content-Length (chunked): 413', async () => {
    const bytes = new TextEncoder().encode(bodyOf(65_537));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 8192) controller.enqueue(bytes.slice(i, i + 8192));
        controller.close();
      },
    });
    const res = await fetch(`${stack.url}/v1/sessions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${shop.api_key}`, 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit & { duplex: 'half' });
    const text = await res.text();
    expect(res.status, text).toBe(413);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });

  it('missing or bad key: 401 unauthorized', async () => {
    expectProblem(await shop.api.withKey(null).post('/v1/sessions', demo()), 401, 'unauthorized');
    expectProblem(await shop.api.withKey('nope').get('/v1/sessions?updated_since=2020-01-01T00:00:00Z'), 401, 'unauthorized');
  });

  it('unknown id, or another customer\'s: 404 not_found', async () => {
    const s = await shop.api.create(demo());
    expectProblem(await shop.api.get('/v1/sessions/ses_doesnotexist'), 404, 'not_found');
    expectProblem(await other.api.get(`/v1/sessions/${s.id}`), 404, 'not_found');
    expectProblem(await other.api.post(`/v1/sessions/${s.id}/cancel`, {}), 404, 'not_found');
  });

  it('rate limit: 429 rate_limited with Retry-After', async () => {
    const answers = await Promise.all(Array.from({ length: 60 }, () => limited.api.post('/v1/sessions', demo())));
    const r = answers.find((a) => a.status === 429);
    expect(r).toBeDefined();
    expectProblem(r!, 429, 'rate_limited');
    expect(Number(r!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });

  it('too many open waits: 429 rate_limited with Retry-After', async () => {
    await new Promise((res) => setTimeout(res, 1100));
    const s = await other.api.create(demo());
    const ctrl = new AbortController();
    const open = fetch(`${stack.url}/v1/sessions/${s.id}?wait=10&version=${s.version}`, { headers: { authorization: `Bearer ${other.api_key}` }, signal: ctrl.signal }).catch(() => null);
    await new Promise((res) => setTimeout(res, 600));
    const r = await other.api.get(`/v1/sessions/${s.id}/events`);
    expectProblem(r, 429, 'rate_limited');
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    ctrl.abort();
    await open;
  });

  it('operation or flow the method cannot do: 400 operation_not_supported / flow_not_supported', async () => {
    expectProblem(await shop.api.post('/v1/sessions', { method: 'fi-ftn', operation: 'sign', sign: { text: 'x' }, target: TARGET }), 400, 'operation_not_supported');
    expectProblem(await shop.api.post('/v1/sessions', { method: 'fi-ftn', flow: 'headless', end_user_ip: '127.0.0.1' }), 400, 'flow_not_supported');
    expectProblem(await shop.api.post('/v1/sessions', { method: 'demo', flow: 'headless', end_user_ip: '127.0.0.1' }), 400, 'flow_not_supported');
  });

  it('cancel of a final session: 409 session_final', async () => {
    const s = await shop.api.create(demo());
    await new PageClient(s.redirect_url).completeDemo(0);
    expectProblem(await shop.api.post(`/v1/sessions/${s.id}/cancel`, {}), 409, 'session_final');
  });
});
