// Merchant API v1: webhook endpoints and the delivery log (API.md §5), behind the bearer key
// (API.md §2). Another customer's endpoint or delivery answers 404 like a missing one.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ApiError } from '../core/errors.js';
import { SESSION_EVENT_TYPES } from '../webhooks/event.js';
import { registerEndpoint } from '../webhooks/register-endpoint.js';
import type { Resolver } from '../webhooks/ssrf-guard.js';
import { deliveryView, endpointView } from '../webhooks/views.js';
import type { HttpDeps } from './deps.js';
import { webhookSchemas } from './schemas/webhooks-api.js';
import { decodeCursor, IdParams, parse } from './validate.js';

/** What compose.ts hands the webhook routes besides the common deps. */
export interface WebhookHttpDeps {
  /** The SSRF guard's resolver (tests inject one; default the system's). */
  resolve?: Resolver;
  /** Wakes the dispatcher after a test event, a retry or an enable. */
  wake(): void;
}

declare module './deps.js' {
  interface HttpDeps {
    webhooks?: WebhookHttpDeps;
  }
}

const CreateBody = z.object({
  url: z.string().min(1).max(2048),
  events: z.array(z.enum(SESSION_EVENT_TYPES)).max(SESSION_EVENT_TYPES.length).nullable().optional(),
}).strict();

const DeliveriesQuery = z.object({
  session_id: z.string().min(1).max(128).optional(),
  endpoint_id: z.string().min(1).max(128).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(512).optional(),
}).strict();

const notFound = () => new ApiError('not_found', 'No such webhook endpoint.');

export async function webhookRoutes(app: FastifyInstance, deps: HttpDeps): Promise<void> {
  const { store, clock } = deps;
  const wake = () => deps.webhooks?.wake();
  const tags = ['webhooks'];
  app.addHook('onRequest', deps.authenticate);

  app.post('/v1/webhook-endpoints', { schema: { tags, summary: 'Register a webhook endpoint', ...webhookSchemas.createEndpoint(CreateBody) } }, async (req, reply) => {
    const body = parse(CreateBody, req.body);
    const events = body.events?.length ? [...new Set(body.events)] : null;
    const r = await registerEndpoint(store, { customer_id: req.customer.id, allow_private: req.customer.allow_private_webhooks, url: body.url, events },
      { now: clock.now(), resolve: deps.webhooks?.resolve });
    if (!r.ok) throw new ApiError('webhook_url_not_allowed', r.reason, [{ field: 'url', message: r.reason }]);
    return reply.code(201).send({ ...endpointView(r.endpoint), secret: r.secret });
  });

  app.get('/v1/webhook-endpoints', { schema: { tags, summary: 'List webhook endpoints', ...webhookSchemas.listEndpoints } }, async (req) => ({
    data: (await store.listWebhookEndpoints(req.customer.id)).map(endpointView),
  }));

  app.delete('/v1/webhook-endpoints/:id', { schema: { tags, summary: 'Delete a webhook endpoint', ...webhookSchemas.deleteEndpoint } }, async (req, reply) => {
    const { id } = parse(IdParams, req.params);
    if (!(await store.deleteWebhookEndpoint(id, req.customer.id, clock.now()))) throw notFound();
    return reply.code(204).send();
  });

  app.post('/v1/webhook-endpoints/:id/rotate-secret', { schema: { tags, summary: 'New secret; the old one signs for 24 h more', ...webhookSchemas.rotateSecret } }, async (req) => {
    const { id } = parse(IdParams, req.params);
    const secret = await store.rotateWebhookSecret(id, req.customer.id, clock.now());
    if (!secret) throw notFound();
    return { id, secret };
  });

  app.post('/v1/webhook-endpoints/:id/enable', { schema: { tags, summary: 'Enable a disabled endpoint', ...webhookSchemas.enable } }, async (req) => {
    const { id } = parse(IdParams, req.params);
    const endpoint = await store.enableWebhookEndpoint(id, req.customer.id, clock.now());
    if (!endpoint) throw notFound();
    wake();
    return endpointView(endpoint);
  });

  app.post('/v1/webhook-endpoints/:id/test', { schema: { tags, summary: 'Send a webhook.test event', ...webhookSchemas.test } }, async (req, reply) => {
    const { id } = parse(IdParams, req.params);
    if (!(await store.getWebhookEndpoint(id, req.customer.id))) throw notFound();
    const deliveryId = await store.queueTestEvent(id, req.customer.id, clock.now());
    wake();
    return reply.code(202).send(deliveryView((await store.getWebhookDelivery(deliveryId, req.customer.id))!));
  });

  app.get('/v1/webhook-deliveries', { schema: { tags, summary: 'Deliveries with their attempts, newest first', ...webhookSchemas.listDeliveries(DeliveriesQuery) } }, async (req) => {
    const q = parse(DeliveriesQuery, req.query);
    const page = await store.listWebhookDeliveries(req.customer.id, { ...q, cursor: decodeCursor(q.cursor) });
    return { data: page.data.map(deliveryView), next_cursor: page.next_cursor };
  });

  app.get('/v1/webhook-deliveries/:id', { schema: { tags, summary: 'One delivery with its attempts', ...webhookSchemas.readDelivery } }, async (req) => {
    const { id } = parse(IdParams, req.params);
    const d = await store.getWebhookDelivery(id, req.customer.id);
    if (!d) throw new ApiError('not_found', 'No such webhook delivery.');
    return deliveryView(d);
  });

  app.post('/v1/webhook-deliveries/:id/retry', { schema: { tags, summary: 'Send a delivery again now (same webhook-id)', ...webhookSchemas.retry } }, async (req, reply) => {
    const { id } = parse(IdParams, req.params);
    if (!(await store.retryWebhookDelivery(id, req.customer.id, clock.now()))) throw new ApiError('not_found', 'No such webhook delivery.');
    wake();
    return reply.code(202).send(deliveryView((await store.getWebhookDelivery(id, req.customer.id))!));
  });
}
