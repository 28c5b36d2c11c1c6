// Route schemas of the webhook endpoints and the delivery log (API.md §5), spread into the routes'
// own `schema` (which keep their tags and summaries). Request parts come from the handlers' zod
// schemas, passed in; answers are components.
import type { z } from 'zod';
import { describe, jsonSchema, type JsonSchema } from './json-schema.js';
import { problemResponses } from './problem.js';
import { ID_PARAMS } from './sessions-api.js';

const security = [{ bearer: [] }];
const ref = (name: string, description: string) => ({ description, $ref: name });
const delivery = (description: string) => ref('WebhookDelivery', description);

export const webhookSchemas = {
  createEndpoint: (body: z.ZodType): JsonSchema => ({
    security,
    description: 'The URL must be https and resolve to a public address (unless the customer allows private webhooks); checked again at every delivery.',
    body: describe(jsonSchema(body), {
      url: 'Receives a POST per event (Standard Webhooks 1.0).',
      events: 'Event types to send; absent, null or empty = every session event.',
    }),
    response: {
      201: ref('WebhookEndpointCreated', 'The endpoint with its signing secret (shown once).'),
      ...problemResponses(['invalid_request', 'webhook_url_not_allowed', 'payload_too_large', 'unsupported_media_type']),
    },
  }),
  listEndpoints: {
    security,
    response: { 200: ref('WebhookEndpointList', 'The customer\'s endpoints.'), ...problemResponses([]) },
  },
  deleteEndpoint: {
    security,
    params: ID_PARAMS,
    response: { 204: { type: 'null', description: 'Deleted: no more deliveries to it.' }, ...problemResponses(['not_found']) },
  },
  rotateSecret: {
    security,
    params: ID_PARAMS,
    response: { 200: ref('WebhookSecret', 'The new secret (shown once); both sign for 24 h.'), ...problemResponses(['not_found']) },
  },
  enable: {
    security,
    description: 'After the broker disabled it (the receiver answered 410).',
    params: ID_PARAMS,
    response: { 200: ref('WebhookEndpoint', 'The endpoint, enabled.'), ...problemResponses(['not_found']) },
  },
  test: {
    security,
    params: ID_PARAMS,
    response: { 202: delivery('The queued delivery of a `webhook.test` event.'), ...problemResponses(['not_found']) },
  },
  listDeliveries: (query: z.ZodType): JsonSchema => ({
    security,
    querystring: describe(jsonSchema(query), {
      session_id: 'Only this session\'s events.',
      endpoint_id: 'Only deliveries to this endpoint.',
      limit: 'Page size.',
      cursor: 'The `next_cursor` of the previous page.',
    }),
    response: { 200: ref('WebhookDeliveryList', 'One page of deliveries.'), ...problemResponses(['invalid_request']) },
  }),
  readDelivery: {
    security,
    params: ID_PARAMS,
    response: { 200: delivery('The delivery with its attempts.'), ...problemResponses(['not_found']) },
  },
  retry: {
    security,
    description: 'The receiver gets the same `webhook-id` again.',
    params: ID_PARAMS,
    response: { 202: delivery('The delivery, due now.'), ...problemResponses(['not_found']) },
  },
};
