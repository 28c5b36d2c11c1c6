// The simulated phone app and the order state machine under an injectable clock (API.md §7,
// reference §1.6, §1.7).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { qrData } from '../../src/providers/bankid-se/qr.js';
import type { OrderResponse } from '../../src/providers/bankid-se/types.js';
import { OTHER_PERSON, PERSON, startHarness, type Harness } from './helpers.js';

let h: Harness;
beforeAll(async () => { h = await startHarness({ timing: { singleFinalCollect: false } }); });
afterAll(() => h.close());

const start = () => h.client.auth({ endUserIp: '127.0.0.1' });
const code = (o: OrderResponse, seconds: number, secret = o.qrStartSecret) => qrData(o.qrStartToken, secret, seconds);
const scan = (qr: string, action = 'approve', person = PERSON) => h.appPost('/app/scan', { qr_data: qr, personal_number: person, action });

describe('QR scan', () => {
  it('accepts the code of the current second after refreshes', async () => {
    const order = await start();
    h.clock.advance(7_400);
    expect((await scan(code(order, 7))).status).toBe(200);
    expect(await h.client.collect(order.orderRef)).toMatchObject({ status: 'complete' });
  });

  it('refuses a forged code, one too far ahead and one too old', async () => {
    const order = await start();
    h.clock.advance(10_000);
    expect(await scan(code(order, 10, 'wrong-secret'))).toMatchObject({ status: 400, body: { error: 'invalid_qr' } });
    expect(await scan(code(order, 12))).toMatchObject({ status: 400, body: { error: 'qr_from_future' } });
    expect(await scan(code(order, 4))).toMatchObject({ status: 400, body: { error: 'qr_too_old' } });
    expect((await scan(code(order, 5))).status).toBe(200); // 5 s behind is still fine
  });

  it('refuses a person other than the required one, and non-test numbers', async () => {
    const order = await h.client.auth({ endUserIp: '127.0.0.1', requirement: { personalNumber: PERSON } });
    expect(await scan(code(order, 0), 'approve', OTHER_PERSON)).toMatchObject({ status: 403, body: { error: 'personal_number_mismatch' } });
    expect(await scan(code(order, 0), 'approve', '199001011230')).toMatchObject({ status: 400, body: { error: 'invalid_personal_number' } });
    expect((await scan(code(order, 0), 'approve', PERSON)).status).toBe(200);
  });
});

describe('order state machine', () => {
  it('hold leaves the order at userSign; the person can then cancel', async () => {
    const order = await start();
    expect((await scan(code(order, 0), 'hold')).body).toMatchObject({ status: 'pending', hint_code: 'userSign' });
    h.clock.advance(60_000); // past the start window: the app already has it
    expect(await h.client.collect(order.orderRef)).toMatchObject({ status: 'pending', hintCode: 'userSign' });
    const cancel = await h.appPost(`/app/orders/${order.orderRef}`, { personal_number: PERSON, action: 'cancel' });
    expect(cancel.body).toMatchObject({ status: 'failed', hint_code: 'userCancel' });
    expect(await h.client.collect(order.orderRef)).toMatchObject({ status: 'failed', hintCode: 'userCancel' });
  });

  it('fails startFailed when nobody scans within 30 s', async () => {
    const order = await start();
    h.clock.advance(29_000);
    expect(await h.client.collect(order.orderRef)).toMatchObject({ status: 'pending', hintCode: 'outstandingTransaction' });
    h.clock.advance(1_000);
    expect(await h.client.collect(order.orderRef)).toMatchObject({ status: 'failed', hintCode: 'startFailed' });
  });

  it('fails expiredTransaction past the order lifetime, then forgets the order after 5 min', async () => {
    const order = await start();
    await scan(code(order, 0), 'hold');
    h.clock.advance(180_000);
    expect(await h.client.collect(order.orderRef)).toMatchObject({ status: 'failed', hintCode: 'expiredTransaction' });
    h.clock.advance(300_001);
    await expect(h.client.collect(order.orderRef)).rejects.toMatchObject({ errorCode: 'invalidParameters', details: 'No such order' });
  });

  it('keeps a complete order collectable for 3 minutes', async () => {
    const order = await start();
    await scan(code(order, 0));
    h.clock.advance(180_000);
    expect(await h.client.collect(order.orderRef)).toMatchObject({ status: 'complete' });
    h.clock.advance(1);
    await expect(h.client.collect(order.orderRef)).rejects.toMatchObject({ errorCode: 'invalidParameters' });
  });

  it('autostarts with the token and records the device address the app reports', async () => {
    const order = await h.client.auth({ endUserIp: '127.0.0.1', returnUrl: 'https://merchant.example/back#nonce=1' });
    const res = await h.appPost('/app/autostart', { auto_start_token: order.autoStartToken, personal_number: PERSON, action: 'approve', ip_address: '198.51.100.7' });
    expect(res).toMatchObject({ status: 200, body: { status: 'complete', return_url: 'https://merchant.example/back#nonce=1' } });
    const page = await h.rawRequest(`/app?autostarttoken=${order.autoStartToken}`, { method: 'GET' });
    expect(String(page.body)).toContain('Started from this device');
    expect(await h.client.collect(order.orderRef)).toMatchObject({ status: 'complete', completionData: { device: { ipAddress: '198.51.100.7' } } });
  });

  it('lists pending orders on the app page', async () => {
    const order = await h.client.sign({ endUserIp: '127.0.0.1', userVisibleData: Buffer.from('Pay 10 SEK').toString('base64') });
    const page = await h.rawRequest('/app', { method: 'GET' });
    expect(page.status).toBe(200);
    expect(String(page.body)).toContain('Pending orders');
    const list = await h.rawRequest('/app/orders', { method: 'GET' });
    expect(list.body.data).toContainEqual(expect.objectContaining({ order_ref: order.orderRef, kind: 'sign', visible_text: 'Pay 10 SEK' }));
  });
});

describe('BankID collects a final answer once by default', () => {
  it('answers invalidParameters to a second collect of a complete order', async () => {
    const strict = await startHarness();
    try {
      const order = await strict.client.auth({ endUserIp: '127.0.0.1' });
      await strict.appPost('/app/scan', { qr_data: code(order, 0), personal_number: PERSON, action: 'approve' });
      expect(await strict.client.collect(order.orderRef)).toMatchObject({ status: 'complete' });
      await expect(strict.client.collect(order.orderRef)).rejects.toMatchObject({ errorCode: 'invalidParameters' });
    } finally {
      await strict.close();
    }
  });
});
