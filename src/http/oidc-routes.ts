// OIDC upstreams in the browser flow (API.md §1 JWKS, §3 callbacks, §4 provider steps that refuse
// framing): the broker's public keys, the one-time go URL that opens the provider's login in the
// window that will come back, and the provider's callback (docs/oidc.md).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { JWK } from 'jose';
import { z } from 'zod';
import { ApiError } from '../core/errors.js';
import { isFinal, type Session } from '../core/types.js';
import { callbackKey } from '../providers/oidc/authorize.js';
import { OIDC_METHODS, type OidcMethod } from '../providers/oidc/profiles/index.js';
import type { HttpDeps } from './deps.js';
import { requireBinding } from './flow-binding.js';
import { afterExchange } from './oidc-exchange-wait.js';
import { sendPopupDone, sendProblem } from './oidc-pages.js';
import { mintGoNonce, returning, spendGoNonce, wentOut, type ReturnMode } from './oidc-return-binding.js';
import { finishUrl, redirectUrl } from './session-view.js';
import { parse } from './validate.js';

export interface OidcHttpDeps {
  /** Public halves of the broker's keys toward every configured upstream, or one (null: not served). */
  jwks(method?: OidcMethod): Promise<{ keys: JWK[] } | null>;
}

declare module './deps.js' {
  interface HttpDeps {
    oidc?: OidcHttpDeps;
  }
}

const Token = z.object({ token: z.string().min(10).max(64) });
const GoParams = Token.extend({ nonce: z.string().min(20).max(64) });
const GoBody = z.object({ popup: z.boolean().optional() }).strict();
const CallbackParams = z.object({ method: z.string().max(32) });
const MethodParams = z.object({ method: z.enum(OIDC_METHODS as [OidcMethod, ...OidcMethod[]]) });
/** How long a click waits for a return's exchange (a few seconds, usually less than one). */
const CLICK_WAIT_MS = 10_000;
/** How long a double submit's second return waits for the first one's outcome. */
const RETURN_WAIT_MS = 15_000;

/** Query values as strings; repeated parameters are ambiguous and dropped (RFC 6749 §3.1). */
function callbackParams(query: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries((query ?? {}) as Record<string, unknown>)) if (typeof v === 'string') out[k] = v;
  return out;
}

export async function oidcRoutes(app: FastifyInstance, deps: HttpDeps): Promise<void> {
  const { store, driver, svc, config } = deps;
  const secure = config.publicUrl.startsWith('https:');
  const pageLimit = config.rateLimitPages > 0 ? { max: config.rateLimitPages, timeWindow: 60_000 } : false;

  async function byToken(req: FastifyRequest, schema: typeof Token = Token): Promise<Session> {
    const { token } = parse(schema, req.params);
    const s = await store.getSessionByPageToken(token);
    if (!s || s.flow !== 'browser') throw new ApiError('not_found', 'No such session.');
    return svc.expireIfDue(s);
  }

  /** Waits (bounded) while a return of this session exchanges its code; the session as it then is. */
  const waitExchange = async (s: Session, ms: number) => {
    const w = await afterExchange(deps, s, ms);
    return { ...w, session: await svc.expireIfDue(w.session) };
  };

  /** The authorize URL while the session waits for the provider, else null. */
  const authorizeUrl = (s: Session, ip: string): string | null => {
    const url = driver.view(s, ip)?.redirect_url;
    return typeof url === 'string' ? url : null;
  };

  app.get('/.well-known/jwks.json', async (_req, reply) => {
    reply.header('cache-control', 'public, max-age=300');
    return (await deps.oidc?.jwks()) ?? { keys: [] };
  });

  // One upstream's keys: the JWKS URL (or value) to register with that provider (docs/oidc.md).
  app.get('/oidc/:method/jwks.json', async (req, reply) => {
    const { method } = parse(MethodParams, req.params);
    const jwks = await deps.oidc?.jwks(method);
    if (!jwks) throw new ApiError('not_found', `No OIDC upstream ${method} on this broker.`);
    reply.header('cache-control', 'public, max-age=300');
    return jwks;
  });

  // The bound page (its binding header) asks for the URL its click will open. The authorization
  // request is made fresh here when the one from the page's start went stale while the person read
  // the page, or was spent by an earlier trip (reauthorize; docs/oidc.md "Binding the return").
  app.post('/flow/:token/go', { config: { rateLimit: pageLimit } }, async (req) => {
    let s = await byToken(req);
    requireBinding(req, s);
    const body = parse(GoBody, req.body ?? {});
    if (isFinal(s.status)) throw new ApiError('session_final', 'The session has already ended.');
    // The popup may be back and exchanging the code while the frame's button is pressed again: a
    // request replaced under that exchange would throw its login away. Its outcome decides.
    const waited = await waitExchange(s, CLICK_WAIT_MS);
    s = waited.session;
    if (isFinal(s.status)) throw new ApiError('session_final', 'The session has already ended.');
    if (waited.exchanging) throw new ApiError('provider_unavailable', 'A return from the identity provider is still being completed; try again in a moment.');
    s = await driver.reauthorize(s, req.ip, await wentOut(store, s));
    if (isFinal(s.status)) throw new ApiError('session_final', 'The session has already ended.');
    if (!authorizeUrl(s, req.ip)) throw new ApiError('invalid_request', 'This session has no provider step to open.');
    const mode: ReturnMode = body.popup ? 'popup' : 'top';
    const nonce = await mintGoNonce(store, s, mode);
    return { url: `${config.publicUrl}/flow/${s.page_token}/go/${nonce}` };
  });

  // Opened top-level or in the popup: sets the callback cookie in that window, then off to the provider.
  app.get('/flow/:token/go/:nonce', { config: { rateLimit: pageLimit } }, async (req, reply) => {
    const s = await byToken(req, GoParams);
    const { nonce } = parse(GoParams, req.params);
    const target = authorizeUrl(s, req.ip);
    if (!target) return reply.redirect(redirectUrl(s, config.publicUrl), 303);
    if (!(await spendGoNonce(store, reply, s, nonce, secure))) return sendProblem(reply, 'link_used', s.options.locale);
    reply.header('cache-control', 'no-store');
    return reply.redirect(target, 303);
  });

  app.get('/flow/callback/:method', { config: { rateLimit: pageLimit } }, async (req, reply) => {
    const { method } = parse(CallbackParams, req.params);
    const params = callbackParams(req.query);
    const found = params.state ? await store.getSessionByCallbackKey(callbackKey(params.state)) : null;
    // Unknown state, or one issued for another method: nothing to change (API.md §3).
    if (!found || found.method !== method) return sendProblem(reply, 'unknown_state');
    const back = await returning(store, req, found);
    const locale = found.options.locale;
    reply.header('cache-control', 'no-store');
    if (!back) return sendProblem(reply, 'other_browser', locale);
    let s = await svc.expireIfDue(found);
    // A used state (the session already ended) changes nothing; the same browser is sent on.
    if (s.status === 'pending' && (await back.claim(deps.clock.now()))) {
      try {
        s = await driver.callback(s, params, req.ip);
      } finally {
        // Left marked (the database failing here): clicks wait, then rebuild once the mark is old.
        await back.over().catch(() => undefined);
      }
    } else if (s.status === 'pending') s = (await waitExchange(s, RETURN_WAIT_MS)).session;
    if (!isFinal(s.status)) return sendProblem(reply, 'try_again', locale);
    if (back.mode === 'popup') return sendPopupDone(reply, locale);
    return reply.redirect(finishUrl(s) ?? redirectUrl(s, config.publicUrl), 303);
  });
}
