// Every failure of issue 5 through the real broker flow in Chromium (API.md §3): the person cancels,
// too low a level, a tampered token, a refused code exchange fail the session with their own code;
// a token endpoint's 5xx leaves it pending for another try; a replayed, foreign or other-browser
// callback and a callback for a finished session change nothing (docs/oidc.md "Failures").
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../support/chromium.js';
import { atIdp, continueToProvider, startOidcWorld, type OidcWorld } from './world.js';

function tamperSegment(token: string, index: number): string {
  const parts = token.split('.');
  const seg = parts[index];
  const at = Math.floor(seg.length / 2);
  parts[index] = seg.slice(0, at) + (seg[at] === 'A' ? 'B' : 'A') + seg.slice(at + 1);
  return parts.join('.');
}

describe.runIf(chromiumAvailable())('OIDC failures through the broker', () => {
  let w: OidcWorld;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    w = await startOidcWorld('sqlite');
    browser = await launchChromium();
  }, 60_000);
  afterEach(async () => {
    for (const idp of Object.values(w.idps.idps)) idp.clear(); // records and tamper hooks
    await Promise.all(contexts.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await browser?.close();
    await w?.close();
  });

  async function toIdp(method: 'no-bankid' | 'dk-mitid' | 'fi-ftn', extra: Record<string, unknown> = {}) {
    const s = await w.create(method, extra);
    const ctx = await browser.newContext();
    contexts.push(ctx);
    const page = await ctx.newPage();
    await page.goto(s.redirect_url);
    await continueToProvider(page);
    await page.waitForURL((u) => u.origin === w.idps.idps[method]!.url);
    return { s, ctx, page };
  }

  /**
   * Logs in at the IdP but holds the browser's way back and returns the callback URL it was sent to.
   * Redirects are not routable, so the login POST is replayed by hand (with the context's cookies)
   * until the IdP answers with the redirect to the broker.
   */
  async function holdCallback(page: Page, choice: Parameters<typeof atIdp>[1] = {}): Promise<string> {
    let release!: (url: string) => void;
    const held = new Promise<string>((r) => (release = r));
    await page.route('**/interaction/*/login', async (route) => {
      let res = await route.fetch({ maxRedirects: 0 });
      let next = new URL(res.headers().location, route.request().url());
      while (!next.pathname.startsWith('/flow/callback/')) {
        res = await page.context().request.get(next.href, { maxRedirects: 0 });
        next = new URL(res.headers().location, next);
      }
      release(next.href);
      await route.fulfill({ status: 200, contentType: 'text/plain', body: 'held' });
    });
    await atIdp(page, choice);
    return held;
  }

  async function landedOn(page: Page, path: '/done' | '/error') {
    await page.waitForURL(new RegExp(`${path}\\?`));
    return Object.fromEntries(new URL(page.url()).searchParams);
  }

  it('the person cancels at the IdP -> failed user_cancelled, target_error', async () => {
    const { s, page } = await toIdp('dk-mitid');
    await atIdp(page, { action: 'cancel' });
    expect(await landedOn(page, '/error')).toMatchObject({ id: s.id, status: 'failed' });
    expect((await w.read(s.id)).error.code).toBe('user_cancelled');
  });

  it('a level below min_assurance -> failed assurance_too_low', async () => {
    const { s, page } = await toIdp('no-bankid', { min_assurance: 'high' });
    await atIdp(page, { acr: 'urn:bankid:bis;LOA=3' });
    expect(await landedOn(page, '/error')).toMatchObject({ status: 'failed' });
    const read = await w.read(s.id);
    expect(read.error.code).toBe('assurance_too_low');
    expect(read.result).toBeNull();
  });

  it('a tampered ID token signature -> failed invalid_token', async () => {
    const { s, page } = await toIdp('no-bankid');
    w.idps.idps['no-bankid']!.tamper.set('/token', (body) => {
      const json = body as Record<string, unknown>;
      return { ...json, id_token: tamperSegment(String(json.id_token), 2) };
    });
    await atIdp(page);
    await landedOn(page, '/error');
    expect((await w.read(s.id)).error.code).toBe('invalid_token');
  });

  it('an FTN ID token whose encryption was tampered with -> failed invalid_token', async () => {
    const { s, page } = await toIdp('fi-ftn');
    w.idps.idps['fi-ftn']!.tamper.set('/token', (body) => {
      const json = body as Record<string, unknown>;
      return { ...json, id_token: tamperSegment(String(json.id_token), 3) }; // JWE ciphertext
    });
    await atIdp(page);
    await landedOn(page, '/error');
    expect((await w.read(s.id)).error.code).toBe('invalid_token');
  });

  it('a refused code exchange (the OP answers invalid_grant) -> failed provider_error', async () => {
    const { s, page } = await toIdp('dk-mitid');
    w.idps.idps['dk-mitid']!.fail.set('/token', { status: 400, body: { error: 'invalid_grant', error_description: 'code expired' } });
    await atIdp(page);
    expect(await landedOn(page, '/error')).toMatchObject({ id: s.id, status: 'failed' });
    const read = await w.read(s.id);
    expect(read.error.code).toBe('provider_error');
    expect(read.error.message).toContain('invalid_grant');
    expect(read.result).toBeNull();
  });

  it('the token endpoint answers 500: still pending, "try again"; back on the page the next click completes', async () => {
    const { s, page } = await toIdp('no-bankid');
    const idp = w.idps.idps['no-bankid']!;
    idp.fail.set('/token', { status: 500, body: { error: 'server_error' } });
    const [callback] = await Promise.all([
      page.waitForResponse((r) => r.url().includes('/flow/callback/no-bankid')),
      atIdp(page),
    ]);
    expect(callback.status()).toBe(502);
    expect(await page.locator('#status').textContent()).toContain('try again');
    const waiting = await w.read(s.id);
    expect(waiting).toMatchObject({ status: 'pending', error: null, result: null });
    // "Go back to the page you came from and try again."
    await page.goto(s.redirect_url);
    await continueToProvider(page);
    // The IdP may remember the login (its own session) and send the browser straight back.
    const login = page.getByRole('button', { name: 'Log in' });
    // Whichever comes first; the other is left to fail quietly when the page moves on or closes.
    await Promise.race([page.waitForURL(/\/done\?/).catch(() => undefined), login.waitFor().catch(() => undefined)]);
    if (!page.url().includes('/done?')) await atIdp(page);
    expect(await landedOn(page, '/done')).toMatchObject({ id: s.id, status: 'complete' });
    expect((await w.read(s.id)).result.identity.national_id.value).toBe('01017012345');
    // The second trip was a new authorization request (a pushed request_uri serves one trip).
    const pushed = idp.records.filter((r) => r.path === '/request');
    expect(pushed).toHaveLength(2);
    expect(pushed[1].params.state).not.toBe(pushed[0].params.state);
    expect(idp.records.filter((r) => r.path === '/token').map((r) => r.status)).toEqual([500, 200]);
  });

  it('a replayed callback after completion changes nothing', async () => {
    const { s, page } = await toIdp('no-bankid');
    const callback = await holdCallback(page);
    await page.goto(callback);
    await landedOn(page, '/done');
    const done = await w.read(s.id);
    expect(done.status).toBe('complete');
    // The same browser again: sent on to the target, nothing changes.
    await page.goto(callback);
    expect(await landedOn(page, '/done')).toMatchObject({ status: 'complete' });
    // Any other client with the same URL: refused.
    const replay = await fetch(callback, { redirect: 'manual' });
    expect(replay.status).toBe(403);
    expect(await w.read(s.id)).toEqual(done);
  });

  it('the same return delivered twice at once exchanges the code once and completes', async () => {
    const { s, ctx, page } = await toIdp('dk-mitid');
    const callback = await holdCallback(page);
    const answers = await Promise.all([0, 1].map(() => ctx.request.get(callback, { maxRedirects: 0 })));
    for (const a of answers) {
      expect(a.status()).toBe(303);
      expect(a.headers().location).toContain(`/done?id=${s.id}&status=complete`);
    }
    expect((await w.read(s.id)).status).toBe('complete');
    expect(w.idps.idps['dk-mitid']!.records.filter((r) => r.path === '/token')).toHaveLength(1);
  });

  it('a foreign or unknown state changes nothing', async () => {
    const { s, page } = await toIdp('dk-mitid');
    const callback = await holdCallback(page);
    const before = await w.read(s.id);
    const unknown = new URL(callback);
    unknown.searchParams.set('state', 'x'.repeat(27));
    expect((await page.goto(unknown.href))!.status()).toBe(400);
    // A real state presented at another method's callback is foreign there.
    const foreign = new URL(callback.replace('/flow/callback/dk-mitid', '/flow/callback/fi-ftn'));
    expect((await page.goto(foreign.href))!.status()).toBe(400);
    expect(await page.locator('#status').textContent()).toContain('unknown');
    expect(await w.read(s.id)).toEqual(before);
  });

  it('another browser arriving with the callback URL is refused; the first one still completes', async () => {
    const { s, page } = await toIdp('fi-ftn');
    const callback = await holdCallback(page);
    const before = await w.read(s.id);
    const other = await browser.newContext();
    contexts.push(other);
    const intruder = await other.newPage();
    expect((await intruder.goto(callback))!.status()).toBe(403);
    expect(await intruder.locator('#status').textContent()).toContain('another browser');
    expect(await w.read(s.id)).toEqual(before);
    await page.goto(callback);
    await landedOn(page, '/done');
    expect((await w.read(s.id)).status).toBe('complete');
  });

  it('a callback for a session that ended meanwhile changes nothing', async () => {
    const { s, page } = await toIdp('no-bankid');
    const callback = await holdCallback(page);
    expect((await w.b.api(`/v1/sessions/${s.id}/cancel`, { method: 'POST', key: w.key })).status).toBe(200);
    const cancelled = await w.read(s.id);
    await page.goto(callback);
    expect(await landedOn(page, '/error')).toMatchObject({ status: 'cancelled' });
    expect(await w.read(s.id)).toEqual(cancelled);
  });

  it('the go URL works once: a copy opened elsewhere does not set the callback cookie', async () => {
    const s = await w.create('no-bankid', { locale: 'nb' });
    const ctx = await browser.newContext();
    contexts.push(ctx);
    const page = await ctx.newPage();
    await page.goto(s.redirect_url);
    await page.locator('#go').waitFor({ state: 'visible' });
    let go = '';
    page.on('request', (r) => { if (r.url().includes('/go/')) go = r.url(); });
    await page.locator('#go').click();
    await page.waitForURL((u) => u.origin === w.idps.idps['no-bankid']!.url);
    const again = await fetch(go, { redirect: 'manual' });
    expect(again.status).toBe(400);
    expect(again.headers.get('set-cookie')).toBeNull();
    expect(await again.text()).toContain('Lenken er allerede brukt'); // in the session's language
  });
});
