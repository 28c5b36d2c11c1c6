// Security headers (API.md §4, DESIGN.md): the same set on every answer — API reads, errors, the
// event stream written on the raw response, pages — and a page's own CSP wins over the default.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MERCHANT, startBroker, type TestBroker } from '../support/broker.js';

const EXPECTED: Record<string, string> = {
  'content-security-policy': "default-src 'none';frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
};

function expectSecurityHeaders(h: Headers, csp = EXPECTED['content-security-policy']): void {
  expect(h.get('referrer-policy')).toBe(EXPECTED['referrer-policy']);
  expect(h.get('x-content-type-options')).toBe(EXPECTED['x-content-type-options']);
  expect(h.get('strict-transport-security')).toMatch(/max-age=\d+/);
  expect(h.get('content-security-policy')).toBe(csp);
  expect(h.get('x-powered-by')).toBeNull();
}

describe('security headers', () => {
  let b: TestBroker;
  beforeAll(async () => {
    b = await startBroker('sqlite');
  });
  afterAll(async () => b?.close());

  it('are on API answers, errors and the raw event stream, once each', async () => {
    const created = await b.api('/v1/sessions', { method: 'POST', json: { method: 'demo', target: `${MERCHANT}/done` } });
    expectSecurityHeaders(created.headers);
    const read = await b.api(`/v1/sessions/${created.body.id}`);
    expectSecurityHeaders(read.headers);
    expect(read.headers.get('content-type')).toContain('application/json');
    const missing = await b.api('/v1/sessions/ses_nope');
    expect(missing.status).toBe(404);
    expectSecurityHeaders(missing.headers);
    const unauth = await fetch(`${b.url}/v1/sessions/${created.body.id}`);
    expect(unauth.status).toBe(401);
    expectSecurityHeaders(unauth.headers);

    const abort = new AbortController();
    const stream = await fetch(`${b.url}/v1/sessions/${created.body.id}/events`, { headers: { authorization: `Bearer ${b.key}` }, signal: abort.signal });
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    expectSecurityHeaders(stream.headers);
    abort.abort();
  });

  it('leave the page its own CSP (frame-ancestors of the customer)', async () => {
    const s = (await b.api('/v1/sessions', { method: 'POST', json: { method: 'demo', target: `${MERCHANT}/done` } })).body;
    const page = await fetch(s.redirect_url);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain(`frame-ancestors ${MERCHANT}`);
    expect(csp.split(',')).toHaveLength(1); // one policy, not the default and the page's side by side
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
  });
});
