// API.md §3 "Sessions" with the OIDC methods, through `idbridge dev` (API.md §1: "OIDC test IdPs")
// in Chromium: a no-bankid, dk-mitid and fi-ftn login each completes with the normalised identity
// (national_id.type no_fodselsnummer / no_d_number / dk_cpr / fi_hetu, its shape, the date of birth
// it encodes, the assurance of the level chosen), and "a provider callback whose `state` is
// unknown, already used, or bound to another browser changes no session": a forged state, the
// callback from a fresh browser, and the callback replayed after completion leave the session's
// read (version, status, updated_at, everything) as it was.
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { MerchantSite } from './harness/chromium.js';
import { dialects } from './harness/databases.js';
import type { Dev } from './harness/dev.js';
import type { Api } from './harness/http.js';
import { holdCallback, logInAtIdp } from './harness/oidc-idp.js';
import { oidcDevWorld } from './harness/oidc-dev-world.js';

const DIALECTS = await dialects();

/** The levels each provider names (their public acr values) and what API.md calls them. */
const CASES = [
  { method: 'no-bankid', person: /Kari Nordmann/, acr: 'urn:bankid:bid;LOA=4', level: 'high', type: 'no_fodselsnummer', country: 'NO', shape: /^[0-3]\d{10}$/, name: 'Kari Nordmann' },
  { method: 'dk-mitid', person: /Abelone Christensen/, acr: 'https://data.gov.dk/concept/core/nsis/loa/Substantial', level: 'substantial', type: 'dk_cpr', country: 'DK', shape: /^[0-3]\d{9}$/, name: 'Abelone Christensen' },
  { method: 'fi-ftn', person: /Matti Meikäläinen/, acr: 'http://ftn.ficora.fi/2017/loa3', level: 'high', type: 'fi_hetu', country: 'FI', shape: /^[0-3]\d{5}[-+A-FU-Y]\d{3}[0-9A-Y]$/, name: 'Matti Meikäläinen' },
] as const;

/** DDMMYY at the front of a Norwegian, Danish or Finnish national id (a D-number adds 4 to D). */
function encodedBirth(value: string): { day: number; month: number; yy: number } {
  return { day: Number(value.slice(0, 2)) % 40, month: Number(value.slice(2, 4)), yy: Number(value.slice(4, 6)) };
}

function expectBirthMatches(identity: any): void {
  const { day, month, yy } = encodedBirth(identity.national_id.value);
  const [y, m, d] = identity.date_of_birth.split('-').map(Number);
  expect([y % 100, m, d]).toEqual([yy, month, day]);
}


