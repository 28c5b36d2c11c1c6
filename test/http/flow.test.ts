// The browser workflow over HTTP (API.md §4, §8): binding, demo approve/cancel, final navigation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Provider } from '../../src/providers/contract.js';
import { esc } from '../../src/http/html.js';
import { MESSAGES } from '../../src/http/i18n.js';
import { rfaText } from '../../src/providers/bankid-se/index.js';
import { DEMO_PEOPLE } from '../../src/providers/demo/people.js';
import { FlowClient } from '../support/flow-client.js';
import { MERCHANT, startBroker, type TestBroker } from '../support/broker.js';

describe('workflow page and demo eID', () => {
  let b: TestBroker;
  beforeAll(async () => {
    b = await startBroker('sqlite');
  });
  afterAll(async () => b?.close());

  const create = async (extra: Record<string, unknown> = {}) =>
    (await b.api('/v1/sessions', { method: 'POST', json: { method: 'demo', target: `${MERCHANT}/done`, ...extra } })).body;

  it('serves the page with security headers; fetching it binds nothing', async () => {
    const s = await create();
    const res = await fetch(s.redirect_url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain(`frame-ancestors ${MERCHANT}`);
    expect(csp).toContain("script-src 'self'");
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('x-frame-options')).toBeNull();
    const html = await res.text();
    expect(html).toContain('Test shop');
    expect(html).toMatch(/<button[^>]*id="approve"[^>]*>Approve</);
    expect(html).toMatch(/<button[^>]*id="cancel"[^>]*>Cancel</);
    expect(html).toMatch(/value="0" checked/);
    const read = await b.api(`/v1/sessions/${s.id}`);
    expect(read.body).toMatchObject({ status: 'created', version: 1 });
    expect((await b.broker.store.getSession(s.id))?.browser_binding).toBeNull();
  });

  it("says frame-ancestors 'none' for a customer without frame origins", async () => {
    const other = await b.addCustomer({ frame_origins: [] });
    const s = (await b.api('/v1/sessions', { method: 'POST', key: other.key, json: { method: 'demo' } })).body;
    const res = await fetch(s.redirect_url);
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });

  it('binds to the first browser and refuses a second one', async () => {
    const s = await create();
    const first = new FlowClient(s.redirect_url);
    await first.bind();
    const second = new FlowClient(s.redirect_url);
    await expect(second.bind()).rejects.toMatchObject({ response: { status: 409, body: { code: 'session_bound' } } });
    expect((await second.call('/start', 'POST', {})).status).toBe(403);
    // the first browser can bind again (a reload) with its secret
    const again = await first.call('/bind', 'POST', {});
    expect(again.status).toBe(200);
  });

  it('keeps the binding in a cookie named by the random end of the page token; the earlier name is still read', async () => {
    const s = await create();
    const token = new URL(s.redirect_url).pathname.split('/').pop() as string;
    const bound = await fetch(`${s.redirect_url}/bind`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(bound.status).toBe(200);
    const [cookie] = bound.headers.getSetCookie();
    const [pair] = cookie.split(';');
    const [name, secret] = pair.split('=');
    // the front of the token is its creation time (the same for sessions of one millisecond)
    expect(name).toBe(`idb_${token.slice(-12)}`);
    const withCookie = (n: string) => fetch(`${s.redirect_url}/state`, { headers: { cookie: `${n}=${secret}` } });
    expect((await withCookie(name)).status).toBe(200);
    expect((await withCookie(`idb_${token.slice(0, 12)}`)).status).toBe(200); // set by a node before the change
    expect((await withCookie('idb_something_else')).status).toBe(403);
  });

  it('completes as the chosen test person and sends the browser to target with id, status, relay_state only', async () => {
    const s = await create({ relay_state: 'order 7&x', locale: 'sv' });
    const page = new FlowClient(s.redirect_url);
    await page.bind();
    const started = await page.start();
    expect(started.status).toBe('pending');
    const done = await page.approve(1);
    expect(done.status).toBe('complete');
    const url = new URL(done.finish!.url!);
    expect(url.origin + url.pathname).toBe(`${MERCHANT}/done`);
    expect(Object.fromEntries(url.searchParams)).toEqual({ id: s.id, status: 'complete', relay_state: 'order 7&x' });
    expect(done.finish!.origins).toEqual([MERCHANT]);
    expect(done.finish!.message).toEqual({ type: 'idbridge.session', id: s.id, status: 'complete', relay_state: 'order 7&x' });
    const read = await b.api(`/v1/sessions/${s.id}`);
    expect(read.body).toMatchObject({ status: 'complete', version: 3 });
    expect(read.body.result.identity).toMatchObject({
      provider: 'demo', first_name: 'Nils', last_name: 'Berg',
      national_id: { value: '198507142399', type: 'se_personnummer', country: 'SE' }, date_of_birth: '1985-07-14',
    });
    expect(read.body.redirect_url).toBeUndefined();
  });

  it('ends failed user_cancelled on Cancel, going to target_error without relay_state when none', async () => {
    const s = await create({ target_error: `${MERCHANT}/error` });
    const page = new FlowClient(s.redirect_url);
    await page.bind();
    await page.start();
    const r = (await page.call('/action', 'POST', { action: 'cancel' })).body;
    expect(r.status).toBe('failed');
    expect(r.error.code).toBe('user_cancelled');
    expect(r.finish.url).toBe(`${MERCHANT}/error?id=${s.id}&status=failed`);
  });

  it('has no final URL without a target; the page then shows its own final screen', async () => {
    const s = (await b.api('/v1/sessions', { method: 'POST', json: { method: 'demo' } })).body;
    const page = new FlowClient(s.redirect_url);
    await page.bind();
    await page.start();
    const done = await page.approve();
    expect(done.finish!.url).toBeNull();
  });

  it('answers 404 for an unknown page token and keeps the session unchanged on refused actions', async () => {
    expect((await fetch(`${b.url}/flow/unknown-token-xxxxxxxx`)).status).toBe(404);
    const s = await create();
    const page = new FlowClient(s.redirect_url);
    await page.bind();
    await page.start();
    expect((await page.call('/action', 'POST', { action: 'explode' })).status).toBe(400);
    expect((await b.api(`/v1/sessions/${s.id}`)).body).toMatchObject({ status: 'pending', version: 2 });
  });

  it('refuses a test person outside the list with 400 invalid_request (person) and changes nothing', async () => {
    const s = await create();
    const page = new FlowClient(s.redirect_url);
    await page.bind();
    await page.start();
    for (const person of [DEMO_PEOPLE.length, 50, 99, -1, 1.5, 'x']) {
      const r = await page.call('/action', 'POST', { action: 'approve', person });
      expect(r.status).toBe(400);
      expect(r.body.code).toBe('invalid_request');
      expect(r.body.errors.map((e: { field: string }) => e.field)).toEqual(['person']);
    }
    expect((await b.api(`/v1/sessions/${s.id}`)).body).toMatchObject({ status: 'pending', version: 2, error: null });
    // the last person of the list is still a valid choice
    const done = await page.approve(DEMO_PEOPLE.length - 1);
    expect(done.status).toBe('complete');
    const read = (await b.api(`/v1/sessions/${s.id}`)).body;
    expect(read.result.identity.last_name).toBe(DEMO_PEOPLE[DEMO_PEOPLE.length - 1].last_name);
  });

  it('shows a refused page navigation as localised HTML with the status kept; script calls stay JSON', async () => {
    const unknown = `${b.url}/flow/unknown-token-xxxxxxxx`;
    const words: Record<string, [string, string]> = {
      'sv-SE,sv;q=0.9,en;q=0.8': ['sv', 'Länken är okänd'],
      'de-DE, fi;q=0.7, da;q=0.5': ['fi', 'Linkki on tuntematon'],
      'no;q=0.9, en;q=0.1': ['nb', 'Lenken er ukjent'],
      'da;q=0.2, en;q=0.3': ['en', 'This link is unknown'],
      'de, fr': ['en', 'This link is unknown'],
    };
    for (const [accept, [lang, text]] of Object.entries(words)) {
      const res = await fetch(unknown, { headers: { 'accept-language': accept } });
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('cache-control')).toBe('no-store');
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("default-src 'none'");
      const html = await res.text();
      expect(html).toContain(`<html lang="${lang}">`);
      expect(html).toContain(text);
      expect(html).not.toContain('not_found');
    }
    expect((await fetch(unknown, { method: 'HEAD' })).headers.get('content-type')).toContain('text/html');
    // the page's script reads problem+json, as before
    for (const path of ['/state', '/bind']) {
      const res = await fetch(`${unknown}${path}`, { method: path === '/bind' ? 'POST' : 'GET', headers: { 'content-type': 'application/json' }, body: path === '/bind' ? '{}' : undefined });
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect((await res.json()).code).toBe('not_found');
    }
    const s = await create();
    expect((await fetch(`${s.redirect_url}/state`)).headers.get('content-type')).toContain('application/problem+json'); // 403
  });

  it('sends each page language the words of the failure screen by error code', async () => {
    const codes = ['user_cancelled', 'expired_transaction', 'start_failed', 'assurance_too_low', 'other'];
    const seen = new Set<string>();
    for (const locale of ['en', 'sv', 'nb', 'da', 'fi']) {
      const s = await create({ locale });
      const html = await (await fetch(s.redirect_url)).text();
      const data = html.match(/data-i18n="([^"]*)"/)![1].replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
      const words = JSON.parse(data);
      for (const code of codes) {
        expect(words[`fail_${code}`]).toBeTruthy();
        seen.add(words[`fail_${code}`]);
      }
      for (const key of ['done_cancelled', 'done_expired']) seen.add(words[key]);
    }
    expect(seen.size).toBe(5 * (codes.length + 2)); // every text its own, in every language
  });

  it('renders every page language', async () => {
    const words: Record<string, string> = { en: 'Approve', sv: 'Godkänn', nb: 'Godkjenn', da: 'Godkend', fi: 'Hyväksy' };
    for (const [locale, word] of Object.entries(words)) {
      const s = await create({ locale });
      const html = await (await fetch(s.redirect_url)).text();
      expect(html).toContain(`lang="${locale}"`);
      expect(html).toContain(word);
    }
  });
});

