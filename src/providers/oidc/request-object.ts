// Signed (and optionally encrypted) request objects. openid-client signs JARs but cannot encrypt
// them (reference §5), and the MitID broker wants encryption around a request with a CPR hint, so
// both steps are built here with jose: sign (RFC 9101 §4), then nest in a JWE (OIDC Core §6.1).
import { CompactEncrypt, SignJWT, importJWK, type JWK } from 'jose';
import type * as client from 'openid-client';
import { randomToken } from '../../core/ids.js';
import type { FetchLike } from './client-config.js';
import type { BrokerKeys } from './keys.js';

export interface RequestObjectInput {
  issuer: string;
  client_id: string;
  params: Record<string, string>;
  now: Date;
}

/** A JAR lives briefly; the adapter builds a fresh one at the person's click when this one is near its end. */
export const REQUEST_OBJECT_LIFETIME_S = 300;

export async function signRequestObject(keys: BrokerKeys, input: RequestObjectInput): Promise<string> {
  const iat = Math.floor(input.now.getTime() / 1000);
  return new SignJWT({ ...input.params, client_id: input.client_id })
    .setProtectedHeader({ alg: keys.sig.alg, kid: keys.sig.kid, typ: 'oauth-authz-req+jwt' })
    .setIssuer(input.client_id)
    .setAudience(input.issuer)
    .setIssuedAt(iat)
    .setNotBefore(iat)
    .setExpirationTime(iat + REQUEST_OBJECT_LIFETIME_S)
    .setJti(randomToken())
    .sign(keys.sig.key);
}

/** OP keys change rarely; refetching per session would put a JWKS call on every start. */
const KEY_TTL_MS = 10 * 60 * 1000;
const keyCache = new Map<string, { at: number; key: Promise<{ key: CryptoKey; kid?: string }> }>();

/** providerEncryptionKey() with a short cache per jwks_uri + alg; failures are not cached. */
export function cachedProviderEncryptionKey(
  metadata: client.ServerMetadata,
  alg: string,
  fetchImpl?: FetchLike,
): Promise<{ key: CryptoKey; kid?: string }> {
  const id = `${metadata.jwks_uri} ${alg}`;
  const hit = keyCache.get(id);
  if (hit && Date.now() - hit.at < KEY_TTL_MS) return hit.key;
  const key = providerEncryptionKey(metadata, alg, fetchImpl);
  keyCache.set(id, { at: Date.now(), key });
  key.catch(() => keyCache.delete(id));
  return key;
}

/** The OP's encryption key: first RSA key for `enc` (or without `use`) from its jwks_uri. */
export async function providerEncryptionKey(
  metadata: client.ServerMetadata,
  alg: string,
  fetchImpl: FetchLike = fetch as unknown as FetchLike,
): Promise<{ key: CryptoKey; kid?: string }> {
  if (!metadata.jwks_uri) throw new Error('provider publishes no jwks_uri');
  const response = await fetchImpl(metadata.jwks_uri, {
    method: 'GET',
    headers: { accept: 'application/json' },
    body: undefined,
    redirect: 'manual',
  } as Parameters<FetchLike>[1]);
  if (!response.ok) throw new Error(`provider jwks_uri answered ${response.status}`);
  const { keys } = (await response.json()) as { keys: JWK[] };
  const jwk = keys.find((k) => k.kty === 'RSA' && (k.use ?? 'enc') === 'enc' && (!k.alg || k.alg === alg));
  if (!jwk) throw new Error(`provider jwks has no RSA encryption key for ${alg}`);
  return { key: (await importJWK(jwk, alg)) as CryptoKey, kid: jwk.kid };
}

export async function encryptRequestObject(
  jws: string,
  to: { key: CryptoKey; kid?: string },
  algs: { alg: string; enc: string },
): Promise<string> {
  const header = { alg: algs.alg, enc: algs.enc, cty: 'JWT', ...(to.kid ? { kid: to.kid } : {}) };
  return new CompactEncrypt(new TextEncoder().encode(jws)).setProtectedHeader(header).encrypt(to.key);
}
