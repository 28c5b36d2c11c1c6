// Full authorization-code flows through the adapter against each test IdP over HTTP on 127.0.0.1.
import { createHash } from 'node:crypto';
import { decodeProtectedHeader } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import type { Outcome } from '../../src/providers/contract.js';
import { personAtIdp, type PersonChoice } from './browser.js';
import { CALLBACK, harness, progressContext, startContext, type Harness } from './setup.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.idp.close();
  h = undefined;
});

async function runFlow(
  method: Harness['provider']['method'], choice: PersonChoice = {}, min: 'substantial' | 'high' | null = null, opts: Parameters<typeof harness>[1] = {},
) {
  h = await harness(method as 'no-bankid', opts);
  const started = await h.provider.start(startContext(min));
  if (started.kind !== 'pending') throw new Error(`start: ${JSON.stringify(started)}`);
  const params = await personAtIdp(String(started.state.authorize_url), CALLBACK, choice);
  return { started, done: await h.provider.callback!(started.state, params, progressContext) };
}

function identityOf(outcome: Outcome) {
  if (outcome.kind !== 'complete') throw new Error(`expected complete, got ${JSON.stringify(outcome)}`);
  return outcome.identity;
}

describe('start', () => {
  it('returns pending with PKCE, 128+ bit state and nonce, callback_key = SHA-256(state), no polling', async () => {
    h = await harness('no-bankid');
    const started = await h.provider.start(startContext());
    if (started.kind !== 'pending') throw new Error('not pending');
    const state = started.state as Record<string, string>;
    expect(Buffer.from(state.state, 'base64url').length).toBeGreaterThanOrEqual(16);
    expect(Buffer.from(state.nonce, 'base64url').length).toBeGreaterThanOrEqual(16);
    expect(state.code_verifier.length).toBeGreaterThanOrEqual(43);
    expect(started.callback_key).toBe(createHash('sha256').update(state.state).digest('hex'));
    expect(started.next_check_ms ?? null).toBeNull();
    expect(h.provider.view!(started.state, progressContext)).toMatchObject({ redirect_url: state.authorize_url });
    // The OP offers PAR, so the browser only carries a request_uri (RFC 9126).
    expect(new URL(state.authorize_url).searchParams.get('request_uri')).toMatch(/^urn:/);
    const pushed = h.idp.records.find((r) => r.path === '/request');
    expect(pushed?.params).toMatchObject({ code_challenge_method: 'S256', acr_values: 'urn:bankid:bid', scope: 'openid profile nnin_altsub' });
  });

  it('refuses sign and headless', async () => {
    h = await harness('no-bankid');
    expect(await h.provider.start({ ...startContext(), operation: 'sign' })).toMatchObject({ kind: 'failed', code: 'operation_not_supported' });
    expect(await h.provider.start({ ...startContext(), flow: 'headless' })).toMatchObject({ kind: 'failed', code: 'flow_not_supported' });
  });
});

describe('no-bankid', () => {
  it('maps bankid_altsub, nnin_altsub (fødselsnummer) and LOA=4 to high', async () => {
    const { done } = await runFlow('no-bankid', {}, 'high');
    const identity = identityOf(done);
    expect(identity).toMatchObject({
      provider: 'no-bankid', country: 'NO', subject: '9578-5999-4-1765512',
      national_id: { value: '01017012345', type: 'no_fodselsnummer', country: 'NO' },
      first_name: 'Kari', last_name: 'Nordmann', full_name: 'Kari Nordmann', date_of_birth: '1970-01-01',
      assurance: { level: 'high', raw: 'urn:bankid:bid;LOA=4' },
    });
    expect(decodeProtectedHeader(String(identity.raw.id_token)).alg).toBe('RS256');
  });

  it('a first digit of 4 or more is a D-number; BankID biometrics (LOA=3) is substantial', async () => {
    const { done } = await runFlow('no-bankid', { person: 'no-ola', acr: 'urn:bankid:bis;LOA=3' });
    expect(identityOf(done)).toMatchObject({
      national_id: { value: '41018512345', type: 'no_d_number' },
      assurance: { level: 'substantial', raw: 'urn:bankid:bis;LOA=3' },
    });
  });
});