describe('page actions of another method', () => {
  let b: TestBroker;
  const callbacks: Record<string, string>[] = [];
  // A stand-in for an OIDC method whose callback, if /action ever reached it, would end the session:
  // the test shows /action never calls it (the real adapter refuses a bad state without an outcome).
  const oidcLike: Provider = {
    method: 'fi-ftn',
    operations: ['authenticate'],
    flows: ['browser'],
    async start() {
      return { kind: 'pending', state: { started: true }, callback_key: 'k', progress: null };
    },
    async callback(_state, params) {
      callbacks.push(params);
      return { kind: 'failed', code: 'provider_error', message: 'A callback that should never have been called.' };
    },
    view() {
      return { redirect_url: 'http://127.0.0.1:9/authorize' };
    },
    async cancel() {},
  };
  beforeAll(async () => {
    b = await startBroker('sqlite', { providers: [oidcLike] });
  });
  afterAll(async () => b?.close());

  it('answers 404 to /action for a method that is not the demo, without a callback or a change', async () => {
    const s = (await b.api('/v1/sessions', { method: 'POST', json: { method: 'fi-ftn' } })).body;
    const page = new FlowClient(s.redirect_url);
    await page.bind();
    expect((await page.start()).status).toBe('pending');
    const r = await page.call('/action', 'POST', { action: 'approve', person: 0 });
    expect(r.status).toBe(404);
    expect(r.body.code).toBe('not_found');
    expect(callbacks).toEqual([]);
    expect((await b.api(`/v1/sessions/${s.id}`)).body).toMatchObject({ status: 'pending', version: 2, error: null });
  });
});

