// The authorization request is built again at the person's click when the one from the page's start
// went stale or was spent (docs/oidc.md "Binding the return"): a person who reads the page longer than
// the provider keeps a pushed request, or who comes back from the provider's page without logging in,
// still completes; the state that was replaced finds no session any more (API.md §3).
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromiumAvailable, launchChromium } from '../support/chromium.js';
import { atIdp, continueToProvider, startOidcWorld, type OidcWorld } from './world.js';

const PAR_TTL_S = 4;

describe.runIf(chromiumAvailable())('a stale or spent authorization request is rebuilt at the click', () => {
  let w: OidcWorld;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    // Only BankID's test IdP keeps pushed requests briefly; MitID's keeps them the usual 60 s.
    w = await startOidcWorld('sqlite', { 'no-bankid': { par_ttl_s: PAR_TTL_S } });
    browser = await launchChromium();
  }, 60_000);
  afterEach(async () => {
    for (const idp of Object.values(w.idps.idps)) idp.clear();
    await Promise.all(contexts.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await browser?.close();
    await w?.close();
  });

  async function openPage(method: 'no-bankid' | 'dk-mitid') {
    const s = await w.create(method);
    const ctx = await browser.newContext();
    contexts.push(ctx);
    const page = await ctx.newPage();
    await page.goto(s.redirect_url);
    await page.locator('#go').waitFor({ state: 'visible' });
    return { s, page };
  }

  const pushes = (method: 'no-bankid' | 'dk-mitid') => w.idps.idps[method]!.records.filter((r) => r.path === '/request');

  it('the person reads the page longer than the pushed request lives, then clicks, and completes', async () => {
    const { s, page } = await openPage('no-bankid');
    const [atStart] = pushes('no-bankid');
    expect(atStart.body).toMatchObject({ expires_in: PAR_TTL_S });
    const before = await w.read(s.id);
    await page.waitForTimeout((PAR_TTL_S + 1) * 1000);
    await continueToProvider(page);
    await page.waitForURL((u) => u.origin === w.idps.idps['no-bankid']!.url);
    expect(pushes('no-bankid')).toHaveLength(2);
    const oldState = String(atStart.params.state);
    const newState = String(pushes('no-bankid')[1].params.state);
    expect(newState).not.toBe(oldState);
    // The replaced state is dead: its callback finds no session, even in the person's own browser.
    const rebuilt = await w.read(s.id);
    expect(rebuilt.version).toBe(before.version + 1);
    const dead = await page.context().request.get(`${w.b.url}/flow/callback/no-bankid?state=${oldState}&code=x`, { maxRedirects: 0 });
    expect(dead.status()).toBe(400);
    expect(await w.read(s.id)).toEqual(rebuilt);
    await atIdp(page);
    await page.waitForURL(/\/done\?/);
    const done = await w.read(s.id);
    expect(done.status).toBe('complete');
    expect(done.result.identity.national_id.value).toBe('01017012345');
  });

  it('back from the provider without logging in, the next click sends a fresh request and completes', async () => {
    const { s, page } = await openPage('dk-mitid');
    await continueToProvider(page); // within the request's lifetime: the one from the start is used
    await page.waitForURL((u) => u.origin === w.idps.idps['dk-mitid']!.url);
    expect(pushes('dk-mitid')).toHaveLength(1);
    await page.goBack(); // its request_uri is spent at the provider now
    await continueToProvider(page);
    await page.waitForURL((u) => u.origin === w.idps.idps['dk-mitid']!.url);
    expect(pushes('dk-mitid')).toHaveLength(2);
    await atIdp(page);
    await page.waitForURL(/\/done\?/);
    expect((await w.read(s.id)).status).toBe('complete');
  });
});
