// API.md §1 "Processes and commands": migrate, customers add/list/update, keys create/revoke (in
// effect on every running process within 5 s), the IDBRIDGE_SECRET_KEY rotation list, /healthz,
// /readyz, /metrics, /.well-known/jwks.json, and the demo method absent from `serve` unless
// IDBRIDGE_ENABLE_DEMO=1. The limits are in s1-limits, `dev` in s1-dev, IDBRIDGE_BANKID_ENV in
// s1-bankid-env, key rotation from the single-key form in s1-secret-key-rotation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from './harness/databases.js';
import { PageClient } from './harness/flow.js';
import { Api, request } from './harness/http.js';
import { eventually, newSecretKey, runCli } from './harness/processes.js';
import { TcpProxy } from './harness/tcp-proxy.js';
import { at, startStack, type Customer, type Serve, type Stack } from './harness/stack.js';

const DIALECTS = await dialects();
const TARGET = 'http://127.0.0.1:9/return';
/** One OIDC upstream (FTN) configured so the broker holds keys toward it; its issuer on 127.0.0.1 is never contacted here. */
const OIDC_UPSTREAM = { IDBRIDGE_FI_FTN_ISSUER: 'https://127.0.0.1:9/', IDBRIDGE_FI_FTN_CLIENT_ID: 'contract-suite' };
const demo = (extra: Record<string, unknown> = {}) => ({ method: 'demo', target: TARGET, ...extra });