describe.each(DIALECTS)('API.md §3 OIDC methods through idbridge dev (%s)', (dialect) => {
  const w = oidcDevWorld(dialect, 'OIDC Shop');
  let dev: Dev;
  let api: Api;
  let target: string;
  let merchant: MerchantSite;
  beforeAll(() => {
    ({ dev, api, target, merchant } = w);
  });

  async function newPage(): Promise<Page> {
    const ctx = await w.newContext();
    return ctx.newPage();
  }

  /** Opens the session's page and presses the provider button, as the person does. */
  async function toIdp(s: { redirect_url: string }, method: string): Promise<Page> {
    const page = await newPage();
    await page.goto(s.redirect_url);
    await page.getByRole('button', { name: /^Continue to / }).click();
    await page.waitForURL((u) => u.origin === new URL(dev.idps[method]).origin, { timeout: 15_000 });
    return page;
  }

  it('dev prints one OIDC test IdP per OIDC method, on 127.0.0.1', () => {
    expect(Object.keys(dev.idps).sort()).toEqual(['dk-mitid', 'fi-ftn', 'no-bankid']);
    for (const url of Object.values(dev.idps)) expect(new URL(url).hostname).toBe('127.0.0.1');
  });

  for (const c of CASES) {
    it(`${c.method}: login at the IdP completes with national_id ${c.type} and assurance ${c.level}`, async () => {
      const s = await api.create({ method: c.method, target, relay_state: `oidc-${c.method}` });
      const page = await toIdp(s, c.method);
      await logInAtIdp(page, { person: c.person, acr: c.acr });
      await page.waitForURL((u) => u.toString().startsWith(`${target}?`), { timeout: 20_000 });
      expect(Object.fromEntries(new URL(page.url()).searchParams)).toEqual({ id: s.id, status: 'complete', relay_state: `oidc-${c.method}` });
      const read = await api.read(s.id);
      expect(read).toMatchObject({ status: 'complete', method: c.method, error: null });
      const id = read.result.identity;
      expect(id).toMatchObject({ provider: c.method, country: c.country, full_name: c.name, subject: expect.any(String) });
      expect(id.national_id).toMatchObject({ type: c.type, country: c.country });
      expect(id.national_id.value).toMatch(c.shape);
      expectBirthMatches(id);
      expect(id.assurance).toEqual({ level: c.level, raw: c.acr });
      expect(typeof id.raw).toBe('object');
      expect(read.result.signature).toBeNull();
      // The person's name never travels in the URL.
      expect(page.url()).not.toContain(encodeURIComponent(c.name.split(' ')[1]));
    }, 60_000);
  }

  it('a D-number from no-bankid is no_d_number (day + 40)', async () => {
    const s = await api.create({ method: 'no-bankid', target });
    const page = await toIdp(s, 'no-bankid');
    await logInAtIdp(page, { person: /D-number/ });
    await page.waitForURL((u) => u.toString().startsWith(`${target}?`), { timeout: 20_000 });
    const id = (await api.read(s.id)).result.identity;
    expect(id.national_id).toMatchObject({ type: 'no_d_number', country: 'NO' });
    expect(id.national_id.value).toMatch(/^[4-7]\d{10}$/);
    expectBirthMatches(id);
  }, 60_000);

  it('a forged state, the callback from another browser, and the callback replayed after completion change nothing', async () => {
    const s = await api.create({ method: 'fi-ftn', target, relay_state: 'replay' });
    const page = await toIdp(s, 'fi-ftn');
    const callback = await holdCallback(page, new URL(dev.url).origin);
    expect(new URL(callback).searchParams.get('state')).toBeTruthy();
    const pending = await api.read(s.id);
    expect(pending.status).toBe('pending');
    // A state nobody issued, from the very browser that holds the session: refused, nothing changes.
    const forged = new URL(callback);
    forged.searchParams.set('state', `${forged.searchParams.get('state')!.slice(0, -4)}AAAA`);
    expect((await page.goto(forged.href))!.status()).toBeGreaterThanOrEqual(400);
    const noState = new URL(callback);
    noState.searchParams.delete('state');
    expect((await page.goto(noState.href))!.status()).toBeGreaterThanOrEqual(400);
    expect(await api.read(s.id)).toEqual(pending);
    // The real callback URL in a fresh browser (no binding to this session): refused, nothing changes.
    const other = await newPage();
    expect((await other.goto(callback))!.status()).toBeGreaterThanOrEqual(400);
    expect((await fetch(callback, { redirect: 'manual' })).status).toBeGreaterThanOrEqual(400);
    expect(await api.read(s.id)).toEqual(pending);
    // The browser that started it completes.
    await page.goto(callback);
    await page.waitForURL((u) => u.toString().startsWith(`${target}?`), { timeout: 20_000 });
    const done = await api.read(s.id);
    expect(done.status).toBe('complete');
    expect(done.version).toBeGreaterThan(pending.version);
    // Used: replayed by that browser, by the fresh one, and by a plain client, it changes nothing.
    await page.goto(callback);
    expect((await other.goto(callback))!.status()).toBeGreaterThanOrEqual(400);
    await fetch(callback, { redirect: 'manual' });
    const after = await api.read(s.id);
    expect(after).toEqual(done);
    expect({ version: after.version, status: after.status, updated_at: after.updated_at }).toEqual({ version: done.version, status: 'complete', updated_at: done.updated_at });
  }, 90_000);
});