describe('no-bankid through UserInfo', () => {
  it('nnin (scope nnin, UserInfo only) is the national id when nnin_altsub is not asked', async () => {
    const { done } = await runFlow('no-bankid', { person: 'no-ola' }, null, { config: { scopes: ['openid', 'profile', 'nnin'], userinfo: true } });
    const identity = identityOf(done);
    expect(identity.national_id).toEqual({ value: '41018512345', type: 'no_d_number', country: 'NO' });
    expect(identity.raw.claims).not.toHaveProperty('nnin'); // not in the ID token: from UserInfo
    expect(identity.raw.userinfo).toMatchObject({ nnin: '41018512345' });
    expect(h!.idp.records.filter((r) => r.path === '/me')).toHaveLength(1);
  });
});

describe('an OP that requires PAR', () => {
  it('gets PAR even when the profile says par: never (RFC 9126 §5, discovery wins)', async () => {
    const { done } = await runFlow('no-bankid', {}, null, { config: { par: 'never' }, idp: { require_par: true } });
    expect(identityOf(done).provider).toBe('no-bankid');
    const discovery = h!.idp.records.find((r) => r.path === '/.well-known/openid-configuration');
    expect(discovery?.body).toMatchObject({ require_pushed_authorization_requests: true });
    expect(h!.idp.records.filter((r) => r.path === '/request')).toHaveLength(1);
    expect(h!.idp.records.find((r) => r.path === '/auth')?.params).toHaveProperty('request_uri');
  });

  it('the same profile against an OP that does not require it sends no PAR', async () => {
    await runFlow('no-bankid', {}, null, { config: { par: 'never' } });
    expect(h!.idp.records.some((r) => r.path === '/request')).toBe(false);
  });
});

describe('dk-mitid', () => {
  it('sends idp_values/idp_params, maps dk.cpr, mitid.uuid and the NSIS loa', async () => {
    const { done } = await runFlow('dk-mitid', { acr: 'https://data.gov.dk/concept/core/nsis/loa/Substantial' });
    expect(identityOf(done)).toMatchObject({
      provider: 'dk-mitid', country: 'DK', subject: '8cb1e51c-13aa-4044-b9ac-8978cf1f113c',
      national_id: { value: '1107744882', type: 'dk_cpr', country: 'DK' },
      full_name: 'Abelone Christensen', date_of_birth: '1974-07-11',
      assurance: { level: 'substantial', raw: 'https://data.gov.dk/concept/core/nsis/loa/Substantial' },
    });
    const pushed = h!.idp.records.find((r) => r.path === '/request');
    expect(pushed?.params.idp_values).toBe('mitid');
    expect(JSON.parse(String(pushed?.params.idp_params))).toEqual({
      mitid: { loa_value: 'https://data.gov.dk/concept/core/nsis/loa/Substantial' },
    });
  });

  it('a person without a CPR match has no national id', async () => {
    const { done } = await runFlow('dk-mitid', { person: 'dk-stig' });
    // The broker logs in at the loa_value asked for (Substantial, the default floor) and reports it.
    expect(identityOf(done)).toMatchObject({ national_id: null, assurance: { level: 'substantial' } });
  });

  it('the broker acts on idp_params: loa_value High is what it logs in at and reports in loa', async () => {
    const { done } = await runFlow('dk-mitid', {}, 'high'); // the person takes the level the page preselects
    expect(identityOf(done).assurance).toEqual({ level: 'high', raw: 'https://data.gov.dk/concept/core/nsis/loa/High' });
    const pushed = h!.idp.records.find((r) => r.path === '/request');
    expect(JSON.parse(String(pushed?.params.idp_params))).toEqual({ mitid: { loa_value: 'https://data.gov.dk/concept/core/nsis/loa/High' } });
    expect((identityOf(done).raw.claims as Record<string, unknown>).loa).toBe('https://data.gov.dk/concept/core/nsis/loa/High');
  });
});

describe('fi-ftn', () => {
  it('maps hetu, names and birthdate; loa3 is high; keeps the inner signed ID token and UserInfo', async () => {
    const { done } = await runFlow('fi-ftn', {}, 'high');
    const identity = identityOf(done);
    expect(identity).toMatchObject({
      // The broker's sub need not persist; the HETU does (docs/oidc.md, fi-ftn).
      provider: 'fi-ftn', country: 'FI', subject: '070770-905D',
      national_id: { value: '070770-905D', type: 'fi_hetu', country: 'FI' },
      first_name: 'Matti', last_name: 'Meikäläinen', date_of_birth: '1970-07-07',
      assurance: { level: 'high', raw: 'http://ftn.ficora.fi/2017/loa3' },
    });
    // Evidence is the inner JWS (3 parts), not the JWE it travelled in.
    expect(String(identity.raw.id_token).split('.')).toHaveLength(3);
    expect(String(identity.raw.userinfo_jwt).split('.')).toHaveLength(3);
  });
});
