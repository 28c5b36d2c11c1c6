// Every failure of issue 5 through the real flow: the person cancels, too low a level, a tampered
// or wrongly encrypted token, a foreign or missing state, other OP errors.
import { afterEach, expect, it } from 'vitest';
import type { Outcome } from '../../src/providers/contract.js';
import type { OidcMethod } from '../../src/providers/oidc/profiles/index.js';
import { personAtIdp, type PersonChoice } from './browser.js';
import { brokerKeys, CALLBACK, harness, progressContext, startContext, type Harness } from './setup.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.idp.close();
  h = undefined;
});

async function begin(method: OidcMethod, min: 'substantial' | 'high' | null = null, opts: Parameters<typeof harness>[1] = {}) {
  h = await harness(method, opts);
  const started = await h.provider.start(startContext(min));
  if (started.kind !== 'pending') throw new Error(JSON.stringify(started));
  return started;
}

async function finish(started: Extract<Outcome, { kind: 'pending' }>, choice: PersonChoice = {}) {
  const params = await personAtIdp(String(started.state.authorize_url), CALLBACK, choice);
  return h!.provider.callback!(started.state, params, progressContext);
}

/** Flips one character of a base64url segment of a compact JWS/JWE. */
function tamperSegment(token: string, index: number): string {
  const parts = token.split('.');
  const seg = parts[index];
  const at = Math.floor(seg.length / 2);
  parts[index] = seg.slice(0, at) + (seg[at] === 'A' ? 'B' : 'A') + seg.slice(at + 1);
  return parts.join('.');
}

function tamperIdToken(index: number) {
  // index 3 of a JWE is its ciphertext.
  return (body: unknown) => {
    const json = body as Record<string, unknown>;
    return { ...json, id_token: tamperSegment(String(json.id_token), index) };
  };
}

it('the person cancels at the IdP -> user_cancelled', async () => {
  const started = await begin('dk-mitid');
  expect(await finish(started, { action: 'cancel' })).toMatchObject({ kind: 'failed', code: 'user_cancelled' });
});

it('another OP error -> provider_error', async () => {
  const started = await begin('no-bankid');
  const params = { state: String(started.state.state), error: 'server_error', error_description: 'down' };
  expect(await h!.provider.callback!(started.state, params, progressContext)).toMatchObject({ kind: 'failed', code: 'provider_error' });
});

it('BankID biometrics (LOA=3) when high was asked -> assurance_too_low', async () => {
  const started = await begin('no-bankid', 'high');
  expect(await finish(started, { acr: 'urn:bankid:bis;LOA=3' })).toMatchObject({ kind: 'failed', code: 'assurance_too_low' });
});

it('FTN loa2 when high was asked -> assurance_too_low', async () => {
  const started = await begin('fi-ftn', 'high');
  expect(await finish(started, { acr: 'http://ftn.ficora.fi/2017/loa2' })).toMatchObject({ kind: 'failed', code: 'assurance_too_low' });
});

it('MitID Low against the default substantial floor -> assurance_too_low', async () => {
  const started = await begin('dk-mitid');
  const outcome = await finish(started, { acr: 'https://data.gov.dk/concept/core/nsis/loa/Low' });
  expect(outcome).toMatchObject({ kind: 'failed', code: 'assurance_too_low' });
});

it('a signed ID token with a changed payload -> invalid_token', async () => {
  const started = await begin('no-bankid');
  h!.idp.tamper.set('/token', (body) => {
    const json = body as Record<string, unknown>;
    const [header, payload, signature] = String(json.id_token).split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    // Well-formed JSON with another person's number: only the signature can catch it.
    const forged = Buffer.from(JSON.stringify({ ...claims, nnin_altsub: '02029012345' })).toString('base64url');
    return { ...json, id_token: [header, forged, signature].join('.') };
  });
  expect(await finish(started)).toMatchObject({ kind: 'failed', code: 'invalid_token', message: expect.stringContaining('signature') });
});

it('an encrypted ID token with a changed ciphertext -> invalid_token', async () => {
  const started = await begin('fi-ftn');
  h!.idp.tamper.set('/token', tamperIdToken(3));
  expect(await finish(started)).toMatchObject({ kind: 'failed', code: 'invalid_token', message: expect.stringContaining('decryption failed') });
});

it('FTN ID token encrypted to a key that is not ours -> invalid_token', async () => {
  const keys = await brokerKeys();
  const other = await brokerKeys();
  // The OP knows our signing key but someone else's encryption key, under our enc kid.
  const enc = { ...other.enc, kid: keys.enc.kid, public_jwk: { ...other.enc.public_jwk, kid: keys.enc.kid } };
  const started = await begin('fi-ftn', null, { keys, registeredKeys: { sig: keys.sig, enc } });
  expect(await finish(started)).toMatchObject({ kind: 'failed', code: 'invalid_token', message: expect.stringContaining('decryption failed') });
});

it('FTN ID token sent unencrypted (a downgrade) -> invalid_token', async () => {
  const started = await begin('fi-ftn', null, {
    client: { metadata: { id_token_encrypted_response_alg: undefined, id_token_encrypted_response_enc: undefined } },
  });
  expect(await finish(started)).toMatchObject({ kind: 'failed', code: 'invalid_token', message: expect.stringContaining('not encrypted') });
});

