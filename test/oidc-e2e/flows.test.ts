// End to end in Chromium for each OIDC method (issue 5): the merchant creates a session, the page
// sends the browser to the test IdP, the person logs in there, the browser lands on target, and the
// read has the normalised identity. For fi-ftn the test IdP's records show the wire form too: a JWE
// ID token, private_key_jwt client authentication, a signed request object (more in
// test/oidc/ftn-wire.test.ts).
import { compactVerify, createLocalJWKSet, decodeProtectedHeader, type JWK } from 'jose';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Recorded } from '../../src/providers/oidc/test-idp/recorder.js';
import { chromiumAvailable, launchChromium } from '../support/chromium.js';
import { dialects } from '../support/databases.js';
import { atIdp, continueToProvider, startOidcWorld, type OidcWorld } from './world.js';

const CASES = [
  { method: 'no-bankid', person: /Kari Nordmann/, acr: 'urn:bankid:bid;LOA=4', national_id: { value: '01017012345', type: 'no_fodselsnummer', country: 'NO' }, level: 'high', name: 'Kari Nordmann' },
  { method: 'dk-mitid', person: /Abelone/, acr: 'https://data.gov.dk/concept/core/nsis/loa/Substantial', national_id: { value: '1107744882', type: 'dk_cpr', country: 'DK' }, level: 'substantial', name: 'Abelone Christensen' },
  { method: 'fi-ftn', person: /Matti/, acr: 'http://ftn.ficora.fi/2017/loa3', national_id: { value: '070770-905D', type: 'fi_hetu', country: 'FI' }, level: 'high', name: 'Matti Meikäläinen' },
] as const;

const DIALECTS = await dialects();

/** What the FTN test broker received and answered during one session, checked against the broker's published keys. */
async function assertFtnWire(w: OidcWorld, records: Recorded[]) {
  const published = (await (await fetch(`${w.b.url}/oidc/fi-ftn/jwks.json`)).json()) as { keys: JWK[] };
  const ours = createLocalJWKSet(published);
  const enc = published.keys.find((k) => k.use === 'enc')!;
  const sig = published.keys.find((k) => k.use === 'sig')!;
  const token = records.find((r) => r.path === '/token')!;
  const idToken = String((token.body as Record<string, unknown>).id_token);
  expect(idToken.split('.')).toHaveLength(5);
  expect(decodeProtectedHeader(idToken)).toMatchObject({ alg: enc.alg, kid: enc.kid, enc: 'A128CBC-HS256' });
  expect(token.authorization).toBeNull();
  expect(token.params.client_secret).toBeUndefined();
  expect(token.params.client_assertion_type).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
  const assertion = await compactVerify(String(token.params.client_assertion), ours);
  expect(assertion.protectedHeader.kid).toBe(sig.kid);
  const pushed = records.find((r) => r.path === '/request')!;
  expect(Object.keys(pushed.params).sort()).toEqual(['client_assertion', 'client_assertion_type', 'client_id', 'request']);
  const request = await compactVerify(String(pushed.params.request), ours);
  expect(request.protectedHeader).toMatchObject({ typ: 'oauth-authz-req+jwt', kid: sig.kid });
  const claims = JSON.parse(new TextDecoder().decode(request.payload)) as Record<string, unknown>;
  expect(claims).toMatchObject({ response_type: 'code', code_challenge_method: 'S256', redirect_uri: `${w.b.url}/flow/callback/fi-ftn` });
}

describe.runIf(chromiumAvailable()).each(DIALECTS)('OIDC methods end to end in Chromium (%s)', (dialect) => {
  let w: OidcWorld;
  let browser: Browser;

  beforeAll(async () => {
    w = await startOidcWorld(dialect);
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await w?.close();
  });

  it('OIDC methods only authenticate, in the browser (API.md §3)', async () => {
    const sign = await w.b.api('/v1/sessions', { method: 'POST', key: w.key, json: { method: 'fi-ftn', operation: 'sign', sign: { text: 'x', format: 'plaintext' } } });
    expect(sign.body.code).toBe('operation_not_supported');
    const headless = await w.b.api('/v1/sessions', { method: 'POST', key: w.key, json: { method: 'no-bankid', flow: 'headless', end_user_ip: '192.0.2.1' } });
    expect(headless.body.code).toBe('flow_not_supported');
  });

  for (const c of CASES) {
    it(`${c.method}: full page, log in at the IdP, land on target, read the identity`, async () => {
      const idp = w.idps.idps[c.method]!;
      const from = idp.records.length;
      const s = await w.create(c.method);
      const ctx = await browser.newContext();
      const page = await ctx.newPage();
      await page.goto(s.redirect_url);
      await continueToProvider(page);
      await page.waitForURL((u) => u.origin === w.idps.idps[c.method]!.url);
      await atIdp(page, { person: c.person, acr: c.acr });
      await page.waitForURL(/\/done\?/);
      expect(Object.fromEntries(new URL(page.url()).searchParams)).toEqual({ id: s.id, status: 'complete', relay_state: 'cart-7' });
      const read = await w.read(s.id);
      expect(read.status).toBe('complete');
      const identity = read.result.identity;
      expect(identity.provider).toBe(c.method);
      expect(identity.national_id).toEqual(c.national_id);
      expect(identity.assurance.level).toBe(c.level);
      expect(identity.full_name).toBe(c.name);
      expect(typeof identity.raw.id_token).toBe('string');
      if (c.method === 'fi-ftn') await assertFtnWire(w, idp.records.slice(from));
      await ctx.close();
    });
  }

  it('fi-ftn inside a cross-site iframe: the login opens in a popup, the frame moves on', async () => {
    const s = await w.create('fi-ftn', { frame_origin: w.shop.origin });
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await page.goto(`${w.shop.origin}/embed?src=${encodeURIComponent(s.redirect_url)}`);
    const frame = page.frameLocator('#flow');
    await frame.locator('#go').waitFor({ state: 'visible' });
    const [popup] = await Promise.all([ctx.waitForEvent('page'), frame.locator('#go').click()]);
    await popup.waitForURL((u) => u.origin === w.idps.idps['fi-ftn']!.url);
    expect(await popup.evaluate(() => window.opener)).toBeNull();
    await atIdp(popup, { person: /Maija/ });
    // The popup ends on the broker's "close this window" page, or closes itself.
    await expect.poll(() => popup.isClosed() || popup.url().includes('/flow/callback/fi-ftn')).toBe(true);
    await expect.poll(() => page.evaluate(() => (window as any).__messages.length)).toBe(1);
    const [msg] = await page.evaluate(() => (window as any).__messages);
    expect(msg.data).toEqual({ type: 'idbridge.session', id: s.id, status: 'complete', relay_state: 'cart-7' });
    await expect.poll(() => page.frames().find((f) => f.url().includes('/done'))?.url() ?? '').toContain(`/done?id=${s.id}&status=complete`);
    expect(page.url()).toContain('/embed');
    expect((await w.read(s.id)).result.identity.national_id.value).toBe('010181-900C');
    await ctx.close();
  });
});
