// Merchant API v1: sessions (API.md §3). Every route is behind the bearer key (API.md §2).
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../core/errors.js';
import { CreateSessionBody } from '../sessions/create-input.js';
import { createSession, type CreateAnswer } from '../sessions/create.js';
import { ListQuery, ReadQuery } from './schemas/session.js';
import { sessionSchemas } from './schemas/sessions-api.js';
import { sessionView } from './session-view.js';
import { decodeCursor, IdParams, parse } from './validate.js';
import { WaitLimiter, Waits } from './waits.js';
import type { HttpDeps } from './deps.js';

function isEmpty(query: unknown): boolean {
  for (const _ in query as object) return false;
  return true;
}

export async function merchantApi(app: FastifyInstance, deps: HttpDeps): Promise<void> {
  const { svc, config, feed } = deps;
  const view = (s: Parameters<typeof sessionView>[0]) => sessionView(s, config.publicUrl);
  const limiter = new WaitLimiter(config.maxWaits);
  deps.metrics.setWaitCounter(() => limiter.count());
  const waits = new Waits(feed, limiter, (customerId, id) => svc.read(customerId, id), view, app.log);
  app.addHook('onRequest', deps.authenticate);

  app.post('/v1/sessions', { schema: sessionSchemas.create }, async (req, reply) => {
    const limiter = deps.createLimiter;
    limiter?.take(req.customer.id);
    let created = false;
    let answer: CreateAnswer;
    try {
      const input = parse(CreateSessionBody, req.body);
      const key = req.headers['idempotency-key'];
      if (Array.isArray(key) || (key !== undefined && (key.length < 1 || key.length > 255))) {
        throw new ApiError('invalid_request', 'Bad Idempotency-Key.', [{ field: 'Idempotency-Key', message: '1 to 255 characters' }]);
      }
      answer = await createSession(svc, req.customer, input, {
        idempotency_key: key ?? null,
        raw_body: req.body,
        callback_url: (m) => `${config.publicUrl}/flow/callback/${m}`,
        demo_enabled: config.demoEnabled,
        answer: view,
      });
      created = !answer.replayed;
    } finally {
      if (!created) limiter?.giveBack(req.customer.id);
    }
    if (!answer.replayed) deps.metrics.sessionCreated(answer.session.method);
    if (answer.replayed) reply.header('idempotent-replayed', 'true');
    return reply.code(answer.status_code).send(answer.body);
  });

  app.get('/v1/sessions/:id', { schema: sessionSchemas.read }, (req, reply) => {
    const { id } = parse(IdParams, req.params);
    // A plain read has no query: zod only for a long-poll's (or a wrong) query string.
    const q = isEmpty(req.query) ? {} : parse(ReadQuery, req.query);
    if (q.wait === undefined || q.wait === 0) return svc.read(req.customer.id, id).then(view);
    // Answered by the wait itself (reply.send): no promise held here while it is open.
    waits.longPoll(reply, req.customer.id, id, q.version, q.wait);
    return undefined;
  });

  app.get('/v1/sessions/:id/events', { schema: sessionSchemas.events, config: { rawResponse: true } }, (req, reply) => {
    const { id } = parse(IdParams, req.params);
    waits.stream(req, reply, req.customer.id, id);
  });

  app.get('/v1/sessions', { schema: sessionSchemas.list }, async (req) => {
    const q = parse(ListQuery, req.query);
    const page = await deps.store.listUpdatedSince(req.customer.id, new Date(q.updated_since), decodeCursor(q.cursor), q.limit);
    return { data: page.data.map(view), next_cursor: page.next_cursor };
  });

  app.post('/v1/sessions/:id/cancel', { schema: sessionSchemas.cancel }, async (req) => {
    const { id } = parse(IdParams, req.params);
    return view(await svc.cancel(req.customer.id, id));
  });
}
