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

/**
 * An OP answer with an HTTP status that is no OAuth answer at all (a gateway's 5xx, an HTML error
 * page): openid-client throws it as a ClientError whose cause is the Response itself.
 */
function unexpectedStatus(error: unknown): number | null {
  const conform = error instanceof client.ClientError && error.code === 'OAUTH_RESPONSE_IS_NOT_CONFORM';
  return conform && error.cause instanceof Response ? error.cause.status : null;
}

const retry = (reason: string): Retry => ({ kind: 'retry', after_ms: 2000, reason });

/** Errors thrown by the PAR push, the code exchange or the UserInfo call. */
export function exchangeError(error: unknown): Failed | Retry {
  if (error instanceof client.ResponseBodyError) {
    if (error.status >= 500) return retry(`identity provider answered ${error.status}`);
    return failed('provider_error', `The identity provider refused the broker's request: ${error.error}.`);
  }
  if (error instanceof client.WWWAuthenticateChallengeError) {
    return failed('provider_error', `The identity provider refused the broker's client authentication (HTTP ${error.status}).`);
  }
  if (error instanceof client.AuthorizationResponseError) return authorizationError(error.error, error.error_description);
  const status = unexpectedStatus(error);
  // A 5xx is the provider's trouble, not the answer: the session stays pending for another try.
  if (status !== null && status >= 500) return retry(`identity provider answered ${status}`);
  if (status !== null) return failed('provider_error', `The identity provider answered HTTP ${status}.`);
  if (isNetworkError(error)) return retry('identity provider unreachable');
  const detail = describe(error);
  return failed('invalid_token', `The identity provider's response did not validate: ${detail}`);
}
