// API.md §4 "Results in the browser": "Provider steps that refuse framing (an OIDC provider's login,
// a BankID app start) open top-level or in a popup on the person's click." Through `idbridge dev`
// and its OIDC test IdPs in Chromium: the workflow page in a cross-site iframe (merchant on
// `localhost`, broker on 127.0.0.1), the provider button opens the IdP's login in a new window on
// the click and never inside the frame; after the login the frame posts its message to the parent
// and navigates itself to target, the merchant's page staying where it is. (Full page: the IdP opens
// top-level, s3-oidc-dev.test.ts.)
import { beforeAll, describe, expect, it } from 'vitest';
import type { MerchantSite } from './harness/chromium.js';
import { dialects } from './harness/databases.js';
import type { Dev } from './harness/dev.js';
import type { Api } from './harness/http.js';
import { logInAtIdp } from './harness/oidc-idp.js';
import { oidcDevWorld } from './harness/oidc-dev-world.js';

const DIALECTS = await dialects();
const METHODS = ['no-bankid', 'dk-mitid', 'fi-ftn'] as const;


describe.each(DIALECTS)('API.md §4 OIDC provider steps from a cross-site iframe, idbridge dev (%s)', (dialect) => {
  const w = oidcDevWorld(dialect, 'Framing Shop', { frame: true });
  let dev: Dev;
  let api: Api;
  let target: string;
  let merchant: MerchantSite;
  beforeAll(() => {
    ({ dev, api, target, merchant } = w);
  });

  for (const method of METHODS) {
    it(`${method}: the provider button opens the IdP in a new window, not in the frame; the frame then moves on`, async () => {
      const idpOrigin = new URL(dev.idps[method]).origin;
      expect(new URL(dev.url).hostname).not.toBe(new URL(merchant.origin).hostname); // cross-site
      const s = await api.create({ method, target, relay_state: `framed-${method}`, frame_origin: merchant.origin });
      const ctx = await w.newContext();
      const page = await ctx.newPage();
      const embedUrl = `${merchant.origin}/embed?src=${encodeURIComponent(s.redirect_url)}`;
      // Every document the IdP serves, and in which frame: none may load inside the merchant's page.
      const idpInPage: string[] = [];
      page.on('framenavigated', (f) => {
        if (f.url().startsWith(idpOrigin)) idpInPage.push(f.url());
      });
      await page.goto(embedUrl);
      const frame = (await (await page.waitForSelector('#eid')).contentFrame())!;
      const go = frame.getByRole('button', { name: /^Continue to / });
      await go.waitFor({ state: 'visible', timeout: 15_000 });
      const [popup] = await Promise.all([ctx.waitForEvent('page', { timeout: 10_000 }), go.click()]);
      await popup.waitForURL((u) => u.origin === idpOrigin, { timeout: 15_000 });
      expect(frame.url()).toBe(s.redirect_url);
      expect(page.url()).toBe(embedUrl);
      expect(idpInPage).toEqual([]);
      await logInAtIdp(popup);
      await page.waitForFunction(() => (window as any).messages.length > 0, undefined, { timeout: 20_000 });
      expect(await page.evaluate(() => (window as any).messages)).toEqual([
        { origin: new URL(dev.url).origin, data: { type: 'idbridge.session', id: s.id, status: 'complete', relay_state: `framed-${method}` } },
      ]);
      await expect.poll(() => page.frames().some((f) => f.url().startsWith(`${target}?`)), { timeout: 10_000 }).toBe(true);
      expect(page.url()).toBe(embedUrl);
      expect(idpInPage).toEqual([]);
      expect((await api.read(s.id)).result.identity.provider).toBe(method);
    }, 60_000);
  }
});
