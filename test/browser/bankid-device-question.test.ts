// The se-bankid device question on a phone and from the keyboard, in real Chromium. It shows
// before any order exists (docs/bankid.md), so a stand-in provider that only counts starts is
// enough here; the real simulator drives the whole flow in test/bankid-e2e/device-question.test.ts.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rfaText } from '../../src/providers/bankid-se/index.js';
import type { Provider } from '../../src/providers/contract.js';
import { startBroker, type TestBroker } from '../support/broker.js';
import { chromiumAvailable, launchChromium } from '../support/chromium.js';

const PHONE = { viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

describe.runIf(chromiumAvailable())('se-bankid device question in Chromium', () => {
  let b: TestBroker;
  let browser: Browser;
  const starts: string[] = [];
  const bankIdLike: Provider = {
    method: 'se-bankid',
    operations: ['authenticate', 'sign'],
    flows: ['browser'],
    async start(ctx) {
      starts.push(ctx.session_id);
      return { kind: 'pending', state: { started: true }, progress: null };
    },
    async cancel() {},
  };

  beforeAll(async () => {
    b = await startBroker('sqlite', { providers: [bankIdLike] });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await b?.close();
  });

  it('on a phone (sv): named group, 44 px buttons, no sideways scroll, nothing started until the answer', async () => {
    const s = (await b.api('/v1/sessions', { method: 'POST', json: { method: 'se-bankid', locale: 'sv' } })).body;
    const ctx = await browser.newContext(PHONE);
    const page = await ctx.newPage();
    await page.goto(s.redirect_url);
    const group = page.getByRole('group', { name: rfaText('RFA20', 'sv') });
    await group.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await page.locator('#status').getAttribute('role')).toBe('status');
    expect(await page.locator('#status').textContent()).toBe(rfaText('RFA20', 'sv'));
    for (const name of ['BankID på den här enheten', 'BankID på annan enhet', 'Avbryt']) {
      const box = (await page.getByRole('button', { name }).boundingBox())!;
      expect(box.width, name).toBeGreaterThanOrEqual(44);
      expect(box.height, name).toBeGreaterThanOrEqual(44);
      expect(box.x + box.width, name).toBeLessThanOrEqual(375);
    }
    const o = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, inner: window.innerWidth }));
    expect(o.scroll).toBeLessThanOrEqual(o.inner);
    expect(starts).not.toContain(s.id);
    await page.getByRole('button', { name: 'BankID på annan enhet' }).tap();
    await expect.poll(() => starts.filter((id) => id === s.id).length, { timeout: 5000 }).toBe(1);
    expect(await group.isVisible()).toBe(false);
    await ctx.close();
  });

  it('answers from the keyboard: Tab reaches the first answer, Enter starts once', async () => {
    const s = (await b.api('/v1/sessions', { method: 'POST', json: { method: 'se-bankid' } })).body;
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await page.goto(s.redirect_url);
    await page.getByRole('group', { name: rfaText('RFA20', 'en') }).waitFor({ state: 'visible', timeout: 10_000 });
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('BankID on this device');
    await page.keyboard.press('Enter');
    await expect.poll(() => starts.filter((id) => id === s.id).length, { timeout: 5000 }).toBe(1);
    await page.waitForTimeout(500);
    expect(starts.filter((id) => id === s.id)).toHaveLength(1);
    expect((await b.api(`/v1/sessions/${s.id}`)).body.status).toBe('pending');
    await ctx.close();
  });

  it('a start the provider cannot make yet leaves the session created and asks again', async () => {
    const flaky: Provider = { ...bankIdLike, async start() { return { kind: 'retry', after_ms: 2000, reason: 'unavailable' }; } };
    const other = await startBroker('sqlite', { providers: [flaky] });
    try {
      const s = (await other.api('/v1/sessions', { method: 'POST', json: { method: 'se-bankid' } })).body;
      const ctx = await browser.newContext();
      const page = await ctx.newPage();
      await page.goto(s.redirect_url);
      await page.getByRole('button', { name: 'BankID on another device' }).click();
      await expect.poll(() => page.locator('#status').textContent(), { timeout: 5000 }).toBe('Something went wrong. Try again.');
      expect(await page.getByRole('button', { name: 'BankID on another device' }).isVisible()).toBe(true);
      expect((await other.api(`/v1/sessions/${s.id}`)).body.status).toBe('created');
      await ctx.close();
    } finally {
      await other.close();
    }
  });

  it('a forced device whose start BankID cannot take yet is tried again, not left empty', async () => {
    let refusals = 2;
    const busy: Provider = {
      ...bankIdLike,
      async start(ctx) {
        if (refusals-- > 0) return { kind: 'retry', after_ms: 2000, reason: 'unavailable' };
        return bankIdLike.start(ctx);
      },
    };
    const other = await startBroker('sqlite', { providers: [busy] });
    try {
      const s = (await other.api('/v1/sessions', { method: 'POST', json: { method: 'se-bankid', device: 'other_device' } })).body;
      const ctx = await browser.newContext();
      const page = await ctx.newPage();
      await page.goto(s.redirect_url);
      await expect.poll(() => page.locator('#status').textContent(), { timeout: 5000 }).toBe('Something went wrong. Try again.');
      // two refusals, then the page's own retries (3 s apart) start the order
      await expect.poll(async () => (await other.api(`/v1/sessions/${s.id}`)).body.status, { timeout: 15_000, interval: 250 }).toBe('pending');
      expect(starts.filter((id) => id === s.id)).toHaveLength(1);
      await ctx.close();
    } finally {
      await other.close();
    }
  }, 30_000);
});
