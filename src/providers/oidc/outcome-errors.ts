// Maps what can go wrong after the person returns to stable failure codes (API.md §3). Only the
// OP's own OAuth error answers are `provider_error`; anything that fails validation of what it sent
// (decryption, signature, nonce, issuer, audience, expiry) is `invalid_token`.
import * as client from 'openid-client';
import type { Outcome } from '../contract.js';

type Failed = Extract<Outcome, { kind: 'failed' }>;
type Retry = Extract<Outcome, { kind: 'retry' }>;

export function failed(code: string, message: string): Failed {
  return { kind: 'failed', code, message };
}

/** The `error` a browser brings back from the authorization endpoint (RFC 6749 §4.1.2.1). */
export function authorizationError(error: string, description?: string): Failed {
  // OIDC providers report the person's cancel as access_denied (BankID NO, MitID brokers, FTN brokers).
  if (error === 'access_denied') return failed('user_cancelled', 'The person cancelled at the identity provider.');
  return failed('provider_error', `The identity provider answered ${error}${description ? `: ${description}` : ''}.`);
}

/** undici reports connection trouble as `TypeError: fetch failed` with the socket error as cause. */
function isNetworkError(error: unknown): boolean {
  return error instanceof TypeError && error.message === 'fetch failed';
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
  return `${error.message}${cause}`;
}

/** Errors thrown by the code exchange or UserInfo call. */
export function exchangeError(error: unknown): Failed | Retry {
  if (error instanceof client.ResponseBodyError) {
    if (error.status >= 500) return { kind: 'retry', after_ms: 2000, reason: `token endpoint ${error.status}` };
    return failed('provider_error', `The identity provider refused the code exchange: ${error.error}.`);
  }
  if (error instanceof client.AuthorizationResponseError) return authorizationError(error.error, error.error_description);
  if (isNetworkError(error)) return { kind: 'retry', after_ms: 2000, reason: 'identity provider unreachable' };
  const detail = describe(error);
  return failed('invalid_token', `The identity provider's response did not validate: ${detail}`);
}
