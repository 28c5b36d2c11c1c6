// API.md §5 "Webhooks (Standard Webhooks 1.0)": endpoint create/list/delete/rotate-secret/enable/
// test, deliveries with attempts and retry, webhook-id/-timestamp/-signature verified with the
// `standardwebhooks` library, the body shape without personal data, the four session event types,
// only 2xx delivered, redirects not followed, 410 disables, the 5 s first retry, and
// webhook_url_not_allowed for private addresses unless the customer allows them, checked at
// registration and again at every delivery.
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from './harness/databases.js';
import { PageClient } from './harness/flow.js';
import { expectInvalid, expectProblem } from './harness/problem.js';
import { eventually, sleep } from './harness/processes.js';
import { Receiver, type Received } from './harness/receiver.js';
import { at, startStack, type Customer, type Stack } from './harness/stack.js';

const DIALECTS = await dialects();
const TARGET = 'http://127.0.0.1:9/return';
/** Short delivery timeout and lease, so that a crashed node's delivery is taken over within seconds. */
const SERVE_ENV = { IDBRIDGE_WEBHOOK_TIMEOUT_MS: '4000', IDBRIDGE_WEBHOOK_LEASE_MS: '5000' };
const PERSON0 = { last_name: 'Lindqvist', personal_number: '199001012385' };

function verify(secret: string, r: Received): any {
  const headers = { 'webhook-id': String(r.headers['webhook-id']), 'webhook-timestamp': String(r.headers['webhook-timestamp']), 'webhook-signature': String(r.headers['webhook-signature']) };
  return new Webhook(secret).verify(r.body, headers);
}

const eventFor = (r: Received) => JSON.parse(r.body);

