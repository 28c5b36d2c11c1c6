// FTN profile on the wire: the ID token and UserInfo arrive as JWE to the broker's enc key, the
// client authenticates with private_key_jwt (kid + jti), and the request object is signed by us.
import { compactVerify, decodeJwt, decodeProtectedHeader, importJWK } from 'jose';
import { afterEach, expect, it } from 'vitest';
import { createOidcProvider } from '../../src/providers/oidc/adapter.js';
import { fiFtnProfile } from '../../src/providers/oidc/profiles/index.js';
import { personAtIdp } from './browser.js';
import { CALLBACK, harness, progressContext, startContext, type Harness } from './setup.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.idp.close();
  h = undefined;
});

async function completeFtn(config = {}) {
  h = await harness('fi-ftn', { config });
  const started = await h.provider.start(startContext());
  if (started.kind !== 'pending') throw new Error(JSON.stringify(started));
  const params = await personAtIdp(String(started.state.authorize_url), CALLBACK);
  const done = await h.provider.callback!(started.state, params, progressContext);
  expect(done.kind).toBe('complete');
  return h;
}

function record(path: string) {
  const found = h!.idp.records.filter((r) => r.path === path);
  expect(found, `a request to ${path}`).toHaveLength(1);
  return found[0];
}

it('the token endpoint answers with a JWE ID token encrypted to our enc key', async () => {
  const { keys } = await completeFtn();
  const idToken = String((record('/token').body as Record<string, unknown>).id_token);
  expect(idToken.split('.')).toHaveLength(5);
  expect(decodeProtectedHeader(idToken)).toMatchObject({ alg: keys.enc.alg, enc: 'A128CBC-HS256', kid: keys.enc.kid });
});

it('UserInfo arrives as a JWE too', async () => {
  const { keys } = await completeFtn();
  const userinfo = String(record('/me').body);
  expect(userinfo.split('.')).toHaveLength(5);
  expect(decodeProtectedHeader(userinfo)).toMatchObject({ alg: keys.enc.alg, kid: keys.enc.kid });
});

it('client authentication is private_key_jwt with kid, jti and aud = issuer', async () => {
  const { keys, idp } = await completeFtn();
  const token = record('/token');
  expect(token.authorization).toBeNull();
  expect(token.params.client_secret).toBeUndefined();
  expect(token.params.client_assertion_type).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
  const assertion = String(token.params.client_assertion);
  expect(decodeProtectedHeader(assertion)).toMatchObject({ alg: 'RS256', kid: keys.sig.kid });
  await compactVerify(assertion, await importJWK(keys.sig.public_jwk, 'RS256'));
  const claims = decodeJwt(assertion);
  expect(claims).toMatchObject({ iss: 'idbridge', sub: 'idbridge', aud: idp.issuer });
  expect(typeof claims.jti).toBe('string');
});

it('aud can be the token endpoint, and every assertion has a fresh jti', async () => {
  const { idp } = await completeFtn({ client_assertion_aud: 'token_endpoint' });
  const assertions = idp.records.filter((r) => r.params.client_assertion).map((r) => decodeJwt(String(r.params.client_assertion)));
  expect(assertions.length).toBeGreaterThanOrEqual(2); // PAR and token
  expect(assertions.map((a) => a.aud)).toContain(`${idp.issuer}/token`);
  expect(new Set(assertions.map((a) => a.jti)).size).toBe(assertions.length);
});

/** An adapter toward the harness's IdP with a literal client assertion `aud`. */
function withLiteralAud(aud: string) {
  return createOidcProvider({
    profile: fiFtnProfile({ issuer: h!.idp.issuer, client_id: 'idbridge', allow_insecure_http: true, client_assertion_aud: aud }),
    keys: h!.keys,
  });
}

it('a literal aud is sent as configured in every assertion (here one the OP accepts)', async () => {
  h = await harness('fi-ftn');
  const literal = `${h.idp.issuer}/token`; // written out, not the token_endpoint keyword
  const provider = withLiteralAud(literal);
  const started = await provider.start(startContext());
  if (started.kind !== 'pending') throw new Error(JSON.stringify(started));
  const params = await personAtIdp(String(started.state.authorize_url), CALLBACK);
  expect(await provider.callback!(started.state, params, progressContext)).toMatchObject({ kind: 'complete' });
  const assertions = h.idp.records.filter((r) => r.params.client_assertion).map((r) => decodeJwt(String(r.params.client_assertion)));
  expect(assertions.map((a) => a.aud)).toEqual([literal, literal]); // PAR and token
});

it('a literal aud the OP does not accept is refused at the first authenticated call', async () => {
  h = await harness('fi-ftn');
  const outcome = await withLiteralAud('https://broker.example/elsewhere').start(startContext());
  expect(outcome).toMatchObject({ kind: 'failed', code: 'start_failed' });
  const pushed = h.idp.records.find((r) => r.path === '/request');
  expect(pushed?.status).toBe(401);
  expect(decodeJwt(String(pushed?.params.client_assertion)).aud).toBe('https://broker.example/elsewhere');
});

it('the request object is a JWS signed with our sig key and carries the whole request', async () => {
  const { keys, idp } = await completeFtn();
  const pushed = record('/request');
  const request = String(pushed.params.request);
  expect(decodeProtectedHeader(request)).toMatchObject({ alg: 'RS256', kid: keys.sig.kid, typ: 'oauth-authz-req+jwt' });
  const { payload } = await compactVerify(request, await importJWK(keys.sig.public_jwk, 'RS256'));
  const claims = JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>;
  expect(claims).toMatchObject({
    iss: 'idbridge', aud: idp.issuer, client_id: 'idbridge', response_type: 'code',
    redirect_uri: CALLBACK, code_challenge_method: 'S256',
    acr_values: 'http://ftn.ficora.fi/2017/loa2 http://ftn.ficora.fi/2017/loa3',
  });
  for (const name of ['state', 'nonce', 'code_challenge', 'jti', 'exp']) expect(claims[name]).toBeDefined();
  // Nothing but the request object travels beside it (the OP ISB reads only `request`).
  expect(Object.keys(pushed.params).sort()).toEqual(['client_assertion', 'client_assertion_type', 'client_id', 'request']);
});

it('without PAR the signed request object rides in the authorize URL', async () => {
  await completeFtn({ par: 'never' });
  expect(h!.idp.records.some((r) => r.path === '/request')).toBe(false);
  const auth = h!.idp.records.find((r) => r.path === '/auth');
  expect(String(auth?.params.request).split('.')).toHaveLength(3);
});
