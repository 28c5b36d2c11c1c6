// API.md §1 "Processes and commands": migrate, customers add/list/update, keys create/revoke (in
// effect on every running process within 5 s), the environment (IDBRIDGE_SECRET_KEY rotation list,
// IDBRIDGE_RATE_LIMIT_CREATE, IDBRIDGE_MAX_WAITS), /healthz, /readyz, /metrics,
// /.well-known/jwks.json, and the demo method absent from `serve` unless IDBRIDGE_ENABLE_DEMO=1.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from './harness/databases.js';
import { PageClient } from './harness/flow.js';
import { Api, request } from './harness/http.js';
import { eventually, freePort, freePortPair, newSecretKey, Running } from './harness/processes.js';
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
  let busy: Customer;
  let waiter: Customer;
  /** A second serve on the same database: no demo, and a rotated secret-key list. */
  let second: Serve;

  beforeAll(async () => {
    // The stack's key is `old:HEX` (API.md's `id:hex` form), so a list can name it again.
    stack = await startStack(dialect, { serveEnv: { IDBRIDGE_RATE_LIMIT_CREATE: '3', IDBRIDGE_MAX_WAITS: '2', ...OIDC_UPSTREAM }, secretKey: `old:${newSecretKey()}` });
    [shop, bankidOnly, renamed, revoked, busy, waiter] = (await Promise.all([
      stack.customer({ name: 'Process Shop', targets: [TARGET] }),
      stack.customer({ name: 'BankID only', targets: [TARGET], methods: ['se-bankid'] }),
      stack.customer({ name: 'Old Name', targets: [TARGET] }),
      stack.customer({ name: 'Revoked', targets: [TARGET] }),
      stack.customer({ name: 'Busy', targets: [TARGET] }),
      stack.customer({ name: 'Waiter', targets: [TARGET] }),
    ])).map((c) => at(c, stack.url));
    // The first key encrypts, all decrypt: the old key stays in the list so old rows stay readable.
    second = await stack.startServe({}, `new:${newSecretKey()},${stack.secretKey}`);
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

  it('every method is enabled unless --method is given; --method restricts', async () => {
    const r = await bankidOnly.api.post('/v1/sessions', demo());
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('method_not_enabled');
    expect((await shop.api.post('/v1/sessions', demo())).status).toBe(201);
  });

  it('customers list --json shows the customers, never an API key', async () => {
    const r = await stack.cli(['customers', 'list', '--json']);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout);
    expect(Array.isArray(list)).toBe(true);
    const mine = list.find((c: any) => c.id === shop.id);
    expect(mine).toBeDefined();
    expect(JSON.stringify(mine)).toContain('Process Shop');
    expect(r.stdout).not.toContain(shop.api_key);
  });

  it('customers update --name/--target/--frame-origin take effect on the running process within 5 s', async () => {
    const c = renamed;
    const newTarget = 'http://127.0.0.1:9/new-return';
    const r = await stack.cli(['customers', 'update', c.id, '--name', 'New Name', '--target', newTarget, '--frame-origin', 'http://localhost:9']);
    expect(r.code).toBe(0);
    const t0 = Date.now();
    const ok = await eventually(async () => (await c.api.post('/v1/sessions', { method: 'demo', target: newTarget })).status === 201, 5000);
    expect(ok).toBe(true);
    expect(Date.now() - t0).toBeLessThan(5500);
    // --target replaces the list: the old one is no longer registered.
    expect((await c.api.post('/v1/sessions', demo())).body.code).toBe('target_not_allowed');
    const s = await c.api.create({ method: 'demo' });
    const page = await request(s.redirect_url);
    expect(page.text).toContain('New Name');
    expect(page.headers.get('content-security-policy')).toMatch(/frame-ancestors http:\/\/localhost:9(;|$)/);
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

  it('IDBRIDGE_RATE_LIMIT_CREATE: creations over the per-customer rate answer 429 rate_limited with Retry-After', async () => {
    const c = busy;
    const answers = await Promise.all(Array.from({ length: 10 }, () => c.api.post('/v1/sessions', demo())));
    const limited = answers.filter((a) => a.status === 429);
    expect(answers.filter((a) => a.status === 201).length).toBeGreaterThan(0);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0].headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(limited[0].body.code).toBe('rate_limited');
    expect(Number(limited[0].headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // Per customer: another customer is not limited by this one's burst.
    expect((await shop.api.post('/v1/sessions', demo())).status).toBe(201);
  });

  it('IDBRIDGE_MAX_WAITS: long-polls plus event streams over the limit answer 429 rate_limited with Retry-After', async () => {
    const c = waiter;
    const s = await c.api.create(demo());
    const ctrl = new AbortController();
    const headers = { authorization: `Bearer ${c.api_key}` };
    const poll = fetch(`${stack.url}/v1/sessions/${s.id}?wait=10&version=${s.version}`, { headers, signal: ctrl.signal }).catch(() => null);
    const stream = fetch(`${stack.url}/v1/sessions/${s.id}/events`, { headers, signal: ctrl.signal }).catch(() => null);
    await new Promise((r) => setTimeout(r, 700));
    const third = await c.api.get(`/v1/sessions/${s.id}?wait=5&version=${s.version}`);
    expect(third.status).toBe(429);
    expect(third.body.code).toBe('rate_limited');
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const thirdStream = await c.api.get(`/v1/sessions/${s.id}/events`);
    expect(thirdStream.status).toBe(429);
    // A plain read is not a wait.
    expect((await c.api.get(`/v1/sessions/${s.id}`)).status).toBe(200);
    // Another customer has its own allowance.
    const other = await shop.api.create(demo());
    const otherPoll = await shop.api.get(`/v1/sessions/${other.id}?wait=1&version=${other.version}`);
    expect(otherPoll.status).toBe(200);
    ctrl.abort();
    await Promise.all([poll, stream]);
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

// `idbridge dev` is one SQLite file by definition (API.md §1), so it runs once, not per dialect.
describe('API.md §1 idbridge dev', () => {
  let dir: string;
  let dev: Running | null = null;
  afterAll(async () => {
    await dev?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function startDev(port: number, bankidPort: number): Promise<{ out: string; key: string }> {
    dev = Running.start(['dev', '--port', String(port), '--bankid-port', String(bankidPort)], {}, dir);
    const out = await dev.waitForOutput((o) => /idbk_\S+/.test(o) && o.includes(`:${port}`), 45_000);
    return { out, key: /(idbk_\S+)/.exec(out)![1] };
  }

  it('prints the URLs and the demo API key, keeps one SQLite file with its key, runs the BankID simulator on --bankid-port, and a restart still reads what it stored', async () => {
    dir = mkdtempSync(join(tmpdir(), 'idbridge-dev-'));
    const port = await freePortPair();
    const bankidPort = await freePort();
    const first = await startDev(port, bankidPort);
    const broker = new RegExp(`http://(localhost|127\\.0\\.0\\.1):${port}\\b`).exec(first.out);
    expect(broker).not.toBeNull();
    expect(first.out).toMatch(/http:\/\/(localhost|127\.0\.0\.1):\d+/);
    const base = `http://127.0.0.1:${port}`;
    const api = new Api(base, first.key);
    const target = /target URL:\s*(\S+)/.exec(first.out)?.[1] ?? `http://localhost:${port + 1}/return`;
    // Every built-in simulator: BankID and the OIDC test IdPs stand behind their methods.
    for (const method of ['se-bankid', 'no-bankid', 'dk-mitid', 'fi-ftn']) {
      const r = await api.post('/v1/sessions', { method, target });
      expect(r.status, `${method}: ${r.text}`).toBe(201);
    }
    const s = await api.create({ method: 'demo', target, relay_state: 'dev-1' });
    await new PageClient(s.redirect_url).completeDemo(0);
    expect((await api.read(s.id)).result.identity.full_name).toEqual(expect.any(String));
    expect(existsSync(join(dir, 'idbridge.db'))).toBe(true);
    // BankID RP API on --bankid-port: TLS that answers /rp/* without a client certificate with 401.
    const rp = await new Promise<number>((resolve) => {
      const req = httpsRequest({ host: '127.0.0.1', port: bankidPort, path: '/rp/v6.0/auth', method: 'POST', rejectUnauthorized: false, headers: { 'content-type': 'application/json' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', () => resolve(0));
      req.end('{"endUserIp":"127.0.0.1"}');
    });
    await dev!.stop();
    // A restart keeps the demo key and still decrypts what it stored.
    const again = await startDev(port, bankidPort);
    expect(again.key).toBe(first.key);
    expect((await api.read(s.id)).result.identity.full_name).toEqual(expect.any(String));
    expect(rp).toBe(401);
  });
});
