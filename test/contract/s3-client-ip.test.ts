// API.md §3 "Sessions", `end_user_ip`: "the browser flow uses the real client IP". Behind a
// reverse proxy that the operator trusts (IDBRIDGE_TRUST_PROXY) the real client is the address the
// proxy saw (X-Forwarded-For, nearest untrusted hop); without one, the header is the client's own
// claim and is ignored. Seen where it matters: the BankID order's endUserIp (a scripted RP API
// records the request) and the demo result's device.ip_address.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from './harness/databases.js';
import { PageClient } from './harness/flow.js';
import { request, type Res } from './harness/http.js';
import { ScriptedBankId } from './harness/scripted-bankid.js';
import { at, type Customer, type Serve, type Stack, startStack } from './harness/stack.js';

const DIALECTS = await dialects();
const TARGET = 'http://127.0.0.1:9/return';
const CLIENT = '203.0.113.7';

/** The page's own calls, made through a proxy that adds X-Forwarded-For. */
class ProxiedPage extends PageClient {
  constructor(redirectUrl: string, readonly forwardedFor: string) {
    super(redirectUrl);
  }

  override async call(path: string, method = 'GET', body?: unknown): Promise<Res> {
    const headers: Record<string, string> = { accept: 'application/json', 'x-forwarded-for': this.forwardedFor };
    if (this.binding) headers['x-idbridge-binding'] = this.binding;
    if (body !== undefined) headers['content-type'] = 'application/json';
    return request(`${this.redirectUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  }
}

let bankid: ScriptedBankId;
beforeAll(async () => {
  bankid = await new ScriptedBankId().start();
});
afterAll(() => bankid?.close());

describe.each(DIALECTS)('API.md §3 end_user_ip: the browser flow uses the real client IP (%s)', (dialect) => {
  let stack: Stack;
  let direct: Serve;
  let shop: Customer;

  beforeAll(async () => {
    // The main serve trusts a proxy on 127.0.0.1; a second one on the same database trusts none.
    stack = await startStack(dialect, { serveEnv: { ...bankid.serveEnv, IDBRIDGE_TRUST_PROXY: '127.0.0.1' } });
    direct = await stack.startServe({ ...bankid.serveEnv, IDBRIDGE_ENABLE_DEMO: '1' });
    stack.extra.push(direct);
    shop = at(await stack.customer({ name: 'IP Shop', targets: [TARGET] }), stack.url);
  });
  afterAll(() => stack?.stop());

  /** Binds and starts a browser BankID session through `page`; returns the order it made. */
  async function startBankId(api: Customer['api'], forwardedFor: string) {
    const known = new Set(bankid.orders.keys());
    const s = await api.create({ method: 'se-bankid', target: TARGET, device: 'other_device' });
    const page = new ProxiedPage(s.redirect_url, forwardedFor);
    expect((await page.bind()).status).toBe(200);
    expect((await page.start()).status).toBe(200);
    const order = bankid.list().find((o) => !known.has(o.orderRef));
    expect(order, 'a BankID order was made').toBeTruthy();
    await api.post(`/v1/sessions/${s.id}/cancel`, {});
    return order!;
  }

  it('behind a trusted proxy: the BankID order\'s endUserIp is the client the proxy saw, not an address the client claimed', async () => {
    expect((await startBankId(shop.api, CLIENT)).request.endUserIp).toBe(CLIENT);
    // A client that sends its own X-Forwarded-For through the proxy: the proxy appends the real
    // address, and only that hop is believed.
    expect((await startBankId(shop.api, `198.51.100.66, ${CLIENT}`)).request.endUserIp).toBe(CLIENT);
  });

  it('behind a trusted proxy: the demo result\'s device.ip_address is the real client', async () => {
    const s = await shop.api.create({ method: 'demo', target: TARGET });
    await new ProxiedPage(s.redirect_url, CLIENT).completeDemo(0);
    const read = await shop.api.read(s.id);
    expect(read.status).toBe('complete');
    expect(read.result.device).toEqual({ ip_address: CLIENT });
  });

  it('without a trusted proxy X-Forwarded-For is ignored: the order carries the connection\'s address', async () => {
    const viaDirect = at(shop, direct.url).api;
    const order = await startBankId(viaDirect, CLIENT);
    expect(order.request.endUserIp).not.toBe(CLIENT);
    expect(['127.0.0.1', '::ffff:127.0.0.1']).toContain(order.request.endUserIp);
    const s = await viaDirect.create({ method: 'demo', target: TARGET });
    await new ProxiedPage(s.redirect_url, CLIENT).completeDemo(0);
    expect((await viaDirect.read(s.id)).result.device.ip_address).not.toBe(CLIENT);
  });
});