describe.each(DIALECTS)('API.md §5 webhooks (%s)', (dialect) => {
  let stack: Stack;
  let hooks: Customer;
  let strict: Customer;
  let rx: Receiver;
  let mainSecret: string;
  let expiring: any;

  const on = (path: string, sessionId?: string) => rx.on(path).filter((r) => !sessionId || eventFor(r).data?.id === sessionId);
  const completeDemo = async (c: Customer, extra: Record<string, unknown> = {}) => {
    const s = await c.api.create({ method: 'demo', target: TARGET, ...extra });
    await new PageClient(s.redirect_url).completeDemo(0);
    return s;
  };

  beforeAll(async () => {
    rx = await new Receiver().start();
    stack = await startStack(dialect, { serveEnv: SERVE_ENV });
    [hooks, strict] = (await Promise.all([
      stack.customer({ name: 'Hooks', targets: [TARGET], webhookUrl: `${rx.url}/main`, allowPrivateWebhooks: true }),
      stack.customer({ name: 'Strict', targets: [TARGET] }),
    ])).map((c) => at(c, stack.url));
    mainSecret = hooks.webhook_endpoint!.secret;
    expiring = await hooks.api.create({ method: 'demo', target: TARGET, expires_in: 60, relay_state: 'exp' });
  });
  afterAll(async () => {
    await stack?.stop();
    await rx?.close();
  });

  it('endpoints: create 201 {id,url,events,secret whsec_…,status}; list {data} without secrets; delete 204, then 404', async () => {
    const r = await hooks.api.post('/v1/webhook-endpoints', { url: `${rx.url}/crud`, events: ['session.completed', 'session.failed'] });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ id: expect.any(String), url: `${rx.url}/crud`, events: ['session.completed', 'session.failed'], secret: expect.stringMatching(/^whsec_[A-Za-z0-9+/=]+$/), status: expect.any(String) });
    const list = await hooks.api.get('/v1/webhook-endpoints');
    expect(list.status).toBe(200);
    const mine = list.body.data.find((e: any) => e.id === r.body.id);
    expect(mine).toMatchObject({ id: r.body.id, url: `${rx.url}/crud`, events: ['session.completed', 'session.failed'], status: r.body.status });
    // The secret carries at least 128 random bits (API.md §3: every token handed out).
    expect(Buffer.from(r.body.secret.slice('whsec_'.length), 'base64').length).toBeGreaterThanOrEqual(16);
    expect(list.text).not.toContain(r.body.secret);
    expect(list.text).not.toContain('whsec_');
    const del = await hooks.api.call('DELETE', `/v1/webhook-endpoints/${r.body.id}`);
    expect(del.status).toBe(204);
    expect(del.text).toBe('');
    expect((await hooks.api.get('/v1/webhook-endpoints')).body.data.map((e: any) => e.id)).not.toContain(r.body.id);
    expectProblem(await hooks.api.call('DELETE', `/v1/webhook-endpoints/${r.body.id}`), 404, 'not_found');
    expectInvalid(await hooks.api.post('/v1/webhook-endpoints', { url: `${rx.url}/x`, events: ['session.started'] }), 'events.0');
  });

  it('webhook URLs on loopback, private, link-local or metadata addresses are refused with 400 webhook_url_not_allowed unless allowed', async () => {
    for (const url of [`${rx.url}/main`, 'http://localhost:9/h', 'https://10.1.2.3/h', 'https://192.168.0.10/h', 'https://172.16.5.5/h', 'https://169.254.169.254/latest/meta-data', 'https://[::1]/h', 'https://[fd00::1]/h', 'https://0.0.0.0/h']) {
      const r = await strict.api.post('/v1/webhook-endpoints', { url });
      expectProblem(r, 400, 'webhook_url_not_allowed');
    }
    expect((await strict.api.get('/v1/webhook-endpoints')).body.data).toEqual([]);
    // The customer marked allow_private_webhooks may register 127.0.0.1 (local development).
    const ok = await hooks.api.post('/v1/webhook-endpoints', { url: `${rx.url}/allowed` });
    expect(ok.status).toBe(201);
    await hooks.api.call('DELETE', `/v1/webhook-endpoints/${ok.body.id}`);
  });

  it('a completed session is delivered once per endpoint, signed (standardwebhooks verifies), body without personal data', async () => {
    const s = await completeDemo(hooks, { relay_state: 'wh-1' });
    expect(await rx.waitFor(() => on('/main', s.id).length >= 1)).toBe(true);
    const r = on('/main', s.id)[0];
    expect(r.headers['webhook-id']).toEqual(expect.any(String));
    expect(r.headers['webhook-timestamp']).toMatch(/^\d+$/);
    expect(Math.abs(Number(r.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
    expect(r.headers['webhook-signature']).toMatch(/^v1,/);
    expect(r.headers['content-type']).toMatch(/^application\/json/);
    const payload = verify(mainSecret, r) as any;
    expect(Object.keys(payload).sort()).toEqual(['data', 'timestamp', 'type']);
    expect(payload.type).toBe('session.completed');
    expect(payload.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
    expect(payload.data).toEqual({ id: s.id, status: 'complete', method: 'demo', operation: 'authenticate', relay_state: 'wh-1', error: null });
    expect(r.body).not.toContain(PERSON0.last_name);
    expect(r.body).not.toContain(PERSON0.personal_number);
    expect(r.body).not.toContain('Astrid');
    // A forged signature does not verify.
    expect(() => verify(mainSecret, { ...r, body: r.body.replace('wh-1', 'wh-2') })).toThrow();
  });

  it('session.failed carries the error; session.cancelled follows the merchant\'s cancel', async () => {
    const f = await hooks.api.create({ method: 'demo', target: TARGET });
    await new PageClient(f.redirect_url).cancelDemo();
    const c = await hooks.api.create({ method: 'demo', target: TARGET });
    await hooks.api.post(`/v1/sessions/${c.id}/cancel`, {});
    expect(await rx.waitFor(() => on('/main', f.id).length >= 1 && on('/main', c.id).length >= 1)).toBe(true);
    const failed = verify(mainSecret, on('/main', f.id)[0]) as any;
    expect(failed).toMatchObject({ type: 'session.failed', data: { id: f.id, status: 'failed', relay_state: null, error: { code: 'user_cancelled' } } });
    const cancelled = verify(mainSecret, on('/main', c.id)[0]) as any;
    expect(cancelled).toMatchObject({ type: 'session.cancelled', data: { id: c.id, status: 'cancelled' } });
  });

  it('events filters what an endpoint receives', async () => {
    const ep = (await hooks.api.post('/v1/webhook-endpoints', { url: `${rx.url}/only-cancelled`, events: ['session.cancelled'] })).body;
    const done = await completeDemo(hooks);
    const c = await hooks.api.create({ method: 'demo', target: TARGET });
    await hooks.api.post(`/v1/sessions/${c.id}/cancel`, {});
    expect(await rx.waitFor(() => on('/only-cancelled', c.id).length >= 1)).toBe(true);
    await rx.waitFor(() => on('/main', done.id).length >= 1);
    await sleep(1000);
    expect(on('/only-cancelled', done.id)).toEqual([]);
    expect(verify(ep.secret, on('/only-cancelled', c.id)[0])).toMatchObject({ type: 'session.cancelled' });
    await hooks.api.call('DELETE', `/v1/webhook-endpoints/${ep.id}`);
  });

  it('deliveries: GET ?session_id= → {data, next_cursor} with attempts[]; retry sends the event again with the same webhook-id', async () => {
    const s = await completeDemo(hooks);
    expect(await rx.waitFor(() => on('/main', s.id).length >= 1)).toBe(true);
    const list = await eventually(async () => {
      const r = await hooks.api.get(`/v1/webhook-deliveries?session_id=${s.id}`);
      return r.body?.data?.[0]?.attempts?.length ? r : null;
    }, 5000);
    expect(list).toBeTruthy();
    expect(list!.body).toHaveProperty('next_cursor');
    expect(list!.body.data).toHaveLength(1);
    const d = list!.body.data[0];
    expect(d.id).toEqual(expect.any(String));
    expect(d.attempts.length).toBeGreaterThanOrEqual(1);
    const retry = await hooks.api.post(`/v1/webhook-deliveries/${d.id}/retry`, {});
    expect(retry.status).toBeLessThan(300);
    expect(await rx.waitFor(() => on('/main', s.id).length >= 2)).toBe(true);
    const [first, again] = on('/main', s.id);
    expect(again.headers['webhook-id']).toBe(first.headers['webhook-id']);
    expect(verify(mainSecret, again)).toMatchObject({ type: 'session.completed', data: { id: s.id } });
    expectProblem(await hooks.api.post('/v1/webhook-deliveries/whd_missing/retry', {}), 404, 'not_found');
  });

  it('only 2xx counts: after a 500 the event is retried about 5 s later with the same webhook-id', async () => {
    const seen = new Set<string>();
    rx.answers.set('/flaky', (r) => {
      const id = String(r.headers['webhook-id']);
      if (seen.has(id)) return 204;
      seen.add(id);
      return 500;
    });
    const ep = (await hooks.api.post('/v1/webhook-endpoints', { url: `${rx.url}/flaky` })).body;
    const s = await completeDemo(hooks);
    expect(await rx.waitFor(() => on('/flaky', s.id).length >= 2, 30_000)).toBe(true);
    const [a, b] = on('/flaky', s.id);
    expect(b.headers['webhook-id']).toBe(a.headers['webhook-id']);
    const gap = b.at - a.at;
    expect(gap).toBeGreaterThan(2500);
    expect(gap).toBeLessThan(20_000);
    verify(ep.secret, b);
    // The delivery log shows both attempts (written once each attempt has ended).
    const d = await eventually(async () => (await hooks.api.get(`/v1/webhook-deliveries?session_id=${s.id}`)).body.data.find((x: any) => x.attempts?.length >= 2), 5000);
    expect(d?.attempts?.length).toBeGreaterThanOrEqual(2);
    await sleep(1000);
    expect(on('/flaky', s.id)).toHaveLength(2);
    await hooks.api.call('DELETE', `/v1/webhook-endpoints/${ep.id}`);
  }, 40_000);

  it('redirects are not followed (and are not a delivery)', async () => {
    rx.answers.set('/moved', 302);
    const ep = (await hooks.api.post('/v1/webhook-endpoints', { url: `${rx.url}/moved` })).body;
    const s = await completeDemo(hooks);
    expect(await rx.waitFor(() => on('/moved', s.id).length >= 1)).toBe(true);
    await sleep(1500);
    expect(rx.on('/redirected')).toEqual([]);
    const d = await eventually(async () => (await hooks.api.get(`/v1/webhook-deliveries?session_id=${s.id}`)).body.data.find((x: any) => x.endpoint_id === ep.id), 5000);
    expect(d?.status).not.toBe('delivered');
    await hooks.api.call('DELETE', `/v1/webhook-endpoints/${ep.id}`);
  });

  it('410 disables the endpoint; enable turns it back on; test sends a signed webhook.test event', async () => {
    rx.answers.set('/gone', 410);
    const ep = (await hooks.api.post('/v1/webhook-endpoints', { url: `${rx.url}/gone` })).body;
    const active = ep.status;
    const s1 = await completeDemo(hooks);
    expect(await rx.waitFor(() => on('/gone', s1.id).length >= 1)).toBe(true);
    const disabled = await eventually(async () => {
      const e = (await hooks.api.get('/v1/webhook-endpoints')).body.data.find((x: any) => x.id === ep.id);
      return e.status !== active ? e : null;
    }, 5000);
    expect(disabled).toBeTruthy();
    const s2 = await completeDemo(hooks);
    await rx.waitFor(() => on('/main', s2.id).length >= 1);
    await sleep(1500);
    expect(on('/gone', s2.id)).toEqual([]);
    rx.answers.set('/gone', 200);
    const en = await hooks.api.post(`/v1/webhook-endpoints/${ep.id}/enable`, {});
    expect(en.status).toBe(200);
    expect((await hooks.api.get('/v1/webhook-endpoints')).body.data.find((x: any) => x.id === ep.id).status).toBe(active);
    const t = await hooks.api.post(`/v1/webhook-endpoints/${ep.id}/test`, {});
    expect(t.status).toBeLessThan(300);
    expect(await rx.waitFor(() => rx.on('/gone').some((r) => eventFor(r).type === 'webhook.test'))).toBe(true);
    const test = rx.on('/gone').find((r) => eventFor(r).type === 'webhook.test')!;
    expect(verify(ep.secret, test)).toMatchObject({ type: 'webhook.test' });
    const s3 = await completeDemo(hooks);
    expect(await rx.waitFor(() => on('/gone', s3.id).length >= 1)).toBe(true);
    await hooks.api.call('DELETE', `/v1/webhook-endpoints/${ep.id}`);
  });

  it('rotate-secret answers {id, secret}; for 24 h both the new and the old secret verify', async () => {
    const ep = (await hooks.api.post('/v1/webhook-endpoints', { url: `${rx.url}/rotating` })).body;
    const r = await hooks.api.post(`/v1/webhook-endpoints/${ep.id}/rotate-secret`, {});
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ id: ep.id, secret: expect.stringMatching(/^whsec_/) });
    expect(r.body.secret).not.toBe(ep.secret);
    const s = await completeDemo(hooks);
    expect(await rx.waitFor(() => on('/rotating', s.id).length >= 1)).toBe(true);
    const got = on('/rotating', s.id)[0];
    expect(verify(r.body.secret, got)).toMatchObject({ data: { id: s.id } });
    expect(verify(ep.secret, got)).toMatchObject({ data: { id: s.id } });
    await hooks.api.call('DELETE', `/v1/webhook-endpoints/${ep.id}`);
  });

  it('the private-address rule is checked again at every delivery: allow_private_webhooks turned off with the CLI stops deliveries to loopback (webhook_url_not_allowed in attempts[]); turned on again, a retry delivers', async () => {
    const later = at(await stack.customer({ name: 'Turned strict', targets: [TARGET], webhookUrl: `${rx.url}/revoked`, allowPrivateWebhooks: true }), stack.url);
    const secret = later.webhook_endpoint!.secret;
    const off = await stack.cli(['customers', 'update', later.id, '--no-allow-private-webhooks']);
    expect(off.code, off.stderr).toBe(0);
    expect(JSON.parse(off.stdout).allow_private_webhooks).toBe(false);
    await sleep(5500); // a customer change reaches the running process within 5 s (API.md §1)
    const s = await completeDemo(later, { relay_state: 'revoked' });
    const d = await eventually(async () => (await later.api.get(`/v1/webhook-deliveries?session_id=${s.id}`)).body.data.find((x: any) => x.attempts?.length >= 1), 10_000);
    expect(d, 'an attempt was recorded').toBeTruthy();
    expect(d.status).not.toBe('delivered');
    expect(d.attempts[0]).toMatchObject({ status: null, error: expect.stringMatching(/^webhook_url_not_allowed\b/) });
    // The first retry (≈ 5 s later) is checked again, and refused again.
    const twice = await eventually(async () => (await later.api.get(`/v1/webhook-deliveries?session_id=${s.id}`)).body.data.find((x: any) => x.attempts?.length >= 2), 25_000, 500);
    expect(twice, 'a second attempt was recorded').toBeTruthy();
    for (const a of twice.attempts) expect(a).toMatchObject({ status: null, error: expect.stringMatching(/^webhook_url_not_allowed\b/) });
    expect(rx.on('/revoked')).toEqual([]);
    // The same endpoint, allowed again: a retry of that delivery reaches the receiver.
    const on2 = await stack.cli(['customers', 'update', later.id, '--allow-private-webhooks']);
    expect(on2.code, on2.stderr).toBe(0);
    await sleep(5500);
    expect((await later.api.post(`/v1/webhook-deliveries/${d.id}/retry`, {})).status).toBeLessThan(300);
    expect(await rx.waitFor(() => on('/revoked', s.id).length >= 1)).toBe(true);
    expect(verify(secret, on('/revoked', s.id)[0])).toMatchObject({ type: 'session.completed', data: { id: s.id, relay_state: 'revoked' } });
  }, 70_000);

  it('session.expired is delivered when a session passes expires_at', async () => {
    const wait = Date.parse(expiring.expires_at) - Date.now();
    if (wait > 0) await sleep(wait);
    expect(await rx.waitFor(() => on('/main', expiring.id).length >= 1, 20_000)).toBe(true);
    expect(verify(mainSecret, on('/main', expiring.id)[0])).toMatchObject({ type: 'session.expired', data: { id: expiring.id, status: 'expired', relay_state: 'exp' } });
  }, 90_000);

  it('an event is not lost to a crash: a node killed mid-delivery is replaced and the event still arrives with the same webhook-id', async () => {
    rx.answers.set('/crash', 0);
    const ep = (await hooks.api.post('/v1/webhook-endpoints', { url: `${rx.url}/crash` })).body;
    const s = await completeDemo(hooks, { relay_state: 'crash' });
    expect(await rx.waitFor(() => on('/crash', s.id).length >= 1)).toBe(true);
    stack.serve.proc.child.kill('SIGKILL');
    await stack.serve.proc.exited;
    rx.answers.set('/crash', 200);
    stack.serve = await stack.startServe({ IDBRIDGE_ENABLE_DEMO: '1', ...SERVE_ENV });
    expect(await rx.waitFor(() => on('/crash', s.id).length >= 2, 30_000)).toBe(true);
    const [first, again] = on('/crash', s.id);
    expect(again.headers['webhook-id']).toBe(first.headers['webhook-id']);
    expect(verify(ep.secret, again)).toMatchObject({ type: 'session.completed', data: { id: s.id, relay_state: 'crash' } });
  }, 60_000);
});