describe('the se-bankid page before the device question is answered', () => {
  let b: TestBroker;
  let starts = 0;
  // A stand-in for BankID: counts the orders the page's calls would have made.
  const bankIdLike: Provider = {
    method: 'se-bankid',
    operations: ['authenticate', 'sign'],
    flows: ['browser'],
    async start() {
      starts++;
      return { kind: 'pending', state: { order: starts }, progress: null };
    },
    async cancel() {},
  };
  beforeAll(async () => {
    b = await startBroker('sqlite', { providers: [bankIdLike] });
  });
  afterAll(async () => b?.close());

  it('renders the device question in the session language and operation, as the choice group\'s name, with no inline script', async () => {
    for (const locale of ['en', 'sv', 'nb', 'da', 'fi'] as const) {
      for (const operation of ['authenticate', 'sign'] as const) {
        const sign = operation === 'sign' ? { sign: { text: 'Text' } } : {};
        const s = (await b.api('/v1/sessions', { method: 'POST', json: { method: 'se-bankid', locale, operation, ...sign } })).body;
        const html = await (await fetch(s.redirect_url)).text();
        const question = rfaText('RFA20', locale, operation);
        expect(html).toContain(`<div id="bankid-choice" class="actions" role="group" aria-label="${esc(question)}" hidden>`);
        expect(html).toContain(`>${esc(MESSAGES[locale].other_device)}</button>`);
        expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      }
    }
    expect(rfaText('RFA20', 'sv')).toMatch(/^Vill du identifiera dig eller skriva under/);
  });

  it('the server side the asking page relies on: binding starts nothing (the session stays created); /start starts the order once', async () => {
    const s = (await b.api('/v1/sessions', { method: 'POST', json: { method: 'se-bankid' } })).body;
    const before = starts;
    await fetch(s.redirect_url);
    const page = new FlowClient(s.redirect_url);
    expect(await page.bind()).toMatchObject({ status: 'created', view: null, finish: null });
    expect(starts).toBe(before);
    expect((await b.api(`/v1/sessions/${s.id}`)).body).toMatchObject({ status: 'created', version: 1 });
    expect((await page.start()).status).toBe('pending');
    expect((await page.start()).status).toBe('pending');
    expect(starts).toBe(before + 1);
  });
});