// The broker finds a session by SHA-256 of the returned state (docs/oidc.md), so the adapter never
// sees another session's state in practice; if it did, it refuses without an outcome: no session
// may change (API.md §3), so there is no failure code for it.
it("another session's callback (foreign state) is refused without an outcome", async () => {
  const first = await begin('no-bankid');
  const second = await h!.provider.start(startContext());
  if (second.kind !== 'pending') throw new Error('not pending');
  const params = await personAtIdp(String(first.state.authorize_url), CALLBACK);
  await expect(h!.provider.callback!(second.state, params, progressContext)).rejects.toThrow(/state does not belong/);
  expect(h!.idp.records.some((r) => r.path === '/token')).toBe(false); // the code was not spent
  // The rightful session still completes with the same answer.
  expect(await h!.provider.callback!(first.state, params, progressContext)).toMatchObject({ kind: 'complete' });
});

it('a callback without state, or with a forged one, is refused without an outcome', async () => {
  const started = await begin('no-bankid');
  const params = await personAtIdp(String(started.state.authorize_url), CALLBACK);
  const { state: _drop, ...withoutState } = params;
  await expect(h!.provider.callback!(started.state, withoutState, progressContext)).rejects.toThrow(/state does not belong/);
  const forged = { ...params, state: `${params.state.slice(0, -1)}x` };
  await expect(h!.provider.callback!(started.state, forged, progressContext)).rejects.toThrow(/state does not belong/);
  expect(await h!.provider.callback!(started.state, params, progressContext)).toMatchObject({ kind: 'complete' });
});

it('a replayed callback (code already used) never completes a second time', async () => {
  const started = await begin('no-bankid');
  const params = await personAtIdp(String(started.state.authorize_url), CALLBACK);
  expect(await h!.provider.callback!(started.state, params, progressContext)).toMatchObject({ kind: 'complete' });
  expect(await h!.provider.callback!(started.state, params, progressContext)).toMatchObject({ kind: 'failed', code: 'provider_error' });
});

it('the token endpoint answers 5xx: retry, and the same return completes once it is back', async () => {
  const started = await begin('no-bankid');
  const params = await personAtIdp(String(started.state.authorize_url), CALLBACK);
  h!.idp.fail.set('/token', { status: 503, body: '<html>maintenance</html>' });
  expect(await h!.provider.callback!(started.state, params, progressContext)).toMatchObject({ kind: 'retry', reason: expect.stringContaining('503') });
  expect(await h!.provider.callback!(started.state, params, progressContext)).toMatchObject({ kind: 'complete' });
});

it('the token endpoint refuses the code (invalid_grant) -> provider_error', async () => {
  const started = await begin('dk-mitid');
  h!.idp.fail.set('/token', { status: 400, body: { error: 'invalid_grant', error_description: 'grant request is invalid' } });
  expect(await finish(started)).toMatchObject({ kind: 'failed', code: 'provider_error', message: expect.stringContaining('invalid_grant') });
});

it('FTN UserInfo whose encryption was tampered with -> invalid_token', async () => {
  const started = await begin('fi-ftn');
  h!.idp.tamper.set('/me', (body) => tamperSegment(String(body), 3));
  expect(await finish(started)).toMatchObject({ kind: 'failed', code: 'invalid_token', message: expect.stringContaining('decryption failed') });
});

it('FTN UserInfo sent only signed, not encrypted (a downgrade) -> invalid_token', async () => {
  const started = await begin('fi-ftn', null, {
    client: { metadata: { userinfo_encrypted_response_alg: undefined, userinfo_encrypted_response_enc: undefined } },
  });
  expect(await finish(started)).toMatchObject({ kind: 'failed', code: 'invalid_token', message: expect.stringContaining('UserInfo was not encrypted') });
  // The OP did answer, signed (3 parts): the refusal is ours.
  expect(String(h!.idp.records.find((r) => r.path === '/me')?.body).split('.')).toHaveLength(3);
});

it('FTN UserInfo sent as plain JSON -> invalid_token', async () => {
  const started = await begin('fi-ftn', null, {
    client: { metadata: { userinfo_signed_response_alg: undefined, userinfo_encrypted_response_alg: undefined, userinfo_encrypted_response_enc: undefined } },
  });
  expect(await finish(started)).toMatchObject({ kind: 'failed', code: 'invalid_token' });
});

it('the MitID test broker refuses a request without idp_values -> provider_error', async () => {
  const started = await begin('dk-mitid', null, { config: { extra_params: {} } });
  const outcome = await finish(started);
  expect(outcome).toMatchObject({ kind: 'failed', code: 'provider_error', message: expect.stringContaining('idp_values is required') });
});

it('the FTN test broker refuses an unsigned authorization request', async () => {
  // Through PAR: refused at the push, before the person sees anything.
  h = await harness('fi-ftn', { config: { request_object: 'none' } });
  expect(await h.provider.start(startContext())).toMatchObject({ kind: 'failed', code: 'start_failed', message: expect.stringContaining('invalid_request') });
  expect(h.idp.records.find((r) => r.path === '/request')?.status).toBe(400);
  await h.idp.close();
  // In the authorize URL: the broker sends the person back with the error.
  const started = await begin('fi-ftn', null, { config: { request_object: 'none', par: 'never' } });
  expect(await finish(started)).toMatchObject({ kind: 'failed', code: 'provider_error', message: expect.stringContaining('invalid_request') });
  expect(h!.idp.records.some((r) => r.path === '/token')).toBe(false);
});

it('the FTN test broker refuses client authentication by secret', async () => {
  const started = await begin('fi-ftn', null, { config: { client_auth: 'client_secret_basic', client_secret: 'guessed-secret', par: 'never' } });
  expect(await finish(started)).toMatchObject({ kind: 'failed', code: 'provider_error' });
  const token = h!.idp.records.find((r) => r.path === '/token');
  expect(token?.authorization).toMatch(/^Basic /);
  expect(token?.status).toBe(401);
});
