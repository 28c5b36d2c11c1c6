// The broker's own keys toward one OIDC upstream: a signing key (private_key_jwt assertions, request
// objects) and an encryption key (the OP encrypts ID tokens and UserInfo to it). FTN registers these
// statically (reference §3), so they must be stable across restarts and nodes: the owner persists
// the private JWK set and loads it with loadBrokerKeys().
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';

export type SigAlg = 'RS256' | 'PS256' | 'ES256';
export type EncAlg = 'RSA-OAEP' | 'RSA-OAEP-256';

export interface PrivateJwks {
  keys: JWK[];
}

export interface BrokerKey<A extends string> {
  alg: A;
  kid: string;
  key: CryptoKey;
  /** Public half, with use/alg/kid, for the JWKS the broker publishes. */
  public_jwk: JWK;
}

export interface BrokerKeys {
  sig: BrokerKey<SigAlg>;
  enc: BrokerKey<EncAlg>;
}

const SIG_ALGS: readonly string[] = ['RS256', 'PS256', 'ES256'];
const ENC_ALGS: readonly string[] = ['RSA-OAEP', 'RSA-OAEP-256'];
const PRIVATE_PARTS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

async function privateJwk(alg: string, use: 'sig' | 'enc', modulusLength: number): Promise<JWK> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true, modulusLength });
  const jwk = await exportJWK(privateKey);
  // RFC 7638 thumbprint as kid: stable, and FTN wants a kid on every assertion.
  return { ...jwk, use, alg, kid: await calculateJwkThumbprint(jwk) };
}

/** A fresh private JWK set for first start; persist it, then loadBrokerKeys() it on every start. */
export async function generateBrokerKeys(
  options: { sig_alg?: SigAlg; enc_alg?: EncAlg; modulus_length?: number } = {},
): Promise<PrivateJwks> {
  const bits = options.modulus_length ?? 3072;
  const sig = await privateJwk(options.sig_alg ?? 'RS256', 'sig', bits);
  const enc = await privateJwk(options.enc_alg ?? 'RSA-OAEP-256', 'enc', bits);
  return { keys: [sig, enc] };
}

function publicPart(jwk: JWK): JWK {
  const pub: Record<string, unknown> = { ...jwk };
  for (const name of PRIVATE_PARTS) delete pub[name];
  delete pub.key_ops;
  delete pub.ext;
  return pub as JWK;
}

async function loadOne<A extends string>(jwks: PrivateJwks, use: 'sig' | 'enc', algs: readonly string[]) {
  const jwk = jwks.keys.find((k) => k.use === use && typeof k.alg === 'string' && algs.includes(k.alg));
  if (!jwk || !jwk.d) throw new Error(`broker JWK set lacks a private ${use} key (${algs.join('/')})`);
  if (!jwk.kid) throw new Error(`broker ${use} key has no kid`);
  const key = (await importJWK(jwk, jwk.alg)) as CryptoKey;
  return { alg: jwk.alg as A, kid: jwk.kid, key, public_jwk: publicPart(jwk) };
}

export async function loadBrokerKeys(jwks: PrivateJwks): Promise<BrokerKeys> {
  return {
    sig: await loadOne<SigAlg>(jwks, 'sig', SIG_ALGS),
    enc: await loadOne<EncAlg>(jwks, 'enc', ENC_ALGS),
  };
}

/** `GET /.well-known/jwks.json`: public halves of every upstream's keys, each kid once. */
export function publicJwks(...sets: BrokerKeys[]): { keys: JWK[] } {
  const seen = new Map<string, JWK>();
  for (const set of sets) for (const k of [set.sig, set.enc]) seen.set(k.kid, k.public_jwk);
  return { keys: [...seen.values()] };
}
