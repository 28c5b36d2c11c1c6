// Request protection and client auth variants: an encrypted request object (MitID broker wants one
// around a CPR hint), client_secret_post / _basic, PAR off, discovery cached, custom fetch used.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeProtectedHeader } from 'jose';
import { afterEach, expect, it } from 'vitest';
import { createOidcProvider } from '../../src/providers/oidc/adapter.js';
import { oidcProfile } from '../../src/providers/oidc/profiles/index.js';
import { personAtIdp } from './browser.js';
import { brokerKeys, CALLBACK, harness, progressContext, startContext, type Harness } from './setup.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.idp.close();
  h = undefined;
});

async function complete(provider: Harness['provider']) {
  const started = await provider.start(startContext());
  if (started.kind !== 'pending') throw new Error(JSON.stringify(started));
  const params = await personAtIdp(String(started.state.authorize_url), CALLBACK);
  return provider.callback!(started.state, params, progressContext);
}

it('dk-mitid: a signed request object nested in a JWE to the OP enc key, accepted by the OP', async () => {
  h = await harness('dk-mitid', {
    config: { request_object: 'signed_encrypted' },
    client: { metadata: { request_object_signing_alg: 'RS256' } },
  });
  expect(await complete(h.provider)).toMatchObject({ kind: 'complete', identity: { national_id: { type: 'dk_cpr' } } });
  const request = String(h.idp.records.find((r) => r.path === '/request')?.params.request);
  expect(request.split('.')).toHaveLength(5);
  const opEncKid = h.idp.jwks.keys.find((k) => k.use === 'enc')?.kid;
  expect(decodeProtectedHeader(request)).toMatchObject({ alg: 'RSA-OAEP', enc: 'A128CBC-HS256', cty: 'JWT', kid: opEncKid });
});

it('no-bankid: client_secret_basic sends an Authorization header and no secret in the body', async () => {
  h = await harness('no-bankid');
  await complete(h.provider);
  const token = h.idp.records.find((r) => r.path === '/token');
  expect(token?.authorization).toMatch(/^Basic /);
  expect(token?.params.client_secret).toBeUndefined();
});

it('client_secret_post sends the secret in the body; par never uses the authorize URL directly', async () => {
  h = await harness('no-bankid', {
    config: { client_auth: 'client_secret_post', par: 'never' },
    client: { metadata: { token_endpoint_auth_method: 'client_secret_post' } },
  });
  expect(await complete(h.provider)).toMatchObject({ kind: 'complete' });
  const token = h.idp.records.find((r) => r.path === '/token');
  expect(token?.authorization).toBeNull();
  expect(token?.params.client_secret).toBe('test-secret-0123456789abcdef');
  expect(h.idp.records.some((r) => r.path === '/request')).toBe(false);
  expect(h.idp.records.find((r) => r.path === '/auth')?.params).toMatchObject({ code_challenge_method: 'S256', response_type: 'code' });
});

it('discovery is fetched once per adapter, and every outbound call goes through the given fetch', async () => {
  h = await harness('no-bankid');
  const seen: string[] = [];
  const provider = createOidcProvider({
    profile: oidcProfile('no-bankid', { issuer: h.idp.issuer, client_id: 'idbridge', client_secret: 'test-secret-0123456789abcdef', allow_insecure_http: true }),
    keys: h.keys,
    fetch: (url, init) => {
      seen.push(new URL(url).pathname);
      return fetch(url, init as RequestInit);
    },
  });
  await provider.start(startContext());
  expect(await complete(provider)).toMatchObject({ kind: 'complete' });
  expect(h.idp.records.filter((r) => r.path === '/.well-known/openid-configuration')).toHaveLength(1);
  expect(seen).toEqual(expect.arrayContaining(['/.well-known/openid-configuration', '/request', '/token', '/jwks']));
});

it('an unreachable issuer is a transient retry at start, not a throw', async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const { port } = closed.address() as AddressInfo;
  await new Promise((resolve) => closed.close(resolve));
  const provider = createOidcProvider({
    profile: oidcProfile('no-bankid', { issuer: `http://127.0.0.1:${port}`, client_id: 'x', client_secret: 'y', allow_insecure_http: true }),
    keys: await brokerKeys(),
  });
  const outcome = await provider.start(startContext());
  expect(outcome).toMatchObject({ kind: 'retry' });
});

it('a callback URL with a query is refused at start (it could not match redirect_uri later)', async () => {
  h = await harness('no-bankid');
  const outcome = await h.provider.start({ ...startContext(), callback_url: `${CALLBACK}?x=1` });
  expect(outcome).toMatchObject({ kind: 'failed', code: 'start_failed' });
});
