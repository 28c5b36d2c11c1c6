// API.md §4 "Results in the browser": the workflow page shows the customer's display name; it
// works as a full page and in an iframe on a registered frame origin (CSP frame-ancestors lists
// exactly those, or 'none'); at the end it navigates to target/target_error with id, status and
// relay_state only; inside an iframe it first posts {type:"idbridge.session",id,status,relay_state}
// to the session's frame_origin (else each registered one), never '*', and navigates the frame,
// never top; the page binds to the first browser whose script talks to the broker, a plain GET
// binds nothing, and a second browser is refused; a provider step that refuses framing (a BankID
// app start) opens top-level on the click, not in the frame (OIDC: s4-oidc-dev-frame.test.ts).
import type { Browser, Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERSON, simCall, startSimulator, type Simulator } from './harness/bankid.js';
import { launchChromium, MerchantSite } from './harness/chromium.js';
import { dialects } from './harness/databases.js';
import { PageClient } from './harness/flow.js';
import { request } from './harness/http.js';
import { sleep } from './harness/processes.js';
import { at, startStack, type Customer, type Stack } from './harness/stack.js';

const DIALECTS = await dialects();
const NAME = 'Browser & Söner AB';

let browser: Browser;
let merchant: MerchantSite;
let otherSite: MerchantSite;
let sim: Simulator;
beforeAll(async () => {
  [browser, merchant, otherSite, sim] = await Promise.all([launchChromium(), new MerchantSite().start(), new MerchantSite().start(), startSimulator()]);
});
afterAll(async () => {
  await browser?.close();
  await sim?.stop();
  await merchant?.close();
  await otherSite?.close();
});

function frameAncestors(csp: string | null): string[] | null {
  const d = (csp ?? '').split(';').map((x) => x.trim()).find((x) => x.startsWith('frame-ancestors'));
  return d ? d.split(/\s+/).slice(1) : null;
}

function query(url: string): Record<string, string> {
  return Object.fromEntries(new URL(url).searchParams);
}

