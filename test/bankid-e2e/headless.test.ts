// Headless se-bankid through the broker (API.md §3): launch data, GET /v1/sessions/{id}/qr, the
// server-side collector, sign, phone, cancel. The simulator runs over mutual TLS; nothing is mocked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseQrData, qrSvg } from '../../src/providers/bankid-se/index.js';
import { verifySimulatorSignature } from '../../src/providers/bankid-se/simulator/index.js';
import { PERSON, startBankIdWorld, waitFor, type BankIdWorld } from './support.js';

describe('se-bankid headless through the broker', () => {
  let w: BankIdWorld;
  beforeAll(async () => {
    w = await startBankIdWorld();
  });
  afterAll(async () => w?.close());

  const create = async (extra: Record<string, unknown> = {}) => {
    const r = await w.b.api('/v1/sessions', { method: 'POST', json: { method: 'se-bankid', flow: 'headless', end_user_ip: '127.0.0.1', ...extra } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body;
  };
  const qr = (id: string, query = '') => w.b.api(`/v1/sessions/${id}/qr${query}`);

  it('starts the order before answering, serves the QR, and completes without anyone reading', async () => {
    const s = await create({ return_url: 'https://shop.example/app-return', end_user_ip: '198.51.100.23' });
    expect(s).toMatchObject({ status: 'pending', version: 2, progress: { code: 'outstanding_transaction', message: 'Start your BankID app.' } });
    expect(s.redirect_url).toBeUndefined();
    expect(s.launch).toEqual({
      auto_start_token: expect.stringMatching(/^[0-9a-f-]{36}$/),
      launch_url: `https://app.bankid.com/?autostarttoken=${s.launch.auto_start_token}&redirect=null`,
      qr_url: `${w.b.url}/v1/sessions/${s.id}/qr`,
    });
    const order = w.sim.app.pending().find((o) => o.autoStartToken === s.launch.auto_start_token)!;
    // BankID gets the person's IP as the merchant's backend saw it, not the backend's own.
    expect(order).toMatchObject({ endUserIp: '198.51.100.23', returnUrl: 'https://shop.example/app-return' });

    const json = await qr(s.id);
    expect(json.status).toBe(200);
    expect(json.headers.get('cache-control')).toBe('no-store');
    expect(json.body).toEqual({ qr_data: expect.stringMatching(/^bankid\.[0-9a-f-]{36}\.\d+\.[0-9a-f]{64}$/), refresh_after_ms: expect.any(Number) });
    expect(json.body.refresh_after_ms).toBeGreaterThan(0);
    expect(json.body.refresh_after_ms).toBeLessThanOrEqual(1000);
    expect(parseQrData(json.body.qr_data)?.qrStartToken).toBe(order.qrStartToken);
    const svg = await w.b.api(`/v1/sessions/${s.id}/qr?format=svg`);
    expect(svg.status).toBe(200);
    expect(svg.headers.get('content-type')).toContain('image/svg+xml');
    expect(svg.body).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);

    // The app scans the code it got from /qr; nobody reads the session afterwards until it is done.
    // The image is the code of that second (taken between two JSON reads, whichever second it was).
    const before = (await qr(s.id)).body.qr_data;
    const image = (await w.b.api(`/v1/sessions/${s.id}/qr?format=svg`)).body;
    const latest = (await qr(s.id)).body.qr_data;
    expect([await qrSvg(before), await qrSvg(latest)]).toContain(image);
    expect((await w.app('/app/scan', { qr_data: latest, personal_number: PERSON, action: 'approve' })).status).toBe(200);
    // Only the database is looked at: the collector completes the session server-side.
    await expect.poll(async () => (await w.b.broker.store.getSession(s.id))?.status, { timeout: 5000, interval: 200 }).toBe('complete');
    const read = await w.b.api(`/v1/sessions/${s.id}`);
    expect(read.body).toMatchObject({
      status: 'complete', progress: null, error: null,
      result: {
        identity: { provider: 'se-bankid', country: 'SE', national_id: { value: PERSON, type: 'se_personnummer', country: 'SE' }, date_of_birth: '1990-01-01', assurance: { level: 'high' } },
        signature: null, device: { ip_address: '127.0.0.1' },
      },
    });
    expect(read.body.launch).toBeUndefined();
    expect((await qr(s.id)).body).toMatchObject({ code: 'qr_not_available' });
  });

  it('signs; the signature verifies against the simulator CA', async () => {
    const sign = { text: 'Jag godkänner köpet av 3 äpplen.', format: 'plaintext', hidden_data: Buffer.from('order-77').toString('base64') };
    const s = await create({ operation: 'sign', sign });
    const { qr_data } = (await qr(s.id)).body;
    expect((await w.app('/app/scan', { qr_data, personal_number: PERSON, action: 'approve' })).status).toBe(200);
    const done = await waitFor(w.b, s.id, (x) => x.status === 'complete');
    expect(done.result.signature).toMatchObject({ format: 'bankid-xmldsig', signed_text: sign.text, ocsp_response: expect.any(String) });
    const check = verifySimulatorSignature(done.result.signature.value, w.sim.caPem);
    expect(check).toMatchObject({ valid: true, funcId: 'Signing', visibleText: sign.text, nonVisibleData: sign.hidden_data, personalNumber: PERSON });
  });

  it('answers 409 qr_not_available once the app has the order, and shows the hint', async () => {
    const s = await create();
    const { qr_data } = (await qr(s.id)).body;
    expect((await w.app('/app/scan', { qr_data, personal_number: PERSON, action: 'hold' })).status).toBe(200);
    const held = await waitFor(w.b, s.id, (x) => x.progress?.code === 'user_sign');
    expect(held.progress.message).toBe('Enter your security code in the BankID app and select Identify or Sign.');
    const after = await qr(s.id);
    expect(after.status).toBe(409);
    expect(after.headers.get('content-type')).toContain('application/problem+json');
    expect(after.body).toMatchObject({ code: 'qr_not_available', status: 409 });
    expect((await qr(s.id, '?format=svg')).status).toBe(409);
    await w.b.api(`/v1/sessions/${s.id}/cancel`, { method: 'POST' });
  });

  it('runs phone authentication and phone signing', async () => {
    const auth = await create({ personal_number: PERSON, phone: { call_initiator: 'rp' } });
    expect(auth).toMatchObject({ status: 'pending', launch: null });
    expect((await qr(auth.id)).status).toBe(409);
    const order = w.sim.app.pending().find((o) => o.requiredPersonalNumber === PERSON && o.callInitiator === 'RP')!;
    expect(order.kind).toBe('auth');
    expect((await w.app(`/app/orders/${order.orderRef}`, { personal_number: PERSON, action: 'approve' })).status).toBe(200);
    expect((await waitFor(w.b, auth.id, (x) => x.status === 'complete')).result.identity.national_id.value).toBe(PERSON);

    const sign = await create({ operation: 'sign', sign: { text: 'Phone sign' }, personal_number: PERSON, phone: { call_initiator: 'user' } });
    const signOrder = w.sim.app.pending().find((o) => o.requiredPersonalNumber === PERSON && o.callInitiator === 'user')!;
    expect(signOrder.kind).toBe('sign');
    await w.app(`/app/orders/${signOrder.orderRef}`, { personal_number: PERSON, action: 'approve' });
    const done = await waitFor(w.b, sign.id, (x) => x.status === 'complete');
    expect(verifySimulatorSignature(done.result.signature.value, w.sim.caPem)).toMatchObject({ valid: true, visibleText: 'Phone sign' });
  });

  it('cancels the order at the simulator when the merchant cancels', async () => {
    const s = await create();
    const order = w.sim.app.pending().find((o) => o.autoStartToken === s.launch.auto_start_token)!;
    const cancelled = await w.b.api(`/v1/sessions/${s.id}/cancel`, { method: 'POST' });
    expect(cancelled.body).toMatchObject({ status: 'cancelled' });
    await expect.poll(() => w.sim.orders.get(order.orderRef), { timeout: 3000 }).toBeUndefined();
    expect(w.sim.calls.some((c) => c.endpoint === 'cancel' && c.status === 200)).toBe(true);
    expect((await qr(s.id)).status).toBe(409);
  });

  it('ends failed user_cancelled when the person cancels in the app', async () => {
    const s = await create({ locale: 'sv' });
    const { qr_data } = (await qr(s.id)).body;
    await w.app('/app/scan', { qr_data, personal_number: PERSON, action: 'cancel' });
    const done = await waitFor(w.b, s.id, (x) => x.status === 'failed');
    expect(done.error).toEqual({ code: 'user_cancelled', message: 'Åtgärden avbruten.' });
  });

  it('refuses /qr for a browser-flow session and for another customer', async () => {
    const browser = (await w.b.api('/v1/sessions', { method: 'POST', json: { method: 'se-bankid' } })).body;
    expect((await qr(browser.id)).body).toMatchObject({ code: 'qr_not_available' });
    const s = await create();
    const other = await w.b.addCustomer();
    expect((await w.b.api(`/v1/sessions/${s.id}/qr`, { key: other.key })).status).toBe(404);
    expect((await w.b.api(`/v1/sessions/${s.id}/qr`, { key: 'nope' })).status).toBe(401);
    expect((await qr(s.id, '?format=png')).status).toBe(400);
  });
});
