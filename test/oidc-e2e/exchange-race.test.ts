// A click on the frame's button while the popup's return is exchanging its code (docs/oidc.md "A
// fresh request at the click"): the click must not replace the authorization request under that
// exchange, which would throw the person's login away. The test IdP holds its token answer (the
// code is spent by then) while the page in the iframe is clicked again.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../support/chromium.js';
import { atIdp, startOidcWorld, type OidcWorld } from './world.js';

const METHOD = 'no-bankid';

describe.runIf(chromiumAvailable())('a click while the code is being exchanged', () => {
  let w: OidcWorld;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    w = await startOidcWorld('sqlite');
    browser = await launchChromium();
  }, 60_000);
  afterEach(async () => {
    w.idps.idps[METHOD]!.clear();
    await Promise.all(contexts.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await browser?.close();
    await w?.close();
  });

  const pushes = () => w.idps.idps[METHOD]!.records.filter((r) => r.path === '/request');

  /** The token endpoint's answer waits for `release`; `reached` resolves when the broker asked. */
  function holdToken(then: (body: unknown) => unknown = (body) => body) {
    let reached!: () => void;
    let release!: () => void;
    const asked = new Promise<void>((r) => (reached = r));
    const released = new Promise<void>((r) => (release = r));
    w.idps.idps[METHOD]!.tamper.set('/token', async (body) => {
      reached();
      await released;
      return then(body);
    });
    return { asked, release };
  }

  /** The merchant's page with the workflow page in a cross-site iframe; its first click opens the popup. */
  async function framedAtIdp() {
    const s = await w.create(METHOD, { frame_origin: w.shop.origin });
    const ctx = await browser.newContext();
    contexts.push(ctx);
    const page = await ctx.newPage();
    await page.goto(`${w.shop.origin}/embed?src=${encodeURIComponent(s.redirect_url)}`);
    const frame = page.frameLocator('#flow');
    await frame.locator('#go').waitFor({ state: 'visible' });
    const [popup] = await Promise.all([ctx.waitForEvent('page'), frame.locator('#go').click()]);
    await popup.waitForURL((u) => u.origin === w.idps.idps[METHOD]!.url);
    return { s, ctx, page, frame, popup };
  }

  /** Clicks the frame's button again; the answer to its POST /go, and whether it came within `ms`. */
  async function clickAgain(page: Page, frame: ReturnType<Page['frameLocator']>, ms: number) {
    // Passed through by hand, so its body stays readable after the frame has moved on.
    let answered!: (a: { status: number; body: any }) => void;
    const answer = new Promise<{ status: number; body: any }>((r) => (answered = r));
    await page.route('**/go', async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      const res = await route.fetch();
      answered({ status: res.status(), body: await res.json() });
      await route.fulfill({ response: res });
    });
    await frame.locator('#go').click();
    const early = await Promise.race([answer.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), ms))]);
    return { answer, early };
  }

  async function messages(page: Page): Promise<any[]> {
    return page.evaluate(() => (window as any).__messages.map((m: MessageEvent) => m.data));
  }

  it('the click waits for the exchange; the login completes and the click writes nothing', async () => {
    const { s, page, frame, popup } = await framedAtIdp();
    const before = await w.read(s.id);
    const hold = holdToken();
    // Not awaited: its click waits for the popup's navigation, which the held exchange holds up.
    const loggedIn = atIdp(popup);
    await hold.asked; // the popup's return claimed the cookie and is exchanging the code now
    const click = await clickAgain(page, frame, 2000);
    // Before the fix the click answered at once with a fresh request (a second push), and the
    // exchange's write then failed against the replaced provider state.
    expect(click.early).toBe(false);
    expect(pushes()).toHaveLength(1);
    hold.release();
    await loggedIn;
    const go = await click.answer;
    expect(go.status).toBe(409);
    expect(go.body.code).toBe('session_final');
    const read = await w.read(s.id);
    expect(read).toMatchObject({ status: 'complete', version: before.version + 1, error: null });
    expect(read.result.identity.national_id.value).toBe('01017012345');
    expect(pushes()).toHaveLength(1);
    // The frame still hears of the end and moves on; the merchant page gets its one message.
    await expect.poll(() => messages(page)).toEqual([{ type: 'idbridge.session', id: s.id, status: 'complete', relay_state: 'cart-7' }]);
    await expect.poll(() => page.frames().find((f) => f.url().includes('/done'))?.url() ?? '').toContain(`/done?id=${s.id}&status=complete`);
  });

  it('an exchange that ends without an outcome (token endpoint 5xx) lets the waiting click build a fresh request, which completes', async () => {
    const { s, ctx, page, frame, popup } = await framedAtIdp();
    const before = await w.read(s.id);
    const hold = holdToken(() => {
      throw new Error('the token endpoint fell over');
    });
    const loggedIn = atIdp(popup);
    await hold.asked;
    const opened = ctx.waitForEvent('page');
    const click = await clickAgain(page, frame, 2000);
    expect(click.early).toBe(false);
    expect(pushes()).toHaveLength(1);
    w.idps.idps[METHOD]!.tamper.delete('/token');
    hold.release();
    await loggedIn;
    const go = await click.answer;
    expect(go.status).toBe(200);
    expect(go.body.url).toMatch(/\/go\/[\w-]{20,}$/);
    expect(pushes()).toHaveLength(2); // rebuilt after the exchange had ended
    const rebuilt = await w.read(s.id);
    expect(rebuilt).toMatchObject({ status: 'pending', version: before.version + 1, error: null });
    const second = await opened;
    // The IdP may remember the login (its own session) and send the popup straight back, which then
    // closes itself: whichever comes first, the login page or the completion, neither may throw.
    const complete = async () => (await w.read(s.id)).status === 'complete';
    const completed = (async () => {
      for (let i = 0; i < 200; i++) {
        if (await complete()) return 'complete';
        await new Promise((r) => setTimeout(r, 100));
      }
      return 'timeout';
    })().catch(() => 'error');
    const shown = second.getByRole('button', { name: 'Log in' }).waitFor({ timeout: 20_000 }).then(() => 'login', () => 'gone');
    if ((await Promise.race([completed, shown])) === 'login') await atIdp(second);
    await expect.poll(complete, { timeout: 20_000 }).toBe(true);
    await expect.poll(() => messages(page)).toEqual([{ type: 'idbridge.session', id: s.id, status: 'complete', relay_state: 'cart-7' }]);
    expect((await w.read(s.id)).result.identity.national_id.value).toBe('01017012345');
  });
});
