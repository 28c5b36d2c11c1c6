// The demo flow in real Chromium: full page and inside a cross-site iframe (API.md §4, §8).
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type TestBroker } from '../support/broker.js';
import { chromiumAvailable, launchChromium } from '../support/chromium.js';
import { startMerchantSite, type MerchantSite } from '../support/merchant-site.js';

describe.runIf(chromiumAvailable())('demo flow in Chromium', () => {
  let b: TestBroker;
  let shop: MerchantSite;
  let browser: Browser;
  let key: string;

  beforeAll(async () => {
    shop = await startMerchantSite();
    b = await startBroker('sqlite');
    key = (await b.addCustomer({ name: 'Browser shop', targets: [`${shop.origin}/done`, `${shop.origin}/error`], frame_origins: [shop.origin] })).key;
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await b?.close();
    await shop?.close();
  });

  const create = async (extra: Record<string, unknown> = {}) =>
    (await b.api('/v1/sessions', { method: 'POST', key, json: { method: 'demo', target: `${shop.origin}/done`, target_error: `${shop.origin}/error`, relay_state: 'cart-1', ...extra } })).body;

  it('runs as a full page: Approve lands on target and the read has the identity', async () => {
    const s = await create();
    const page = await browser.newPage();
    await page.goto(s.redirect_url);
    await expect.poll(() => page.locator('#approve').isEnabled()).toBe(true);
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.waitForURL(/\/done\?/);
    const landed = new URL(page.url());
    expect(Object.fromEntries(landed.searchParams)).toEqual({ id: s.id, status: 'complete', relay_state: 'cart-1' });
    const read = await b.api(`/v1/sessions/${s.id}`, { key });
    expect(read.body.status).toBe('complete');
    expect(read.body.result.identity.full_name).toBe('Astrid Lindqvist');
    await page.close();
  });

  it('runs inside a cross-site iframe: posts to the frame origin, then navigates the frame only', async () => {
    const s = await create({ frame_origin: shop.origin });
    const page = await browser.newPage();
    await page.goto(`${shop.origin}/embed?src=${encodeURIComponent(s.redirect_url)}`);
    const frame = page.frameLocator('#flow');
    await expect.poll(() => frame.locator('#approve').isEnabled()).toBe(true);
    await frame.getByLabel(/Ingrid Holm/).check();
    await frame.getByRole('button', { name: 'Approve' }).click();
    await expect.poll(() => page.evaluate(() => (window as any).__messages.length)).toBe(1);
    const [msg] = await page.evaluate(() => (window as any).__messages);
    expect(msg.origin).toBe(new URL(s.redirect_url).origin);
    expect(msg.data).toEqual({ type: 'idbridge.session', id: s.id, status: 'complete', relay_state: 'cart-1' });
    await expect.poll(() => page.frames().find((f) => f.url().includes('/done'))?.url() ?? '').toContain(`/done?id=${s.id}&status=complete`);
    expect(page.url()).toContain('/embed'); // top was not navigated
    expect((await b.api(`/v1/sessions/${s.id}`, { key })).body.result.identity.first_name).toBe('Ingrid');
    await page.close();
  });

  it('Cancel ends failed and goes to target_error', async () => {
    const s = await create();
    const page = await browser.newPage();
    await page.goto(s.redirect_url);
    await expect.poll(() => page.locator('#cancel').isEnabled()).toBe(true);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.waitForURL(/\/error\?/);
    expect(new URL(page.url()).searchParams.get('status')).toBe('failed');
    expect((await b.api(`/v1/sessions/${s.id}`, { key })).body.error.code).toBe('user_cancelled');
    await page.close();
  });

  it('refuses a second browser after the first one bound the page', async () => {
    const s = await create();
    const first = await browser.newContext();
    const p1 = await first.newPage();
    await p1.goto(s.redirect_url);
    await expect.poll(() => p1.locator('#approve').isEnabled()).toBe(true);
    const second = await browser.newContext();
    const p2 = await second.newPage();
    await p2.goto(s.redirect_url);
    await expect.poll(() => p2.locator('#status').textContent()).toContain('another browser');
    expect(await p2.locator('#approve').isDisabled()).toBe(true);
    await first.close();
    await second.close();
  });
});
