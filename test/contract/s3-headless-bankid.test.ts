// API.md §3 "Sessions", headless flow with se-bankid ("API for apps") and the BankID outcomes: the
// create starts the order (pending + launch), `GET /v1/sessions/{id}/qr` (JSON and SVG, 409 past
// the scan step), return_url, progress.code hints with `version` +1 per change, sign's signature,
// the person's cancel, phone orders, personal_number, se_personnummer / se_samordningsnummer, the
// merchant's cancel cancelling the provider order, and `start_failed` for an order never scanned.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { luhnCheckDigitValid, OTHER_PERSON, PERSON, simCall, startSimulator, type Simulator } from './harness/bankid.js';
import { dialects } from './harness/databases.js';
import { expectProblem } from './harness/problem.js';
import { eventually, sleep } from './harness/processes.js';
import { at, startStack, type Customer, type Stack } from './harness/stack.js';

const DIALECTS = await dialects();
const TARGET = 'http://127.0.0.1:9/return';
const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
/** The simulator fails an order nobody scanned or autostarted after about 30 s (API.md §7, as BankID). */
const START_TIMEOUT_MS = 30_000;

/** A coordination number (samordningsnummer): day of month + 60, with a valid check digit. */
const COORDINATION = (() => {
  for (let c = 0; c < 10; c++) if (luhnCheckDigitValid(`19900161123${c}`)) return `19900161123${c}`;
  throw new Error('no check digit');
})();

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim?.stop());

/** The simulator's pending order that carries `returnUrl` (each test gives its session its own). */
async function orderWith(returnUrl: string): Promise<any> {
  return eventually(async () => (await simCall(sim, 'GET', '/app/orders')).body.data.find((o: any) => o.return_url === returnUrl), 5000);
}

/** The RP API calls the simulator received for one order (its /app/calls view). */
async function rpCalls(orderRef: string): Promise<{ endpoint: string; status: number }[]> {
  return (await simCall(sim, 'GET', `/app/calls?order_ref=${orderRef}`)).body.data;
}

/** Whether BankID's cancel was called, and answered 200, for the order (the broker calls it just after its answer). */
async function cancelledAtBankId(orderRef: string): Promise<boolean> {
  return eventually(async () => (await rpCalls(orderRef)).some((c) => c.endpoint === 'cancel' && c.status === 200), 5000);
}

