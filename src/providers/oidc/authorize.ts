// Builds the authorization request for one session: PKCE S256 (RFC 7636), state and nonce of 160
// bits each, the level's acr_values / params, then a plain URL, a request object, or both behind
// PAR (RFC 9126). Returns the secrets the callback needs; they stay in the encrypted provider state,
// with when the request was built and when the provider stops honouring it (stillGood()).
import { createHash } from 'node:crypto';
import * as client from 'openid-client';
import type { AssuranceLevel, Locale } from '../../core/types.js';
import { randomToken } from '../../core/ids.js';
import type { FetchLike } from './client-config.js';
import type { BrokerKeys } from './keys.js';
import { withParExpiry } from './par-expiry.js';
import type { OidcProfileConfig } from './profile.js';
import { cachedProviderEncryptionKey, encryptRequestObject, REQUEST_OBJECT_LIFETIME_S, signRequestObject } from './request-object.js';

export interface AuthorizeState {
  state: string;
  nonce: string;
  code_verifier: string;
  authorize_url: string;
  redirect_uri: string;
  min_level: AssuranceLevel;
  used_par: boolean;
  /** Epoch ms when the request was built. */
  built_at: number;
  /**
   * Epoch ms when the provider stops honouring it: the PAR request_uri's `expires_in`, a request
   * object's `exp`; null for a plain URL (its state lives as long as the session). Absent in states
   * stored before this was tracked: treated as spent.
   */
  expires_at?: number | null;
}

export interface AuthorizeInput {
  redirect_uri: string;
  min_level: AssuranceLevel;
  locale: Locale;
  now: Date;
}

/** The broker indexes sessions by this, never by the raw state (contract.ts callback_key). */
export function callbackKey(state: string): string {
  return createHash('sha256').update(state).digest('hex');
}

/** Time the person needs from the click to the provider's authorize endpoint, with room to spare. */
const CLICK_MARGIN_MS = 30_000;

/**
 * Whether the request can still take the person to the provider. One trip per request: a PAR
 * request_uri is single-use at the provider, and a state that went out once is not sent again.
 */
export function stillGood(auth: AuthorizeState, now: number, opened: boolean): boolean {
  if (opened || auth.expires_at === undefined) return false;
  return auth.expires_at === null || auth.expires_at - now > CLICK_MARGIN_MS;
}

function usePar(config: OidcProfileConfig, meta: client.ServerMetadata): boolean {
  if (meta.require_pushed_authorization_requests) return true;
  if (config.par === 'always') return true;
  return config.par === 'auto' && typeof meta.pushed_authorization_request_endpoint === 'string';
}

function baseParams(config: OidcProfileConfig, input: AuthorizeInput, secrets: Record<string, string>) {
  const level = config.levels[input.min_level] ?? {};
  return {
    response_type: 'code',
    scope: config.scopes.join(' '),
    redirect_uri: input.redirect_uri,
    ui_locales: input.locale,
    ...config.extra_params,
    ...(level.acr_values ? { acr_values: level.acr_values } : {}),
    ...level.params,
    ...secrets,
    code_challenge_method: 'S256',
  } as Record<string, string>;
}

async function requestObject(
  cfg: client.Configuration,
  config: OidcProfileConfig,
  keys: BrokerKeys,
  params: Record<string, string>,
  now: Date,
  fetchImpl?: FetchLike,
): Promise<string> {
  const meta = cfg.serverMetadata();
  const jws = await signRequestObject(keys, { issuer: meta.issuer, client_id: config.client_id, params, now });
  if (config.request_object !== 'signed_encrypted') return jws;
  const algs = config.request_object_encryption ?? { alg: 'RSA-OAEP', enc: 'A128CBC-HS256' };
  return encryptRequestObject(jws, await cachedProviderEncryptionKey(meta, algs.alg, fetchImpl), algs);
}

export async function buildAuthorization(
  cfg: client.Configuration,
  config: OidcProfileConfig,
  keys: BrokerKeys,
  input: AuthorizeInput,
  fetchImpl?: FetchLike,
): Promise<AuthorizeState> {
  const secrets = { state: randomToken(), nonce: randomToken() };
  const code_verifier = client.randomPKCECodeVerifier();
  const params = baseParams(config, input, {
    ...secrets,
    code_challenge: await client.calculatePKCECodeChallenge(code_verifier),
  });
  // RFC 9126 §5: an OP that requires PAR gets it whatever the profile says (usePar).
  const par = usePar(config, cfg.serverMetadata());
  const built_at = input.now.getTime();
  let sent = params;
  let expires_at: number | null = null;
  if (config.request_object !== 'none') {
    const request = await requestObject(cfg, config, keys, params, input.now, fetchImpl);
    // OIDC Core §6.1: response_type, client_id and scope also travel outside the request object.
    sent = par ? { request } : { request, response_type: 'code', scope: params.scope };
    expires_at = built_at + REQUEST_OBJECT_LIFETIME_S * 1000;
  }
  let url: URL;
  if (par) {
    const pushed = await withParExpiry(() => client.buildAuthorizationUrlWithPAR(cfg, sent));
    url = pushed.result;
    // No expires_in (RFC 9126 requires one): unknown, so the click builds a fresh request.
    const parExpiry = built_at + (pushed.expires_in ?? 0) * 1000;
    expires_at = Math.min(expires_at ?? parExpiry, parExpiry);
  } else {
    url = client.buildAuthorizationUrl(cfg, sent);
  }
  return {
    ...secrets,
    code_verifier,
    authorize_url: url.href,
    redirect_uri: input.redirect_uri,
    min_level: input.min_level,
    used_par: par,
    built_at,
    expires_at,
  };
}