describe.each(DIALECTS)('API.md §4 results in the browser (%s)', (dialect) => {
  let stack: Stack;
  let shop: Customer;
  let plain: Customer;
  let target: string;
  let targetError: string;

  beforeAll(async () => {
    stack = await startStack(dialect, {
      serveEnv: { IDBRIDGE_BANKID_ENV: 'simulated', IDBRIDGE_BANKID_URL: sim.rpUrl, IDBRIDGE_BANKID_CA: `${sim.dir}/ca.pem` },
    });
    target = `${merchant.origin}/return`;
    targetError = `${merchant.origin}/error`;
    [shop, plain] = (await Promise.all([
      stack.customer({ name: NAME, targets: [target, targetError], frameOrigins: [merchant.origin, otherSite.origin] }),
      stack.customer({ name: 'No Frames', targets: [target] }),
    ])).map((c) => at(c, stack.url));
  });
  afterAll(() => stack?.stop());

  async function newPage(): Promise<Page> {
    const ctx = await browser.newContext();
    return ctx.newPage();
  }

  it('the page shows the customer\'s display name; CSP frame-ancestors lists exactly the registered frame origins, else \'none\'', async () => {
    const s = await shop.api.create({ method: 'demo', target });
    const page = await request(s.redirect_url);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.text).toContain('Browser &amp; Söner AB');
    expect(frameAncestors(page.headers.get('content-security-policy'))?.sort()).toEqual([merchant.origin, otherSite.origin].sort());
    const p = await plain.api.create({ method: 'demo', target });
    expect(frameAncestors((await request(p.redirect_url)).headers.get('content-security-policy'))).toEqual(["'none'"]);
    // The page itself carries no personal data of the test people or of the session.
    expect(page.text).not.toContain(s.id);
  });

  it('a plain GET (a link scanner) binds nothing: the first scripted browser still binds and completes', async () => {
    const s = await shop.api.create({ method: 'demo', target });
    for (let i = 0; i < 2; i++) expect((await request(s.redirect_url, { headers: { 'user-agent': 'LinkScanner/1.0' } })).status).toBe(200);
    const client = new PageClient(s.redirect_url);
    expect((await client.bind()).status).toBe(200);
    await client.start();
    await client.approve(0);
    expect((await shop.api.read(s.id)).status).toBe('complete');
  });

  it('a second browser after the binding is refused and changes nothing', async () => {
    const s = await shop.api.create({ method: 'demo', target });
    const first = new PageClient(s.redirect_url);
    expect((await first.bind()).status).toBe(200);
    expect((await first.start()).status).toBe(200);
    const second = new PageClient(s.redirect_url);
    const refused = await second.bind();
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(refused.status).toBeLessThan(500);
    expect(refused.text).not.toMatch(/"binding"/);
    for (const r of [await second.start(), await second.cancel(), await second.approve(1)]) expect(r.status).toBeGreaterThanOrEqual(400);
    expect((await shop.api.read(s.id)).status).toBe('pending');
    await first.approve(0);
    expect((await shop.api.read(s.id)).status).toBe('complete');
  });

  it('a second real browser opening the bound page is refused (Chromium, two contexts)', async () => {
    const s = await shop.api.create({ method: 'demo' });
    const a = await newPage();
    await a.goto(s.redirect_url);
    await a.getByRole('button', { name: 'Approve' }).waitFor({ state: 'visible' });
    const b = await newPage();
    await b.goto(s.redirect_url);
    await sleep(1500);
    expect(await b.getByRole('button', { name: 'Approve' }).isVisible()).toBe(false);
    await a.getByRole('button', { name: 'Approve' }).click();
    await a.waitForFunction(() => !document.querySelector('#step-demo:not([hidden])'));
    expect((await shop.api.read(s.id)).status).toBe('complete');
    await a.context().close();
    await b.context().close();
  });

  it('full page: at the end it navigates to target?id&status&relay_state, nothing else', async () => {
    const s = await shop.api.create({ method: 'demo', target, target_error: targetError, relay_state: 'order 1&2' });
    const page = await newPage();
    await page.goto(s.redirect_url);
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.waitForURL((u) => u.toString().startsWith(target), { timeout: 10_000 });
    expect(query(page.url())).toEqual({ id: s.id, status: 'complete', relay_state: 'order 1&2' });
    expect(page.url().startsWith(`${target}?`)).toBe(true);
    const read = await shop.api.read(s.id);
    expect(page.url()).not.toContain(read.result.identity.last_name);
    expect(page.url()).not.toContain(read.result.identity.national_id.value);
    await page.context().close();
  });

  it('not complete: it navigates to target_error; without relay_state the parameter is left out', async () => {
    const s = await shop.api.create({ method: 'demo', target, target_error: targetError });
    const page = await newPage();
    await page.goto(s.redirect_url);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.waitForURL((u) => u.toString().startsWith(targetError), { timeout: 10_000 });
    expect(query(page.url())).toEqual({ id: s.id, status: 'failed' });
    await page.context().close();
  });

  it('without target_error a failure goes to target; with no target the page shows its own final screen', async () => {
    const s = await shop.api.create({ method: 'demo', target });
    const page = await newPage();
    await page.goto(s.redirect_url);
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.waitForURL((u) => u.toString().startsWith(target), { timeout: 10_000 });
    expect(query(page.url())).toEqual({ id: s.id, status: 'failed' });
    const none = await shop.api.create({ method: 'demo' });
    await page.goto(none.redirect_url);
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.waitForFunction(() => document.querySelectorAll('.step:not([hidden])').length === 0, undefined, { timeout: 10_000 });
    await sleep(500);
    expect(page.url()).toBe(none.redirect_url);
    expect((await shop.api.read(none.id)).status).toBe('complete');
    await page.context().close();
  });

  async function embed(s: { redirect_url: string }): Promise<{ page: Page; frame: Frame }> {
    const page = await newPage();
    await page.goto(`${merchant.origin}/embed?src=${encodeURIComponent(s.redirect_url)}`);
    const handle = await page.waitForSelector('#eid');
    const frame = (await handle.contentFrame())!;
    await frame.getByRole('button', { name: 'Approve' }).waitFor({ state: 'visible', timeout: 10_000 });
    return { page, frame };
  }

  it('iframe: posts {type, id, status, relay_state} to the parent at the session\'s frame_origin, then navigates the frame (never top)', async () => {
    const s = await shop.api.create({ method: 'demo', target, relay_state: 'framed', frame_origin: merchant.origin });
    const { page, frame } = await embed(s);
    await frame.getByRole('button', { name: 'Approve' }).click();
    await page.waitForFunction(() => (window as any).messages.length > 0, undefined, { timeout: 10_000 });
    const messages = await page.evaluate(() => (window as any).messages);
    expect(messages).toEqual([{ origin: new URL(stack.url).origin, data: { type: 'idbridge.session', id: s.id, status: 'complete', relay_state: 'framed' } }]);
    await page.waitForFunction((t) => (document.getElementById('eid') as HTMLIFrameElement).contentWindow!.location.href.startsWith(t), target, { timeout: 10_000 }).catch(() => undefined);
    expect(page.frames().some((f) => f.url().startsWith(`${target}?`))).toBe(true);
    expect(page.url()).toBe(`${merchant.origin}/embed?src=${encodeURIComponent(s.redirect_url)}`);
    await page.context().close();
  });

  it('iframe: a message addressed to another registered origin never reaches this parent (not \'*\')', async () => {
    const s = await shop.api.create({ method: 'demo', target, frame_origin: otherSite.origin });
    const { page, frame } = await embed(s);
    await frame.getByRole('button', { name: 'Approve' }).click();
    await page.waitForFunction(() => [...document.querySelectorAll('iframe')].length === 1 && (window as any).messages !== undefined);
    await sleep(2500);
    expect(await page.evaluate(() => (window as any).messages)).toEqual([]);
    expect((await shop.api.read(s.id)).status).toBe('complete');
    await page.context().close();
  });

  it('iframe without frame_origin: the message goes to each registered frame origin, so a registered parent receives it', async () => {
    const s = await shop.api.create({ method: 'demo', target });
    const { page, frame } = await embed(s);
    await frame.getByRole('button', { name: 'Cancel' }).click();
    await page.waitForFunction(() => (window as any).messages.length > 0, undefined, { timeout: 10_000 });
    const messages = await page.evaluate(() => (window as any).messages);
    expect(messages).toEqual([{ origin: new URL(stack.url).origin, data: { type: 'idbridge.session', id: s.id, status: 'failed', relay_state: null } }]);
    await page.context().close();
  });

  it('a customer without frame origins cannot be framed (CSP \'none\' is enforced by the browser)', async () => {
    const s = await plain.api.create({ method: 'demo', target });
    const page = await newPage();
    await page.goto(`${merchant.origin}/embed?src=${encodeURIComponent(s.redirect_url)}`);
    await sleep(2000);
    const frame = page.frames().find((f) => f !== page.mainFrame());
    const approve = frame ? await frame.getByRole('button', { name: 'Approve' }).isVisible().catch(() => false) : false;
    expect(approve).toBe(false);
    // Nothing bound: the page still works as a full page.
    const full = await newPage();
    await full.goto(s.redirect_url);
    await full.getByRole('button', { name: 'Approve' }).click();
    await full.waitForURL((u) => u.toString().startsWith(target), { timeout: 10_000 });
    await page.context().close();
    await full.context().close();
  });

  it('locale sets the page language', async () => {
    for (const [locale, lang] of [['en', 'en'], ['sv', 'sv'], ['nb', 'nb'], ['da', 'da'], ['fi', 'fi']]) {
      const s = await shop.api.create({ method: 'se-bankid', target, locale });
      expect((await request(s.redirect_url)).text).toMatch(new RegExp(`<html[^>]* lang="${lang}"`));
    }
    const sv = await shop.api.create({ method: 'se-bankid', target, locale: 'sv' });
    const page = await newPage();
    await page.goto(sv.redirect_url);
    await page.getByRole('button', { name: 'BankID på annan enhet' }).waitFor({ state: 'visible', timeout: 10_000 });
    await page.context().close();
  });

  it('device: auto asks same or other device; other_device skips to the animated QR; same_device skips to opening the app', async () => {
    const auto = await shop.api.create({ method: 'se-bankid', target });
    const page = await newPage();
    await page.goto(auto.redirect_url);
    await page.getByRole('button', { name: 'BankID on another device' }).waitFor({ state: 'visible', timeout: 10_000 });
    expect(await page.getByRole('button', { name: 'BankID on this device' }).isVisible()).toBe(true);
    const other = await shop.api.create({ method: 'se-bankid', target, device: 'other_device' });
    await page.goto(other.redirect_url);
    await page.getByRole('img', { name: 'Open the BankID app and scan the QR code.' }).waitFor({ state: 'visible', timeout: 10_000 });
    expect(await page.getByRole('button', { name: 'BankID on another device' }).isVisible()).toBe(false);
    const same = await shop.api.create({ method: 'se-bankid', target, device: 'same_device' });
    await page.goto(same.redirect_url);
    await page.getByText('Open BankID on this device').waitFor({ state: 'visible', timeout: 10_000 });
    expect(await page.getByRole('button', { name: 'BankID on another device' }).isVisible()).toBe(false);
    expect(await page.getByRole('img', { name: 'Open the BankID app and scan the QR code.' }).isVisible()).toBe(false);
    await page.context().close();
  });

  it('iframe, BankID on this device: "Open BankID on this device" opens the app in a new top-level window on the click, never inside the frame; the frame then moves on', async () => {
    const s = await shop.api.create({ method: 'se-bankid', target, device: 'same_device', relay_state: 'framed-app', frame_origin: merchant.origin });
    // The simulated app's page (the link's target in simulated mode) is HTTPS under the simulator's own CA.
    const page = await (await browser.newContext({ ignoreHTTPSErrors: true })).newPage();
    const embedUrl = `${merchant.origin}/embed?src=${encodeURIComponent(s.redirect_url)}`;
    await page.goto(embedUrl);
    const frame = (await (await page.waitForSelector('#eid')).contentFrame())!;
    const open = frame.getByRole('link', { name: 'Open BankID on this device' });
    await open.waitFor({ state: 'visible', timeout: 10_000 });
    const framesBefore = page.frames().length;
    const [popup] = await Promise.all([page.context().waitForEvent('page', { timeout: 10_000 }), open.click()]);
    await popup.waitForURL(/autostarttoken=/, { waitUntil: 'commit', timeout: 10_000 });
    // The app's start went to the new window; the frame and the merchant's page stayed where they were.
    const launched = new URL(popup.url());
    const token = launched.searchParams.get('autostarttoken');
    expect(token, popup.url()).toBeTruthy();
    expect(frame.url()).toBe(s.redirect_url);
    expect(page.url()).toBe(embedUrl);
    expect(page.frames()).toHaveLength(framesBefore);
    // The app approves; the page in the frame sees it, posts its message and navigates the frame.
    const app = await simCall(sim, 'POST', '/app/autostart', { auto_start_token: token, personal_number: PERSON, action: 'approve' });
    expect(app.status, app.text).toBe(200);
    await page.waitForFunction(() => (window as any).messages.length > 0, undefined, { timeout: 15_000 });
    expect(await page.evaluate(() => (window as any).messages)).toEqual([{ origin: new URL(stack.url).origin, data: { type: 'idbridge.session', id: s.id, status: 'complete', relay_state: 'framed-app' } }]);
    await expect.poll(() => page.frames().some((f) => f.url().startsWith(`${target}?`)), { timeout: 10_000 }).toBe(true);
    expect(page.url()).toBe(embedUrl);
    await page.context().close();
  });

  it('a whole BankID browser flow (QR on another device) ends at target with id, status and relay_state', async () => {
    const before = new Set(((await simCall(sim, 'GET', '/app/orders')).body.data as any[]).map((o) => o.order_ref));
    const s = await shop.api.create({ method: 'se-bankid', target, device: 'other_device', relay_state: 'bankid-1' });
    const page = await newPage();
    await page.goto(s.redirect_url);
    await page.getByRole('img', { name: 'Open the BankID app and scan the QR code.' }).waitFor({ state: 'visible', timeout: 10_000 });
    const order = ((await simCall(sim, 'GET', '/app/orders')).body.data as any[]).find((o) => !before.has(o.order_ref));
    expect(order).toBeTruthy();
    expect((await simCall(sim, 'POST', `/app/orders/${order.order_ref}`, { personal_number: PERSON, action: 'approve' })).status).toBe(200);
    await page.waitForURL((u) => u.toString().startsWith(target), { timeout: 15_000 });
    expect(query(page.url())).toEqual({ id: s.id, status: 'complete', relay_state: 'bankid-1' });
    expect(page.url()).not.toContain(PERSON);
    expect((await shop.api.read(s.id)).result.identity.national_id.value).toBe(PERSON);
    await page.context().close();
  });
});
