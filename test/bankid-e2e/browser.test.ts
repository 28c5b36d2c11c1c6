// se-bankid end to end in real Chromium (issue 3): the merchant creates a session, the page shows
// the animated QR code, the test scans it through the simulated app, the collector finishes the
// session server-side, and the browser lands on target. Simulator over mutual TLS; nothing mocked.
import type { BrowserContext } from 'playwright-core';
import { Webhook } from 'standardwebhooks';
import { beforeAll, describe, expect, it } from 'vitest';
import { qrSvg } from '../../src/providers/bankid-se/index.js';
import { verifySimulatorSignature } from '../../src/providers/bankid-se/simulator/index.js';
import { chromiumAvailable } from '../support/chromium.js';
import type { MerchantSite } from '../support/merchant-site.js';
import { startReceiver } from '../webhooks/support/receiver.js';
import { bankIdShop } from './shop-world.js';
import { PERSON, waitFor, type BankIdWorld } from './support.js';

describe.runIf(chromiumAvailable())('se-bankid in Chromium', () => {
  const world = bankIdShop({}, { relay_state: 'cart-9' });
  const { create, read, open } = world;
  let w: BankIdWorld;
  let shop: MerchantSite;
  let ctx: BrowserContext;
  let key: string;
  beforeAll(() => {
    ({ w, shop, ctx, key } = world);
  });

  async function showQr(s: { redirect_url: string }, choose = true) {
    const opened = await open(s);
    if (choose) await opened.page.getByRole('button', { name: 'BankID on another device' }).click();
    await expect.poll(() => opened.page.locator('#bankid-qr').getAttribute('src'), { timeout: 5000 }).toMatch(/^data:image\/svg\+xml/);
    await expect.poll(() => opened.codes.length).toBeGreaterThan(0);
    return opened;
  }

  const scan = (codes: string[], action = 'approve') => w.app('/app/scan', { qr_data: codes[codes.length - 1], personal_number: PERSON, action });

  it('asks for the device, shows a QR code that changes every second, and completes after the scan', async () => {
    const s = await create();
    const { page, codes } = await open(s);
    await expect.poll(() => page.locator('#status').textContent()).toContain('this device or with a BankID on another device');
    await page.getByRole('button', { name: 'BankID on another device' }).click();
    await expect.poll(() => page.locator('#bankid-qr').getAttribute('src')).toMatch(/^data:image\/svg\+xml/);
    expect(await page.locator('#status').textContent()).toBe('Start your BankID app.');
    const firstImage = await page.locator('#bankid-qr').getAttribute('src');
    const firstCode = codes[codes.length - 1];
    await page.waitForTimeout(1100);
    const secondImage = await page.locator('#bankid-qr').getAttribute('src');
    const secondCode = codes[codes.length - 1];
    expect(secondImage).not.toBe(firstImage);
    expect(secondCode).not.toBe(firstCode);
    // The image shown is the code the page fetched.
    expect(decodeURIComponent(secondImage!.replace(/^data:image\/svg\+xml;charset=utf-8,/, ''))).toBe(await qrSvg(secondCode));
    expect((await scan(codes)).status).toBe(200);
    await page.waitForURL(/\/done\?/, { timeout: 8000 });
    expect(Object.fromEntries(new URL(page.url()).searchParams)).toEqual({ id: s.id, status: 'complete', relay_state: 'cart-9' });
    const done = await read(s.id);
    expect(done.result.identity).toMatchObject({ provider: 'se-bankid', national_id: { value: PERSON, type: 'se_personnummer' }, full_name: expect.any(String) });
    expect(done.result.device).toEqual({ ip_address: '127.0.0.1' });
    await page.close();
  });

  it('signs (device other_device skips the question); the signature verifies', async () => {
    const s = await create({ operation: 'sign', device: 'other_device', sign: { text: 'Jag köper en cykel för 4 000 kr.' } });
    const { page, codes } = await showQr(s, false);
    expect(await page.locator('#bankid-choice').isVisible()).toBe(false);
    await scan(codes);
    await page.waitForURL(/\/done\?/, { timeout: 8000 });
    const done = await read(s.id);
    expect(verifySimulatorSignature(done.result.signature.value, w.sim.caPem)).toMatchObject({ valid: true, funcId: 'Signing', visibleText: 'Jag köper en cykel för 4 000 kr.', personalNumber: PERSON });
    await page.close();
  });

  it('starts on the same device: the simulated app opens, approves, and returns the person to the page', async () => {
    const s = await create();
    const { page } = await open(s);
    await page.getByRole('button', { name: 'BankID on this device' }).click();
    // Simulated mode: "open BankID on this device" is the simulator's app page.
    await page.waitForURL((u) => u.href.startsWith(`${w.sim.url}/app?autostarttoken=`), { timeout: 5000 });
    await page.locator('#approve-autostart').click();
    await page.waitForURL(/\/done\?/, { timeout: 10_000 });
    expect(new URL(page.url()).searchParams.get('status')).toBe('complete');
    expect((await read(s.id)).result.identity.national_id.value).toBe(PERSON);
    await page.close();
  });

  it('refuses a same-device completion from another IP (session fixation) with device same_device', async () => {
    const s = await create({ device: 'same_device' });
    const { page } = await open(s);
    const link = page.getByRole('link', { name: 'Open BankID on this device' });
    await expect.poll(() => link.getAttribute('href')).toMatch(/\/app\?autostarttoken=[0-9a-f-]{36}&redirect=/);
    expect(await page.locator('#status').textContent()).toBe('Trying to start your BankID app.');
    expect(await page.locator('#bankid-qr-box').isVisible()).toBe(false);
    const token = new URL((await link.getAttribute('href'))!).searchParams.get('autostarttoken');
    // The attacker's phone approves the victim's autostart token from elsewhere.
    expect((await w.app('/app/autostart', { auto_start_token: token, personal_number: PERSON, action: 'approve', ip_address: '203.0.113.66' })).status).toBe(200);
    await page.waitForURL(/\/error\?/, { timeout: 8000 });
    expect((await read(s.id)).error.code).toBe('ip_mismatch');
    await page.close();
  });

  it('ends failed user_cancelled when the person cancels in the app', async () => {
    const s = await create();
    const { page, codes } = await showQr(s);
    await scan(codes, 'cancel');
    await page.waitForURL(/\/error\?/, { timeout: 8000 });
    expect(new URL(page.url()).searchParams.get('status')).toBe('failed');
    expect((await read(s.id)).error).toEqual({ code: 'user_cancelled', message: 'Action cancelled.' });
    await page.close();
  });

  it('shows the RFA message of the hint, then ends expired_transaction past the order lifetime', async () => {
    const s = await create();
    const { page, codes } = await showQr(s);
    await scan(codes, 'hold');
    await expect.poll(() => page.locator('#status').textContent(), { timeout: 5000 }).toBe('Enter your security code in the BankID app and select Identify or Sign.');
    expect(await page.locator('#bankid-qr-box').isVisible()).toBe(false);
    w.clock.advance(181_000);
    await page.waitForURL(/\/error\?/, { timeout: 8000 });
    expect((await read(s.id)).error.code).toBe('expired_transaction');
    await page.close();
  });

  it('ends failed start_failed when nobody scans in time', async () => {
    const s = await create();
    const { page } = await showQr(s);
    w.clock.advance(31_000);
    await page.waitForURL(/\/error\?/, { timeout: 8000 });
    expect((await read(s.id)).error).toMatchObject({ code: 'start_failed', message: expect.stringMatching(/^Failed to scan the QR code/) });
    await page.close();
  });

  it('the page Cancel ends failed user_cancelled and cancels the order at the simulator', async () => {
    const s = await create();
    const { page, codes } = await showQr(s);
    const ref = w.sim.app.pending().find((o) => codes[0].includes(o.qrStartToken))!.orderRef;
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.waitForURL(/\/error\?/, { timeout: 5000 });
    expect((await read(s.id)).error.code).toBe('user_cancelled');
    await expect.poll(() => w.sim.orders.get(ref), { timeout: 3000 }).toBeUndefined();
    await page.close();
  });

  it('runs in a cross-site iframe: QR through the binding header, the app opens in a new window', async () => {
    const s = await create({ frame_origin: shop.origin });
    const page = await ctx.newPage();
    const codes: string[] = [];
    page.on('response', (res) => {
      if (res.url().endsWith('/bankid/qr') && res.status() === 200) res.json().then((b: { qr_data: string }) => codes.push(b.qr_data), () => undefined);
    });
    await page.goto(`${shop.origin}/embed?src=${encodeURIComponent(s.redirect_url)}`);
    const frame = page.frameLocator('#flow');
    await frame.getByRole('button', { name: 'BankID on another device' }).click();
    await expect.poll(() => frame.locator('#bankid-qr').getAttribute('src'), { timeout: 5000 }).toMatch(/^data:image\/svg\+xml/);
    await expect.poll(() => codes.length).toBeGreaterThan(0);
    await scan(codes);
    await expect.poll(() => page.evaluate(() => (window as any).__messages.length), { timeout: 8000 }).toBe(1);
    expect((await page.evaluate(() => (window as any).__messages))[0].data).toEqual({ type: 'idbridge.session', id: s.id, status: 'complete', relay_state: 'cart-9' });
    expect(page.url()).toContain('/embed');

    const same = await create({ frame_origin: shop.origin, device: 'same_device' });
    await page.goto(`${shop.origin}/embed?src=${encodeURIComponent(same.redirect_url)}`);
    const link = page.frameLocator('#flow').getByRole('link', { name: 'Open BankID on this device' });
    await expect.poll(() => link.getAttribute('target'), { timeout: 5000 }).toBe('_blank');
    await page.close();
  });

  it('completes with the browser closed right after the scan, and its webhook fires', async () => {
    const hooks = await startReceiver();
    const merchant = await w.b.addCustomer({ name: 'Hooked shop', targets: [`${shop.origin}/done`], allow_private_webhooks: true });
    const endpoint = (await w.b.api('/v1/webhook-endpoints', { method: 'POST', key: merchant.key, json: { url: hooks.url } })).body;
    const s = (await w.b.api('/v1/sessions', { method: 'POST', key: merchant.key, json: { method: 'se-bankid', device: 'other_device', target: `${shop.origin}/done` } })).body;
    const { page, codes } = await showQr(s, false);
    await scan(codes);
    await page.close();
    // Nobody reads the session: the collector completes it and the dispatcher delivers the event.
    await expect.poll(() => hooks.requests.length, { timeout: 10_000 }).toBe(1);
    const event = new Webhook(endpoint.secret).verify(hooks.requests[0].body, hooks.requests[0].headers as Record<string, string>);
    expect(event).toMatchObject({ type: 'session.completed', data: { id: s.id, status: 'complete', method: 'se-bankid' } });
    const done = await waitFor(w.b, s.id, (x) => x.status !== 'pending', merchant.key);
    expect(done).toMatchObject({ status: 'complete', result: { identity: { national_id: { value: PERSON } } } });
    await hooks.close();
  });
});