describe.each(DIALECTS)('API.md §1 processes and commands (%s)', (dialect) => {
  let stack: Stack;
  let shop: Customer;
  let bankidOnly: Customer;
  let renamed: Customer;
  let revoked: Customer;
  let twoMethods: Customer;
  /** A second serve on the same database: no demo, FTN configured, and a rotated secret-key list. */
  let second: Serve;

  beforeAll(async () => {
    // The stack's key is `old:HEX` (API.md's `id:hex` form), so a list can name it again.
    stack = await startStack(dialect, { serveEnv: OIDC_UPSTREAM, secretKey: `old:${newSecretKey()}` });
    [shop, bankidOnly, renamed, revoked, twoMethods] = (await Promise.all([
      stack.customer({ name: 'Process Shop', targets: [TARGET] }),
      stack.customer({ name: 'BankID only', targets: [TARGET], methods: ['se-bankid'] }),
      stack.customer({ name: 'Old Name', targets: [TARGET] }),
      stack.customer({ name: 'Revoked', targets: [TARGET] }),
      stack.customer({ name: 'Two methods', targets: [TARGET], methods: ['demo', 'fi-ftn'] }),
    ])).map((c) => at(c, stack.url));
    // The first key encrypts, all decrypt: the old key stays in the list so old rows stay readable.
    second = await stack.startServe(OIDC_UPSTREAM, `new:${newSecretKey()},${stack.secretKey}`);
    stack.extra.push(second);
  });
  afterAll(() => stack?.stop());

  it('migrate applies migrations and exits 0, and again on an up-to-date database', async () => {
    const r = await stack.cli(['migrate']);
    expect(r.code).toBe(0);
  });

  it('customers add --json prints {id, api_key, webhook_endpoint: null}; the key works at once', async () => {
    const r = await stack.cli(['customers', 'add', '--name', 'Fresh', '--target', TARGET, '--json']);
    expect(r.code).toBe(0);
    const c = JSON.parse(r.stdout);
    expect(c).toMatchObject({ id: expect.any(String), api_key: expect.any(String), webhook_endpoint: null });
    const api = new Api(stack.url, c.api_key);
    const created = await eventually(async () => (await api.post('/v1/sessions', demo())).status === 201, 5000);
    expect(created).toBe(true);
  });

  it('customers add --webhook-url with --allow-private-webhooks prints the endpoint and its whsec_ secret once', async () => {
    const c = await stack.customer({ name: 'Hooked', webhookUrl: 'http://127.0.0.1:9/hook', allowPrivateWebhooks: true });
    expect(c.webhook_endpoint).toMatchObject({ id: expect.any(String), url: 'http://127.0.0.1:9/hook', secret: expect.stringMatching(/^whsec_/) });
    const list = await new Api(stack.url, c.api_key).get('/v1/webhook-endpoints');
    expect(list.status).toBe(200);
    expect(list.body.data.map((e: any) => e.id)).toEqual([c.webhook_endpoint!.id]);
    expect(JSON.stringify(list.body)).not.toContain(c.webhook_endpoint!.secret);
  });

  it('customers add refuses a loopback --webhook-url without --allow-private-webhooks', async () => {
    const r = await stack.cli(['customers', 'add', '--name', 'Refused Hook', '--webhook-url', 'http://127.0.0.1:9/hook', '--json']);
    expect(r.code).not.toBe(0);
    expect(`${r.stderr}${r.stdout}`).toContain('webhook_url_not_allowed');
    // Nothing was created.
    expect((await stack.cli(['customers', 'list', '--json'])).stdout).not.toContain('Refused Hook');
  });

  it('customers add --webhook-url without the broker\'s IDBRIDGE_SECRET_KEY is refused (the secret would be sealed under no broker\'s key) and creates nothing', async () => {
    const r = await runCli(['customers', 'add', '--name', 'Keyless Hook', '--webhook-url', 'http://127.0.0.1:9/hook', '--allow-private-webhooks', '--json'], { IDBRIDGE_DATABASE_URL: stack.db.url });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('IDBRIDGE_SECRET_KEY');
    expect((await stack.cli(['customers', 'list', '--json'])).stdout).not.toContain('Keyless Hook');
  });

  it('every method is enabled unless --method is given; --method restricts', async () => {
    const r = await bankidOnly.api.post('/v1/sessions', demo());
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('method_not_enabled');
    expect((await shop.api.post('/v1/sessions', demo())).status).toBe(201);
  });

  it('--method repeated enables exactly those methods', async () => {
    expect((await twoMethods.api.post('/v1/sessions', demo())).status).toBe(201);
    expect((await twoMethods.api.post('/v1/sessions', { method: 'fi-ftn', target: TARGET })).status).toBe(201);
    const refused = await twoMethods.api.post('/v1/sessions', { method: 'se-bankid', flow: 'headless', end_user_ip: '127.0.0.1' });
    expect(refused.body.code).toBe('method_not_enabled');
    const listed = JSON.parse((await stack.cli(['customers', 'list', '--json'])).stdout).find((c: any) => c.id === twoMethods.id);
    expect([...listed.methods].sort()).toEqual(['demo', 'fi-ftn']);
  });

  it('customers list --json shows the customers with retention_hours (24 by default), never an API key', async () => {
    const r = await stack.cli(['customers', 'list', '--json']);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout);
    expect(Array.isArray(list)).toBe(true);
    const mine = list.find((c: any) => c.id === shop.id);
    expect(mine).toBeDefined();
    expect(JSON.stringify(mine)).toContain('Process Shop');
    expect(mine.retention_hours).toBe(24);
    expect(r.stdout).not.toContain(shop.api_key);
  });

  it('customers update --retention-hours changes what customers list --json shows', async () => {
    const r = await stack.cli(['customers', 'update', shop.id, '--retention-hours', '2']);
    expect(r.code, r.stderr).toBe(0);
    const mine = JSON.parse((await stack.cli(['customers', 'list', '--json'])).stdout).find((c: any) => c.id === shop.id);
    expect(mine.retention_hours).toBe(2);
    expect(mine.name).toBe('Process Shop'); // flags left out keep their value
    const bad = await stack.cli(['customers', 'update', shop.id, '--retention-hours', 'soon']);
    expect(bad.code).not.toBe(0);
    expect(JSON.parse((await stack.cli(['customers', 'list', '--json'])).stdout).find((c: any) => c.id === shop.id).retention_hours).toBe(2);
  });

  it('customers update --name/--target/--frame-origin take effect on every running process within 5 s', async () => {
    const c = renamed;
    const onSecond = new Api(second.url, c.api_key);
    // Both processes have read this customer (and hold it in whatever cache they keep) before the update.
    expect((await c.api.post('/v1/sessions', demo())).status).toBe(201);
    expect((await onSecond.post('/v1/sessions', { method: 'fi-ftn', target: TARGET })).status).toBe(201);
    const newTarget = 'http://127.0.0.1:9/new-return';
    const r = await stack.cli(['customers', 'update', c.id, '--name', 'New Name', '--target', newTarget, '--frame-origin', 'http://localhost:9']);
    expect(r.code).toBe(0);
    const t0 = Date.now();
    const [first, other] = await Promise.all([
      eventually(async () => (await c.api.post('/v1/sessions', { method: 'demo', target: newTarget })).status === 201, 5000, 100),
      eventually(async () => (await onSecond.post('/v1/sessions', { method: 'fi-ftn', target: newTarget })).status === 201, 5000, 100),
    ]);
    expect(first).toBe(true);
    expect(other).toBe(true);
    expect(Date.now() - t0).toBeLessThan(5500);
    // --target replaces the list: the old one is no longer registered, on either process.
    expect((await c.api.post('/v1/sessions', demo())).body.code).toBe('target_not_allowed');
    expect((await onSecond.post('/v1/sessions', { method: 'fi-ftn', target: TARGET })).body.code).toBe('target_not_allowed');
    // The name and frame origin reach each process's workflow page.
    for (const base of [stack.url, second.url]) {
      const s = await new Api(base, c.api_key).create({ method: base === stack.url ? 'demo' : 'fi-ftn' });
      const page = await request(s.redirect_url.replace(/^https?:\/\/[^/]+/, base));
      expect(page.text, base).toContain('New Name');
      expect(page.text, base).not.toContain('Old Name');
      expect(page.headers.get('content-security-policy')).toMatch(/frame-ancestors http:\/\/localhost:9(;|$)/);
    }
  });

  it('keys create prints a second key (shown once) that works alongside the first', async () => {
    const r = await stack.cli(['keys', 'create', shop.id, '--json']);
    expect(r.code).toBe(0);
    const k = JSON.parse(r.stdout);
    expect(k.api_key).toEqual(expect.any(String));
    expect(k.api_key).not.toBe(shop.api_key);
    const api = new Api(stack.url, k.api_key);
    expect(await eventually(async () => (await api.get('/v1/webhook-endpoints')).status === 200, 5000)).toBe(true);
    expect((await shop.api.get('/v1/webhook-endpoints')).status).toBe(200);
  });

  it('keys revoke KEY_PREFIX: 401 within 5 s on every running process, without a restart', async () => {
    const c = revoked;
    const k = JSON.parse((await stack.cli(['keys', 'create', c.id, '--json'])).stdout);
    const prefix = k.key_prefix ?? k.api_key.slice(0, k.api_key.lastIndexOf('_'));
    const apis = [new Api(stack.url, k.api_key), new Api(second.url, k.api_key)];
    for (const api of apis) expect(await eventually(async () => (await api.get('/v1/webhook-endpoints')).status === 200, 5000)).toBe(true);
    const r = await stack.cli(['keys', 'revoke', prefix]);
    expect(r.code).toBe(0);
    const t0 = Date.now();
    for (const api of apis) {
      const revoked = await eventually(async () => (await api.get('/v1/webhook-endpoints')).status === 401, 6000, 100);
      expect(revoked).toBe(true);
    }
    expect(Date.now() - t0).toBeLessThan(5500);
    // The customer's first key is untouched.
    expect((await new Api(stack.url, c.api_key).get('/v1/webhook-endpoints')).status).toBe(200);
  });

  it('GET /healthz 200, GET /readyz 200 with the database answering, GET /metrics is Prometheus text', async () => {
    expect((await request(`${stack.url}/healthz`)).status).toBe(200);
    expect((await request(`${stack.url}/readyz`)).status).toBe(200);
    const m = await request(`${stack.url}/metrics`);
    expect(m.status).toBe(200);
    expect(m.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(m.text).toMatch(/^# HELP \w+ /m);
    expect(m.text).toMatch(/^# TYPE \w+ (counter|gauge|histogram|summary|untyped)$/m);
  });

  it('GET /.well-known/jwks.json lists public keys with use sig and use enc, and no private parts', async () => {
    const r = await request(`${stack.url}/.well-known/jwks.json`);
    expect(r.status).toBe(200);
    expect(Array.isArray(r.body?.keys)).toBe(true);
    const uses = new Set(r.body.keys.map((k: any) => k.use));
    expect(uses.has('sig')).toBe(true);
    expect(uses.has('enc')).toBe(true);
    for (const k of r.body.keys) {
      expect(k.kid).toEqual(expect.any(String));
      for (const priv of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) expect(k).not.toHaveProperty(priv);
    }
  });

  it('the demo method is absent from serve without IDBRIDGE_ENABLE_DEMO=1', async () => {
    const r = await new Api(second.url, shop.api_key).post('/v1/sessions', demo());
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('method_not_enabled');
  });

  it('IDBRIDGE_SECRET_KEY as a list: a process whose first key is new still reads what the old key sealed', async () => {
    const s = await shop.api.create(demo());
    await new PageClient(s.redirect_url).completeDemo(0);
    const read = await new Api(second.url, shop.api_key).read(s.id);
    expect(read.status).toBe('complete');
    expect(read.result.identity.full_name).toEqual(expect.any(String));
  });

  if (dialect === 'postgres') it('GET /readyz answers 503 while the database does not answer, /healthz stays 200, and both recover', async () => {
    const pg = new URL(stack.db.url);
    const proxy = await new TcpProxy(pg.hostname, Number(pg.port || 5432)).start();
    pg.host = `127.0.0.1:${proxy.port}`;
    const viaProxy = await stack.startServe({ IDBRIDGE_DATABASE_URL: pg.toString() });
    stack.extra.push(viaProxy);
    try {
      expect((await request(`${viaProxy.url}/readyz`)).status).toBe(200);
      await proxy.cut();
      const down = await eventually(async () => (await request(`${viaProxy.url}/readyz`)).status === 503, 10_000, 250);
      expect(down).toBe(true);
      expect((await request(`${viaProxy.url}/healthz`)).status).toBe(200);
      await proxy.restore();
      const up = await eventually(async () => (await request(`${viaProxy.url}/readyz`)).status === 200, 15_000, 250);
      expect(up).toBe(true);
      expect((await new Api(viaProxy.url, shop.api_key).get('/v1/webhook-endpoints')).status).toBe(200);
    } finally {
      await proxy.close();
    }
  }, 40_000);
});
