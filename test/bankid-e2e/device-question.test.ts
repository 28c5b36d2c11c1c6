// se-bankid with device auto in real Chromium: the page asks "this device or another device?"
// before anything starts, and the BankID order starts at the answer (docs/bankid.md, "The order
// starts at the person's answer"). The simulator's start window is cut from BankID's 30 s to 3 s,
// so waiting past it is quick; a control case shows that an order started at load does fail then.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { rfaText } from '../../src/providers/bankid-se/index.js';
import { chromiumAvailable } from '../support/chromium.js';
import type { MerchantSite } from '../support/merchant-site.js';
import { bankIdShop } from './shop-world.js';
import { OffsetClock, PERSON, type BankIdWorld } from './support.js';

const START_WINDOW_MS = 3000;
const QUESTION = rfaText('RFA20', 'en');
const ANDROID_UA = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.runIf(chromiumAvailable())('se-bankid device auto: the order starts at the answer', () => {
  const world = bankIdShop({ timing: { startTimeoutMs: START_WINDOW_MS } });
  const { create, read } = world;
  let w: BankIdWorld;
  let shop: MerchantSite;
  let browser: Browser;
  let ctx: BrowserContext;
  let key: string;
  beforeAll(() => {
    ({ w, shop, browser, ctx, key } = world);
  });
  const auths = () => w.sim.calls.filter((c) => c.endpoint === 'auth').length;
  const ordersOf = (s: { redirect_url: string }) => w.sim.orders.pending().filter((o) => o.returnUrl === s.redirect_url);

  const open = (s: { redirect_url: string }, c?: BrowserContext) => world.open(s, c);

  /** The page asks, bound, with nothing started; then the person reads past the start window. */
  async function askedAndWaited(page: Page, s: { id: string; redirect_url: string }, authsBefore: number) {
    const group = page.getByRole('group', { name: QUESTION });
    await group.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await group.getByRole('button', { name: 'BankID on this device' }).isVisible()).toBe(true);
    expect(await group.getByRole('button', { name: 'BankID on another device' }).isVisible()).toBe(true);
    expect(await page.locator('#status').textContent()).toBe(QUESTION);
    expect((await w.b.broker.store.getSession(s.id))?.browser_binding, 'the page bound itself at load').not.toBeNull();
    await sleep(START_WINDOW_MS + 1500);
    expect(await read(s.id)).toMatchObject({ status: 'created', progress: null, error: null });
    expect(auths()).toBe(authsBefore);
    expect(ordersOf(s)).toEqual([]);
  }

  it('control: an order started at load (device other_device) fails start_failed after the short window', async () => {
    const s = await create({ device: 'other_device' });
    const { page } = await open(s);
    await page.waitForURL(/\/error\?/, { timeout: START_WINDOW_MS + 8000 });
    expect((await read(s.id)).error.code).toBe('start_failed');
    await page.close();
  });

  it('another device: nothing starts while the person reads past the window; the answer starts the order, the QR scan completes', async () => {
    const before = auths();
    const s = await create({ relay_state: 'late-qr' });
    const { page, codes } = await open(s);
    await askedAndWaited(page, s, before);
    await page.getByRole('button', { name: 'BankID on another device' }).click();
    await expect.poll(() => page.locator('#bankid-qr').getAttribute('src'), { timeout: 5000 }).toMatch(/^data:image\/svg\+xml/);
    await expect.poll(() => codes.length).toBeGreaterThan(0);
    expect(auths()).toBe(before + 1);
    expect(await page.locator('#status').textContent()).toBe('Start your BankID app.');
    expect((await w.app('/app/scan', { qr_data: codes.at(-1), personal_number: PERSON, action: 'approve' })).status).toBe(200);
    await page.waitForURL(/\/done\?/, { timeout: 8000 });
    expect(Object.fromEntries(new URL(page.url()).searchParams)).toEqual({ id: s.id, status: 'complete', relay_state: 'late-qr' });
    expect((await read(s.id)).result.identity.national_id.value).toBe(PERSON);
    await page.close();
  });

  it('this device: the answer starts the order and the simulated app opens through autostart and completes', async () => {
    const before = auths();
    const s = await create();
    const { page } = await open(s);
    await askedAndWaited(page, s, before);
    await page.getByRole('button', { name: 'BankID on this device' }).click();
    await page.waitForURL((u) => u.href.startsWith(`${w.sim.url}/app?autostarttoken=`), { timeout: 8000 });
    expect(auths()).toBe(before + 1);
    await page.locator('#approve-autostart').click();
    await page.waitForURL(/\/done\?/, { timeout: 10_000 });
    expect(new URL(page.url()).searchParams.get('status')).toBe('complete');
    expect((await read(s.id)).result.identity.national_id.value).toBe(PERSON);
    await page.close();
  });

  it('this device after the wait keeps the session-fixation mark: an app on another network ends it ip_mismatch', async () => {
    const s = await create();
    const { page } = await open(s);
    await askedAndWaited(page, s, auths());
    await page.getByRole('button', { name: 'BankID on this device' }).click();
    await page.waitForURL((u) => u.href.startsWith(`${w.sim.url}/app?autostarttoken=`), { timeout: 8000 });
    const token = new URL(page.url()).searchParams.get('autostarttoken');
    expect((await w.app('/app/autostart', { auto_start_token: token, personal_number: PERSON, action: 'approve', ip_address: '203.0.113.66' })).status).toBe(200);
    await expect.poll(async () => (await read(s.id)).status, { timeout: 8000 }).toBe('failed');
    expect((await read(s.id)).error.code).toBe('ip_mismatch');
    await page.close();
  });

  it('a reload after "another device" continues the same order (no second order)', async () => {
    const before = auths();
    const s = await create();
    const { page, codes } = await open(s);
    await page.getByRole('button', { name: 'BankID on another device' }).click();
    await expect.poll(() => codes.length, { timeout: 5000 }).toBeGreaterThan(0);
    const qrStartToken = codes[0].split('.')[1];
    await page.reload();
    // The order runs: the reloaded page asks again, as it always has for a started order, and may
    // now switch device; its answer goes to that same order.
    await page.getByRole('group', { name: QUESTION }).waitFor({ state: 'visible', timeout: 10_000 });
    const seen = codes.length;
    await page.getByRole('button', { name: 'BankID on another device' }).click();
    await expect.poll(() => codes.length, { timeout: 5000 }).toBeGreaterThan(seen);
    expect(codes.at(-1)!.split('.')[1]).toBe(qrStartToken);
    expect(auths()).toBe(before + 1);
    expect(ordersOf(s)).toHaveLength(1);
    expect((await w.app('/app/scan', { qr_data: codes.at(-1), personal_number: PERSON, action: 'approve' })).status).toBe(200);
    await page.waitForURL(/\/done\?/, { timeout: 8000 });
    expect((await read(s.id)).status).toBe('complete');
    await page.close();
  });

  it('a reload after "this device" goes straight to the open link of the same order', async () => {
    const before = auths();
    const s = await create();
    const { page } = await open(s);
    await page.getByRole('button', { name: 'BankID on this device' }).click();
    await page.waitForURL((u) => u.href.startsWith(`${w.sim.url}/app?autostarttoken=`), { timeout: 8000 });
    const token = new URL(page.url()).searchParams.get('autostarttoken');
    await page.goto(s.redirect_url);
    const link = page.getByRole('link', { name: 'Open BankID on this device' });
    await link.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await page.getByRole('button', { name: 'BankID on another device' }).isVisible()).toBe(false);
    expect(new URL((await link.getAttribute('href'))!).searchParams.get('autostarttoken')).toBe(token);
    expect(auths()).toBe(before + 1);
    expect((await w.app('/app/autostart', { auto_start_token: token, personal_number: PERSON, action: 'approve' })).status).toBe(200);
    await page.waitForURL(/\/done\?/, { timeout: 8000 });
    expect((await read(s.id)).status).toBe('complete');
    await page.close();
  });

  it('Android: the answer starts the order but the app opens only on a fresh tap of the button', async () => {
    const android = await browser.newContext({ ignoreHTTPSErrors: true, userAgent: ANDROID_UA, isMobile: true, hasTouch: true });
    const before = auths();
    const s = await create();
    const { page } = await open(s, android);
    await page.getByRole('button', { name: 'BankID on this device' }).tap();
    const link = page.getByRole('link', { name: 'Open BankID on this device' });
    await link.waitFor({ state: 'visible', timeout: 8000 });
    expect(auths()).toBe(before + 1);
    await sleep(1000);
    expect(page.url()).toBe(s.redirect_url);
    await link.tap();
    await page.waitForURL((u) => u.href.startsWith(`${w.sim.url}/app?autostarttoken=`), { timeout: 8000 });
    await android.close();
  });

  it('in a cross-site iframe: "this device" after the question opens the app in a new window, the frame stays', async () => {
    const s = await create({ frame_origin: shop.origin, relay_state: 'framed' });
    const page = await ctx.newPage();
    const embed = `${shop.origin}/embed?src=${encodeURIComponent(s.redirect_url)}`;
    await page.goto(embed);
    const frame = page.frameLocator('#flow');
    await frame.getByRole('group', { name: QUESTION }).waitFor({ state: 'visible', timeout: 10_000 });
    expect((await read(s.id)).status).toBe('created');
    await frame.getByRole('button', { name: 'BankID on this device' }).click();
    const link = frame.getByRole('link', { name: 'Open BankID on this device' });
    await expect.poll(() => link.getAttribute('target'), { timeout: 8000 }).toBe('_blank');
    await sleep(500);
    expect(page.url()).toBe(embed);
    expect(page.frames().find((f) => f.name() === 'flow' || f.url().startsWith(s.redirect_url))?.url()).toBe(s.redirect_url);
    const [popup] = await Promise.all([ctx.waitForEvent('page', { timeout: 8000 }), link.click()]);
    await popup.waitForURL(/autostarttoken=/, { waitUntil: 'commit', timeout: 8000 });
    const token = new URL(popup.url()).searchParams.get('autostarttoken');
    expect((await w.app('/app/autostart', { auto_start_token: token, personal_number: PERSON, action: 'approve' })).status).toBe(200);
    await expect.poll(() => page.evaluate(() => (window as any).__messages.length), { timeout: 8000 }).toBe(1);
    expect((await page.evaluate(() => (window as any).__messages))[0].data).toEqual({ type: 'idbridge.session', id: s.id, status: 'complete', relay_state: 'framed' });
    await popup.close();
    await page.close();
  });

  it('the page Cancel on the question ends failed user_cancelled, and no order was ever made', async () => {
    const before = auths();
    const s = await create();
    const { page } = await open(s);
    await page.getByRole('group', { name: QUESTION }).waitFor({ state: 'visible', timeout: 10_000 });
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.waitForURL(/\/error\?/, { timeout: 5000 });
    expect((await read(s.id)).error.code).toBe('user_cancelled');
    expect(auths()).toBe(before);
    await page.close();
  });

  it('asks in the session\'s language before anything starts (sv)', async () => {
    const s = await create({ locale: 'sv', operation: 'sign', sign: { text: 'Jag köper en cykel.' } });
    const { page } = await open(s);
    const question = rfaText('RFA20', 'sv', 'sign');
    expect(question).toMatch(/^Vill du/);
    await page.getByRole('group', { name: question }).waitFor({ state: 'visible', timeout: 10_000 });
    expect(await page.getByRole('button', { name: 'BankID på annan enhet' }).isVisible()).toBe(true);
    expect(await page.locator('#status').textContent()).toBe(question);
    expect((await read(s.id)).status).toBe('created');
    await page.close();
  });
});

