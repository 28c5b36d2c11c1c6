// The browser workflow (API.md §4): the page, its binding, and the calls its script makes.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ApiError } from '../core/errors.js';
import { isFinal, type Locale, type Session } from '../core/types.js';
import { DEMO_PEOPLE } from '../providers/demo/people.js';
import type { HttpDeps } from './deps.js';
import { bind, requireBinding } from './flow-binding.js';
import { renderFlowPage } from './flow-page.js';
import { problemPage } from './flow-problem-page.js';
import { browserStart } from './browser-start.js';
import { finishUrl } from './session-view.js';
import { parse } from './validate.js';

const Token = z.object({ token: z.string().min(10).max(64) });
// The demo page's buttons (API.md §8). A person outside the list is refused here, before the
// provider sees it: the provider would end the session failed, and bad input changes nothing.
const LAST_PERSON = DEMO_PEOPLE.length - 1;
const Action = z.object({
  action: z.enum(['approve', 'cancel']),
  person: z.coerce.number().int().min(0).max(LAST_PERSON, `one of the test people, 0 to ${LAST_PERSON}`).optional(),
}).strict();
const StateQuery = z.object({ wait: z.coerce.number().int().min(0).max(25).optional(), version: z.coerce.number().int().optional() }).strict();

export function frameAncestors(origins: string[]): string {
  return origins.length ? origins.join(' ') : "'none'";
}

export async function flowRoutes(app: FastifyInstance, deps: HttpDeps): Promise<void> {
  const { store, driver, svc, config, feed } = deps;
  const secure = config.publicUrl.startsWith('https:');
  const pageLimit = config.rateLimitPages > 0 ? { max: config.rateLimitPages, timeWindow: 60_000 } : false;

  // The page's language, once its session was read, for a refusal page that comes after.
  const pageLocale = new WeakMap<FastifyRequest, Locale>();

  async function load(req: FastifyRequest): Promise<Session> {
    const { token } = parse(Token, req.params);
    const s = await store.getSessionByPageToken(token);
    if (!s || s.flow !== 'browser') throw new ApiError('not_found', 'No such session.');
    pageLocale.set(req, s.options.locale);
    return svc.expireIfDue(s);
  }

  // A refused navigation to the page itself (unknown link, rate limit, database down) is shown to
  // a person: HTML in their language, the status and Retry-After kept. Script calls stay JSON.
  app.addHook('onSend', async (req, reply, payload) => {
    const isPage = req.routeOptions.url === '/flow/:token' && (req.method === 'GET' || req.method === 'HEAD');
    if (!isPage || reply.statusCode < 400) return payload;
    return problemPage(req, reply, pageLocale.get(req) ?? null);
  });

  async function state(s: Session, ip: string) {
    const final = isFinal(s.status);
    const customer = final ? await store.getCustomer(s.customer_id) : null;
    const origins = s.options.frame_origin ? [s.options.frame_origin] : (customer?.frame_origins ?? []);
    return {
      status: s.status,
      version: s.version,
      progress: s.progress,
      error: s.error,
      view: final ? null : driver.view(s, ip),
      finish: final
        ? { url: finishUrl(s), origins, message: { type: 'idbridge.session', id: s.id, status: s.status, relay_state: s.relay_state } }
        : null,
    };
  }

  app.get('/flow/:token', { config: { rateLimit: pageLimit } }, async (req, reply: FastifyReply) => {
    const s = await load(req);
    const customer = await store.getCustomer(s.customer_id);
    reply.header('content-security-policy', [
      "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "connect-src 'self'",
      "form-action 'self'", "base-uri 'none'", `frame-ancestors ${frameAncestors(customer?.frame_origins ?? [])}`,
    ].join('; '));
    reply.header('cache-control', 'no-store');
    return reply.type('text/html; charset=utf-8').send(renderFlowPage(s, customer?.name ?? ''));
  });

  app.post('/flow/:token/bind', { config: { rateLimit: pageLimit } }, async (req, reply) => {
    const s = await load(req);
    const binding = await bind(store, req, reply, s, secure);
    return { binding, ...(await state(s, req.ip)) };
  });

  app.post('/flow/:token/start', { config: { rateLimit: pageLimit } }, async (req) => {
    let s = await load(req);
    requireBinding(req, s);
    if (s.status === 'created') s = await driver.start(s, browserStart(req, s, config.publicUrl));
    return state(s, req.ip);
  });

  app.get('/flow/:token/state', { config: { rateLimit: pageLimit } }, async (req) => {
    let s = await load(req);
    requireBinding(req, s);
    const q = parse(StateQuery, req.query);
    if (q.wait && q.version !== undefined && s.version <= q.version && !isFinal(s.status)) {
      const abort = new AbortController();
      req.raw.on('close', () => abort.abort());
      await feed.next(s.id, q.wait * 1000, abort.signal);
      s = await load(req);
    }
    return state(s, req.ip);
  });

  app.post('/flow/:token/action', { config: { rateLimit: pageLimit } }, async (req) => {
    const s = await load(req);
    requireBinding(req, s);
    // Only the demo eID acts from the page; another provider's callback comes back from that provider.
    if (s.method !== 'demo') throw new ApiError('not_found', 'This page has no actions.');
    const body = parse(Action, req.body ?? {});
    const params: Record<string, string> = { action: body.action, ...(body.person !== undefined ? { person: String(body.person) } : {}) };
    return state(await driver.callback(s, params, req.ip), req.ip);
  });

  app.post('/flow/:token/cancel', { config: { rateLimit: pageLimit } }, async (req) => {
    const s = await load(req);
    requireBinding(req, s);
    return state(await driver.cancelByPerson(s), req.ip);
  });
}
