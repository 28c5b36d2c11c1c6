// The person is back from the OP: check state, exchange the code (client auth per profile), decrypt
// and verify the ID token, check nonce and acr against the level asked, fetch UserInfo when the
// profile says so, and map the claims to the normalised identity (API.md §3).
import { timingSafeEqual } from 'node:crypto';
import * as client from 'openid-client';
import type { Identity } from '../../core/types.js';
import type { Outcome } from '../contract.js';
import type { AuthorizeState } from './authorize.js';
import { authorizationError, exchangeError, failed } from './outcome-errors.js';
import { assuranceOf, levelAtLeast, type OidcProfile } from './profile.js';

function sameState(expected: string, got: string | undefined): boolean {
  if (typeof got !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(got);
  return a.length === b.length && timingSafeEqual(a, b);
}

function currentUrl(state: AuthorizeState, params: Record<string, string>): URL {
  const url = new URL(state.redirect_uri);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url;
}

interface Evidence {
  claims: Record<string, unknown>;
  id_token: string;
  userinfo: Record<string, unknown> | null;
  userinfo_jwt: string | null;
}

async function exchange(cfg: client.Configuration, profile: OidcProfile, state: AuthorizeState, params: Record<string, string>): Promise<Evidence> {
  const tokens = await client.authorizationCodeGrant(cfg, currentUrl(state, params), {
    pkceCodeVerifier: state.code_verifier,
    expectedState: state.state,
    expectedNonce: state.nonce,
    idTokenExpected: true,
  });
  const claims = tokens.claims() as Record<string, unknown>;
  const inner = client.getDecryptedResponses(tokens)?.id_token?.token_endpoint;
  // FTN: an ID token that arrives as a bare JWS is a downgrade, not a success (reference §3).
  if (profile.config.id_token_encrypted && !inner) throw new Error('ID token was not encrypted');
  const evidence: Evidence = { claims, id_token: inner ?? tokens.id_token ?? '', userinfo: null, userinfo_jwt: null };
  if (!profile.config.userinfo) return evidence;
  const userinfo = await client.fetchUserInfo(cfg, tokens.access_token, String(claims.sub));
  const innerUserinfo = client.getDecryptedResponses(userinfo);
  if (profile.config.userinfo_encrypted && !innerUserinfo) throw new Error('UserInfo was not encrypted');
  return { ...evidence, userinfo: userinfo as Record<string, unknown>, userinfo_jwt: innerUserinfo ?? null };
}

function authTime(claims: Record<string, unknown>, now: Date): string {
  const at = typeof claims.auth_time === 'number' ? claims.auth_time : claims.iat;
  return typeof at === 'number' ? new Date(at * 1000).toISOString() : now.toISOString();
}

function toOutcome(profile: OidcProfile, state: AuthorizeState, ev: Evidence, now: Date): Outcome {
  // UserInfo adds to the ID token but never overrides its sub/acr (OIDC Core §5.3.2).
  const merged = { ...ev.userinfo, ...ev.claims };
  const assurance = assuranceOf(profile.config, merged);
  if (!assurance || !levelAtLeast(assurance.level, state.min_level)) {
    return failed('assurance_too_low', `The identity provider reported a level below ${state.min_level}.`);
  }
  const raw: Record<string, unknown> = { id_token: ev.id_token, claims: ev.claims };
  if (ev.userinfo) raw.userinfo = ev.userinfo;
  if (ev.userinfo_jwt) raw.userinfo_jwt = ev.userinfo_jwt;
  const identity: Identity = {
    provider: profile.method,
    country: profile.country,
    ...profile.map(merged),
    assurance,
    authenticated_at: authTime(ev.claims, now),
    raw,
  };
  return { kind: 'complete', identity };
}

export async function handleCallback(
  cfg: () => Promise<client.Configuration>,
  profile: OidcProfile,
  state: AuthorizeState,
  params: Record<string, string>,
  now: Date,
): Promise<Outcome> {
  // The broker finds the session by SHA-256 of the returned state, so a mismatch here is a routing
  // bug, not the person's doing: refuse without an outcome, so that no session changes (API.md §3).
  if (!sameState(state.state, params.state)) throw new Error('OIDC callback state does not belong to this session');
  if (params.error) return authorizationError(params.error, params.error_description);
  if (!params.code) return failed('provider_error', 'The identity provider returned neither a code nor an error.');
  try {
    return toOutcome(profile, state, await exchange(await cfg(), profile, state, params), now);
  } catch (error) {
    return exchangeError(error);
  }
}