describe.runIf(chromiumAvailable())('se-bankid device auto: a question never answered', () => {
  const brokerClock = new OffsetClock();
  const world = bankIdShop({ brokerClock });

  it('keeps the session created and ends it expired at expires_at, as an unopened one; the open page shows it', async () => {
    const { w, shop, browser } = world;
    const { key } = await w.b.addCustomer({ name: 'Shop', targets: [`${shop.origin}/error`] });
    const s = (await w.b.api('/v1/sessions', { method: 'POST', key, json: { method: 'se-bankid', expires_in: 60, target_error: `${shop.origin}/error` } })).body;
    const page = await (await browser.newContext()).newPage();
    await page.goto(s.redirect_url);
    await page.getByRole('group', { name: QUESTION }).waitFor({ state: 'visible', timeout: 10_000 });
    expect((await w.b.api(`/v1/sessions/${s.id}`, { key })).body.status).toBe('created');
    brokerClock.advance(61_000);
    await page.waitForURL(/\/error\?/, { timeout: 10_000 });
    expect(Object.fromEntries(new URL(page.url()).searchParams)).toEqual({ id: s.id, status: 'expired' });
    expect((await w.b.api(`/v1/sessions/${s.id}`, { key })).body).toMatchObject({ status: 'expired', error: null });
    expect(w.sim.calls.filter((c) => c.endpoint === 'auth')).toEqual([]);
    await page.context().close();
  });
});
