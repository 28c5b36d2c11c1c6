// What the two OIDC-through-dev files share: one Chromium and one merchant page per file, and per
// dialect an `idbridge dev` with a customer added by the CLI whose target is that merchant's
// /return, waited for until the running dev knows it (API.md §1: within 5 s). Contexts a test opens
// are closed after it.
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { launchChromium, MerchantSite } from './chromium.js';
import type { Dialect } from './databases.js';
import { startDev, type Dev } from './dev.js';
import type { Api } from './http.js';
import { eventually } from './processes.js';

export interface OidcDevWorld {
  browser: Browser;
  merchant: MerchantSite;
  dev: Dev;
  api: Api;
  target: string;
  /** A fresh browser context, closed after the test. */
  newContext(): Promise<BrowserContext>;
}

/** Call inside a `describe`: registers the hooks and answers the world they fill in. */
export function oidcDevWorld(dialect: Dialect, name: string, opts: { frame?: boolean } = {}): OidcDevWorld {
  const contexts: BrowserContext[] = [];
  const w = {
    async newContext() {
      const ctx = await w.browser.newContext();
      contexts.push(ctx);
      return ctx;
    },
  } as OidcDevWorld;
  beforeAll(async () => {
    [w.browser, w.merchant, w.dev] = await Promise.all([launchChromium(), new MerchantSite().start(), startDev(dialect)]);
    w.target = `${w.merchant.origin}/return`;
    const frame = opts.frame ? ['--frame-origin', w.merchant.origin] : [];
    w.api = (await w.dev.customer(['--name', name, '--target', w.target, ...frame])).api;
    const probe = { method: 'no-bankid', target: w.target, ...(opts.frame ? { frame_origin: w.merchant.origin } : {}) };
    const ready = await eventually(async () => (await w.api.post('/v1/sessions', probe)).status === 201, 8000, 250);
    if (!ready) throw new Error('the CLI customer never reached dev');
  }, 90_000);
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await w.browser?.close();
    await w.merchant?.close();
    await w.dev?.stop();
  });
  return w;
}