describe.each(DIALECTS)('API.md §3 sessions: headless BankID (%s)', (dialect) => {
  let stack: Stack;
  let shop: Customer;
  let unscanned: any;
  let unscannedAt = 0;
  let n = 0;
  const headless = (extra: Record<string, unknown> = {}) => ({ method: 'se-bankid', flow: 'headless', end_user_ip: '127.0.0.1', ...extra });
  const returnUrl = () => `http://127.0.0.1:9/app-return/${dialect}-${++n}`;

  beforeAll(async () => {
    stack = await startStack(dialect, {
      serveEnv: { IDBRIDGE_BANKID_ENV: 'simulated', IDBRIDGE_BANKID_URL: sim.rpUrl, IDBRIDGE_BANKID_CA: `${sim.dir}/ca.pem` },
    });
    shop = at(await stack.customer({ name: 'Session Shop', targets: [TARGET] }), stack.url);
    // Slow observation, checked at the end: an order nobody scans fails start_failed after ~30 s.
    unscannedAt = Date.now();
    unscanned = await shop.api.create(headless({ relay_state: 'never-scanned' }));
  });
  afterAll(() => stack?.stop());


  it('starts the order before answering: status pending with launch {auto_start_token, launch_url, qr_url}; /qr gives qr_data; a scan completes it', async () => {
    const r = await shop.api.post('/v1/sessions', headless({ relay_state: 'app-1', return_url: 'http://127.0.0.1:9/app-return' }));
    expect(r.status, r.text).toBe(201);
    const s = r.body;
    expect(s).toMatchObject({ status: 'pending', method: 'se-bankid', flow: 'headless', operation: 'authenticate' });
    expect(s).not.toHaveProperty('redirect_url');
    expect(s.launch).toMatchObject({ auto_start_token: expect.any(String), launch_url: expect.any(String), qr_url: expect.any(String) });
    expect((await shop.api.read(s.id)).launch).toEqual(s.launch);
    expect(s.launch.qr_url.startsWith(`${stack.url}/`)).toBe(true);
    const qr = await shop.api.get(`/v1/sessions/${s.id}/qr`);
    expect(qr.status).toBe(200);
    expect(qr.body.qr_data).toMatch(/^bankid\.[^.]+\.\d+\.[0-9a-f]{64}$/);
    expect(qr.body.refresh_after_ms).toEqual(expect.any(Number));
    const svg = await shop.api.get(`/v1/sessions/${s.id}/qr?format=svg`);
    expect(svg.status).toBe(200);
    expect(svg.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(svg.text).toContain('<svg');
    // return_url reaches the order (BankID returnUrl), as the simulated app shows it.
    const orders = await simCall(sim, 'GET', '/app/orders');
    expect(JSON.stringify(orders.body)).toContain('http://127.0.0.1:9/app-return');
    const scan = await simCall(sim, 'POST', '/app/scan', { qr_data: qr.body.qr_data, personal_number: PERSON, action: 'approve' });
    expect(scan.status, scan.text).toBe(200);
    const done = await eventually(async () => {
      const x = await shop.api.read(s.id);
      return x.status === 'complete' ? x : null;
    }, 10_000);
    expect(done).toBeTruthy();
    expect(done.result.identity).toMatchObject({ provider: 'se-bankid', country: 'SE', national_id: { value: PERSON, type: 'se_personnummer', country: 'SE' } });
    expect(done).not.toHaveProperty('launch');
    expectProblem(await shop.api.get(`/v1/sessions/${s.id}/qr`), 409);
  });

  it('progress.code is the provider hint in snake_case: outstanding_transaction, then user_sign on hold (version +1); the merchant\'s cancel cancels the held order', async () => {
    const back = returnUrl();
    const s = await shop.api.create(headless({ return_url: back }));
    const order = await orderWith(back);
    const first = await eventually(async () => (await shop.api.read(s.id)).progress?.code, 5000);
    expect(first).toBe('outstanding_transaction');
    const v0 = (await shop.api.read(s.id)).version;
    const qr = (await shop.api.get(`/v1/sessions/${s.id}/qr`)).body;
    await simCall(sim, 'POST', '/app/scan', { qr_data: qr.qr_data, personal_number: PERSON, action: 'hold' });
    const held = await eventually(async () => ((await shop.api.read(s.id)).progress?.code === 'user_sign' ? true : null), 8000);
    expect(held).toBe(true);
    const heldRead = await shop.api.read(s.id);
    expect(heldRead.status).toBe('pending');
    // A changed hint is a change, and one change is one version.
    expect(heldRead.version).toBe(v0 + 1);
    expectProblem(await shop.api.get(`/v1/sessions/${s.id}/qr`), 409);
    const c = await shop.api.post(`/v1/sessions/${s.id}/cancel`, {});
    expect(c.body.status).toBe('cancelled');
    expect(c.body.version).toBe(v0 + 2);
    // "and the provider order cancelled": BankID's cancel was called for this order and it is gone.
    expect(await cancelledAtBankId(order.order_ref)).toBe(true);
    const left = (await simCall(sim, 'GET', '/app/orders')).body.data.map((o: any) => o.order_ref);
    expect(left).not.toContain(order.order_ref);
  });

  it('the merchant\'s cancel of a pending order nobody has scanned cancels the BankID order', async () => {
    const back = returnUrl();
    const s = await shop.api.create(headless({ return_url: back }));
    const order = await orderWith(back);
    expect(order).toBeTruthy();
    expect(await rpCalls(order.order_ref)).not.toContainEqual(expect.objectContaining({ endpoint: 'cancel' }));
    const c = await shop.api.post(`/v1/sessions/${s.id}/cancel`, {});
    expect(c.status).toBe(200);
    expect(c.body).toMatchObject({ status: 'cancelled' });
    expect(await cancelledAtBankId(order.order_ref)).toBe(true);
    expect((await simCall(sim, 'GET', '/app/orders')).body.data.map((o: any) => o.order_ref)).not.toContain(order.order_ref);
    // The app can no longer act on it.
    expect((await simCall(sim, 'POST', `/app/orders/${order.order_ref}`, { personal_number: PERSON, action: 'approve' })).status).toBe(404);
    await sleep(2500);
    expect((await shop.api.read(s.id)).status).toBe('cancelled');
  });

  it('a coordination number (day + 60) is national_id.type se_samordningsnummer', async () => {
    const s = await shop.api.create(headless());
    const qr = (await shop.api.get(`/v1/sessions/${s.id}/qr`)).body;
    const scan = await simCall(sim, 'POST', '/app/scan', { qr_data: qr.qr_data, personal_number: COORDINATION, action: 'approve' });
    expect(scan.status, scan.text).toBe(200);
    const done = await eventually(async () => {
      const x = await shop.api.read(s.id);
      return x.status === 'complete' ? x : null;
    }, 10_000);
    expect(done?.result.identity.national_id).toEqual({ value: COORDINATION, type: 'se_samordningsnummer', country: 'SE' });
    // Its date of birth, when given, is the day less 60.
    expect([null, '1990-01-01']).toContain(done.result.identity.date_of_birth);
  });

  it('sign: the result carries signature {format bankid-xmldsig, value, ocsp_response, signed_text}', async () => {
    const s = await shop.api.create(headless({ operation: 'sign', sign: { text: 'I agree to the terms', format: 'plaintext', hidden_data: Buffer.from('ref-1').toString('base64') } }));
    const qr = (await shop.api.get(`/v1/sessions/${s.id}/qr`)).body;
    await simCall(sim, 'POST', '/app/scan', { qr_data: qr.qr_data, personal_number: PERSON, action: 'approve' });
    const done = await eventually(async () => {
      const x = await shop.api.read(s.id);
      return x.status === 'complete' ? x : null;
    }, 10_000);
    expect(done?.result.signature).toMatchObject({ format: 'bankid-xmldsig', value: expect.any(String), ocsp_response: expect.any(String), signed_text: 'I agree to the terms' });
    expect(Buffer.from(done.result.signature.value, 'base64').toString('utf8')).toMatch(/^<\?xml|<Signature/);
  });

  it('the person\'s cancel in the app ends the session failed with user_cancelled', async () => {
    const s = await shop.api.create(headless());
    const qr = (await shop.api.get(`/v1/sessions/${s.id}/qr`)).body;
    await simCall(sim, 'POST', '/app/scan', { qr_data: qr.qr_data, personal_number: PERSON, action: 'cancel' });
    const failed = await eventually(async () => {
      const x = await shop.api.read(s.id);
      return x.status === 'failed' ? x : null;
    }, 10_000);
    expect(failed?.error.code).toBe('user_cancelled');
  });

  it('phone: personal_number and call_initiator start a BankID phone order that the app can approve', async () => {
    const s = await shop.api.create(headless({ personal_number: PERSON, phone: { call_initiator: 'rp' } }));
    expect(s.status).toBe('pending');
    const order = await eventually(async () => (await simCall(sim, 'GET', '/app/orders')).body.data.find((o: any) => o.phone && o.status === 'pending'), 5000);
    expect(order).toBeTruthy();
    const act = await simCall(sim, 'POST', `/app/orders/${order.order_ref}`, { personal_number: PERSON, action: 'approve' });
    expect(act.status).toBe(200);
    const done = await eventually(async () => ((await shop.api.read(s.id)).status === 'complete' ? true : null), 10_000);
    expect(done).toBe(true);
  });

  it('personal_number restricts who may complete (BankID requirement.personalNumber)', async () => {
    const s = await shop.api.create(headless({ personal_number: PERSON }));
    const qr = (await shop.api.get(`/v1/sessions/${s.id}/qr`)).body;
    await simCall(sim, 'POST', '/app/scan', { qr_data: qr.qr_data, personal_number: OTHER_PERSON, action: 'approve' });
    await sleep(3000);
    const r = await shop.api.read(s.id);
    expect(r.status).not.toBe('complete');
    expect(JSON.stringify(r)).not.toContain(OTHER_PERSON);
    if (r.status === 'pending') await shop.api.post(`/v1/sessions/${s.id}/cancel`, {});
  });

  it('the broker never starts an order from personal_number alone (browser flow)', async () => {
    // Compared by order reference: the unscanned order may leave the list meanwhile (start_failed).
    const refs = async () => ((await simCall(sim, 'GET', '/app/orders')).body.data as any[]).map((o) => o.order_ref);
    const before = new Set(await refs());
    const s = await shop.api.create({ method: 'se-bankid', target: TARGET, personal_number: PERSON });
    expect(s.status).toBe('created');
    expect((await refs()).filter((r) => !before.has(r))).toEqual([]);
  });
  it('slow observation: an order nobody scans ends failed with start_failed (a provider timeout), completed_at set', async () => {
    const wait = unscannedAt + START_TIMEOUT_MS - Date.now();
    if (wait > 0) await sleep(wait);
    const r = await eventually(async () => {
      const x = await shop.api.read(unscanned.id);
      return x.status === 'failed' ? x : null;
    }, 15_000, 500);
    expect(r).toBeTruthy();
    expect(r.error).toMatchObject({ code: 'start_failed', message: expect.any(String) });
    expect(r).toMatchObject({ relay_state: 'never-scanned', result: null, progress: null });
    expect(r.completed_at).toMatch(RFC3339_UTC);
    expect(r).not.toHaveProperty('launch');
  }, 60_000);
});
