// One Provider (contract.ts) for every OIDC upstream: browser flow, authenticate only. Stateless:
// everything a session needs is in the returned provider state, so any node can take the callback.
import type { Clock } from '../../core/ids.js';
import { systemClock } from '../../core/ids.js';
import type { AssuranceLevel, Locale } from '../../core/types.js';
import type { Outcome, Provider, ProviderState, ReauthorizeContext, StartContext } from '../contract.js';
import { buildAuthorization, callbackKey, stillGood, type AuthorizeState } from './authorize.js';
import { handleCallback } from './callback.js';
import { cachedDiscovery, discoverClient, type FetchLike } from './client-config.js';
import type { BrokerKeys } from './keys.js';
import { exchangeError, failed } from './outcome-errors.js';
import { levelAtLeast, type OidcProfile } from './profile.js';

export interface OidcProviderOptions {
  profile: OidcProfile;
  keys: BrokerKeys;
  /** Outbound HTTP (discovery, PAR, token, UserInfo, JWKS); defaults to global fetch. */
  fetch?: FetchLike;
  /** The clock shared with the OP (request-object iat/exp); default the system clock. */
  clock?: Clock;
}

function minLevel(profile: OidcProfile, ctx: StartContext): AssuranceLevel {
  const asked = ctx.options.min_assurance;
  const floor = profile.config.default_min_level;
  return asked && levelAtLeast(asked, floor) ? asked : floor;
}

function asAuthorizeState(state: ProviderState): AuthorizeState {
  return state as unknown as AuthorizeState;
}

export function createOidcProvider(options: OidcProviderOptions): Provider {
  const { profile, keys } = options;
  const clock = options.clock ?? systemClock;
  const config = cachedDiscovery(() => discoverClient(profile.config, keys, options.fetch));

  /** A fresh authorization request (new state, nonce, PKCE verifier), as a pending outcome. */
  async function authorize(redirect_uri: string, min_level: AssuranceLevel, locale: Locale): Promise<Outcome> {
    // Request-object iat/exp are read by the OP's clock, not the broker's (tests may fake ctx.now).
    const auth = await buildAuthorization(await config(), profile.config, keys, { redirect_uri, min_level, locale, now: clock.now() }, options.fetch);
    return { kind: 'pending', state: { ...auth }, callback_key: callbackKey(auth.state), progress: null };
  }

  async function start(ctx: StartContext): Promise<Outcome> {
    if (ctx.operation !== 'authenticate') return failed('operation_not_supported', 'OIDC methods only authenticate.');
    if (ctx.flow !== 'browser') return failed('flow_not_supported', 'OIDC methods need the browser flow.');
    // openid-client sends the callback URL minus its query as redirect_uri (RFC 6749 §4.1.3).
    const callback = new URL(ctx.callback_url);
    if (callback.search || callback.hash) return failed('start_failed', 'callback_url must not carry a query or fragment.');
    try {
      return await authorize(ctx.callback_url, minLevel(profile, ctx), ctx.locale);
    } catch (error) {
      const outcome = exchangeError(error);
      // Discovery or PAR trouble before the person saw anything: start_failed, or retry if transient.
      return outcome.kind === 'retry' ? outcome : failed('start_failed', outcome.message);
    }
  }

  /**
   * The person's click: the request built at start may have gone stale while they read the page
   * (a PAR request_uri lives about a minute) or been spent by an earlier trip (the popup closed, a
   * token-endpoint 5xx). A fresh one keeps the redirect URI and level the session started with.
   */
  async function reauthorize(state: ProviderState, ctx: ReauthorizeContext): Promise<Outcome | null> {
    const current = asAuthorizeState(state);
    if (stillGood(current, clock.now().getTime(), ctx.opened)) return null;
    try {
      return await authorize(current.redirect_uri, current.min_level, ctx.locale);
    } catch (error) {
      return exchangeError(error);
    }
  }

  return {
    method: profile.method,
    operations: ['authenticate'],
    flows: ['browser'],
    start,
    reauthorize,
    callback: (state, params, ctx) => handleCallback(config, profile, asAuthorizeState(state), params, ctx.now ?? clock.now()),
    // OIDC logins refuse framing: the page opens this top-level or in a popup (API.md §4).
    view: (state) => ({ redirect_url: asAuthorizeState(state).authorize_url, top_level: true }),
    cancel: async () => {},
  };
}
