// The broker's per-upstream keys: generated once, persisted as a private JWK set, loaded on every
// start, and published (public halves only) at /.well-known/jwks.json.
import { CompactEncrypt, compactDecrypt, compactVerify, importJWK, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { generateBrokerKeys, loadBrokerKeys, publicJwks } from '../../src/providers/oidc/keys.js';

const PRIVATE = ['d', 'p', 'q', 'dp', 'dq', 'qi'];

describe('broker keys', () => {
  it('generates a sig and an enc key with kid, use and alg that survive a JSON round trip', async () => {
    const jwks = await generateBrokerKeys({ modulus_length: 2048 });
    const keys = await loadBrokerKeys(JSON.parse(JSON.stringify(jwks)));
    expect(keys.sig).toMatchObject({ alg: 'RS256' });
    expect(keys.enc).toMatchObject({ alg: 'RSA-OAEP-256' });
    expect(keys.sig.kid).not.toBe(keys.enc.kid);
    // What we sign verifies with the published half; what is encrypted to it we can read.
    const jws = await new SignJWT({ a: 1 }).setProtectedHeader({ alg: 'RS256' }).sign(keys.sig.key);
    await compactVerify(jws, await importJWK(keys.sig.public_jwk, 'RS256'));
    const jwe = await new CompactEncrypt(new TextEncoder().encode('x'))
      .setProtectedHeader({ alg: 'RSA-OAEP-256', enc: 'A128CBC-HS256' })
      .encrypt(await importJWK(keys.enc.public_jwk, 'RSA-OAEP-256'));
    expect(new TextDecoder().decode((await compactDecrypt(jwe, keys.enc.key)).plaintext)).toBe('x');
  });

  it('publishes only public halves, use sig and use enc, each kid once', async () => {
    const a = await loadBrokerKeys(await generateBrokerKeys({ modulus_length: 2048 }));
    const b = await loadBrokerKeys(await generateBrokerKeys({ sig_alg: 'ES256', enc_alg: 'RSA-OAEP', modulus_length: 2048 }));
    const { keys } = publicJwks(a, b, a);
    expect(keys).toHaveLength(4);
    expect(keys.map((k) => k.use).sort()).toEqual(['enc', 'enc', 'sig', 'sig']);
    for (const k of keys) {
      expect(k.kid).toBeTruthy();
      for (const part of PRIVATE) expect(k).not.toHaveProperty(part);
    }
    expect(keys.find((k) => k.kid === b.sig.kid)).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256' });
  });

  it('refuses a set without an enc key or without kids', async () => {
    const { keys } = await generateBrokerKeys({ modulus_length: 2048 });
    await expect(loadBrokerKeys({ keys: keys.filter((k) => k.use === 'sig') })).rejects.toThrow(/enc key/);
    await expect(loadBrokerKeys({ keys: keys.map(({ kid: _kid, ...k }) => k) })).rejects.toThrow(/kid/);
  });
});
