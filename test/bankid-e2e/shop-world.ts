// What the Chromium BankID files share: a merchant site, a BankID world (broker + simulator over
// mutual TLS) with a customer whose targets are that site, one Chromium with a context that trusts
// the simulator's test CA, and the merchant's calls: create, read, and open a page while recording
// every QR code the page fetched (the page's own network).
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { launchChromium } from '../support/chromium.js';
import { startMerchantSite, type MerchantSite } from '../support/merchant-site.js';
import { startBankIdWorld, type BankIdWorld, type BankIdWorldOptions } from './support.js';

export interface BankIdShop {
  w: BankIdWorld;
  shop: MerchantSite;
  browser: Browser;
  ctx: BrowserContext;
  key: string;
  create(extra?: Record<string, unknown>): Promise<any>;
  read(id: string): Promise<any>;
  open(s: { redirect_url: string }, c?: BrowserContext): Promise<{ page: Page; codes: string[] }>;
}

/** Call inside a `describe`: registers the hooks and answers the world they fill in. */
export function bankIdShop(opts: BankIdWorldOptions = {}, defaults: Record<string, unknown> = {}): BankIdShop {
  const x = {
    async create(extra: Record<string, unknown> = {}) {
      const json = { method: 'se-bankid', target: `${x.shop.origin}/done`, target_error: `${x.shop.origin}/error`, ...defaults, ...extra };
      const r = await x.w.b.api('/v1/sessions', { method: 'POST', key: x.key, json });
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      return r.body;
    },
    async read(id: string) {
      return (await x.w.b.api(`/v1/sessions/${id}`, { key: x.key })).body;
    },
    async open(s: { redirect_url: string }, c?: BrowserContext) {
      const page = await (c ?? x.ctx).newPage();
      const codes: string[] = [];
      page.on('response', (res) => {
        if (res.url().endsWith('/bankid/qr') && res.status() === 200) res.json().then((b: { qr_data: string }) => codes.push(b.qr_data), () => undefined);
      });
      await page.goto(s.redirect_url);
      return { page, codes };
    },
  } as BankIdShop;
  beforeAll(async () => {
    x.shop = await startMerchantSite();
    x.w = await startBankIdWorld({}, opts);
    x.key = (await x.w.b.addCustomer({ name: 'BankID shop', targets: [`${x.shop.origin}/done`, `${x.shop.origin}/error`], frame_origins: [x.shop.origin] })).key;
    x.browser = await launchChromium();
    // The simulator's app page has a certificate from its own test CA.
    x.ctx = await x.browser.newContext({ ignoreHTTPSErrors: true });
  }, 30_000);
  afterAll(async () => {
    await x.browser?.close();
    await x.w?.close();
    await x.shop?.close();
  });
  return x;
}
