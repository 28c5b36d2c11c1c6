// Turns a profile + broker keys into an openid-client Configuration: discovery, client auth,
// JWE decryption and ID-token signature checks. openid-client relies on TLS for code-flow ID tokens
// unless non-repudiation checks are on; we keep the JWS as evidence, so we verify it.
import * as client from 'openid-client';
import type { BrokerKeys } from './keys.js';
import { parExpiryFetch } from './par-expiry.js';
import type { OidcProfileConfig } from './profile.js';

/** undici/global fetch shape; openid-client passes (url, {method, headers, body, redirect, signal}). */
export type FetchLike = client.CustomFetch;

function clientAuth(config: OidcProfileConfig, keys: BrokerKeys, tokenEndpoint: () => string) {
  if (config.client_auth === 'client_secret_post') return client.ClientSecretPost(config.client_secret);
  if (config.client_auth === 'client_secret_basic') return client.ClientSecretBasic(config.client_secret);
  const aud = config.client_assertion_aud ?? 'issuer';
  return client.PrivateKeyJwt(
    { key: keys.sig.key, kid: keys.sig.kid },
    {
      // openid-client sets aud = issuer; some OPs want the token endpoint (reference §5). The jti is
      // fresh per assertion already (oauth4webapi), FTN requires both kid and jti.
      [client.modifyAssertion]: (_header, payload) => {
        if (aud === 'token_endpoint') payload.aud = tokenEndpoint();
        else if (aud !== 'issuer') payload.aud = aud;
      },
    },
  );
}

function clientMetadata(config: OidcProfileConfig, keys: BrokerKeys): Partial<client.ClientMetadata> {
  const meta: Partial<client.ClientMetadata> = { client_id: config.client_id };
  if (config.client_auth === 'private_key_jwt') meta.token_endpoint_auth_signing_alg = keys.sig.alg;
  if (config.userinfo_signed) meta.userinfo_signed_response_alg = 'RS256';
  return meta;
}

export async function discoverClient(
  config: OidcProfileConfig,
  keys: BrokerKeys,
  fetchImpl?: FetchLike,
): Promise<client.Configuration> {
  let tokenEndpoint = '';
  const execute: Array<(c: client.Configuration) => void> = [];
  if (config.allow_insecure_http) execute.push(client.allowInsecureRequests);
  const options: client.DiscoveryRequestOptions = { execute };
  if (fetchImpl) options[client.customFetch] = fetchImpl;
  const auth = clientAuth(config, keys, () => tokenEndpoint);
  const cfg = await client.discovery(new URL(config.issuer), config.client_id, clientMetadata(config, keys), auth, options);
  tokenEndpoint = cfg.serverMetadata().token_endpoint ?? '';
  const parEndpoint = cfg.serverMetadata().pushed_authorization_request_endpoint;
  const base: FetchLike = fetchImpl ?? ((url, init) => fetch(url, init as RequestInit));
  cfg[client.customFetch] = parExpiryFetch(base, () => parEndpoint);
  // Decryption is always enabled: a JWE arriving where a JWS was expected is still checked below.
  client.enableDecryptingResponses(cfg, config.jwe_enc_values, { key: keys.enc.key, kid: keys.enc.kid });
  client.enableNonRepudiationChecks(cfg);
  return cfg;
}

/** Discovery once per adapter; a failure is not cached, so the next start retries. */
export function cachedDiscovery(load: () => Promise<client.Configuration>): () => Promise<client.Configuration> {
  let pending: Promise<client.Configuration> | null = null;
  return () => {
    pending ??= load().catch((error: unknown) => {
      pending = null;
      throw error;
    });
    return pending;
  };
}
