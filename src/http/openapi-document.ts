// The OpenAPI 3.1 document (/openapi.json) as @fastify/swagger builds it from the route schemas:
// the merchant API (/v1, behind the bearer key) and the operator endpoints that say so; every
// other route (workflow pages, provider callbacks, assets, the document itself) stays out of it.
import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import type { FastifySchema } from 'fastify';

type Schema = FastifySchema & { security?: unknown[]; hide?: boolean };

export const BEARER = [{ bearer: [] }];

/** A /v1 route always carries the bearer key; any other route appears only if its schema says
 * who may call it (`security: []` = anyone), so a page added later is not published by accident. */
export function placeRoute({ schema, url }: { schema: Schema | undefined; url: string }): { schema: Schema; url: string } {
  const s = schema ?? {};
  if (url === '/v1' || url.startsWith('/v1/')) return { schema: { ...s, security: BEARER }, url };
  if (Array.isArray(s.security) && s.security.length === 0) return { schema: s, url };
  return { schema: { ...s, hide: true }, url };
}

const WEBHOOK_HEADERS = [
  ['webhook-id', 'The event\'s id: the same on every retry of one event (deduplicate by it).'],
  ['webhook-timestamp', 'Unix seconds when this attempt was signed.'],
  ['webhook-signature', '`v1,<base64 HMAC-SHA256>` under the endpoint\'s secret; verify with a Standard Webhooks library.'],
].map(([name, description]) => ({ in: 'header', name, required: true, description, schema: { type: 'string' } }));

/** `config` is read when the document is first asked for: a test broker learns its port after start. */
export function openApiOptions(config: { publicUrl: string }): FastifyDynamicSwaggerOptions {
  return {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'IDBridge',
        version: '1',
        description: 'One API for Swedish BankID, Norwegian BankID, MitID and FTN. Every /v1 call takes `Authorization: Bearer <api_key>`. Errors are application/problem+json with a stable `code` (/docs/errors). Answers may gain fields: ignore the ones you do not know.',
      },
      tags: [
        { name: 'sessions', description: 'Create a session, send the browser to its redirect_url (or start the app headless), then read the result.' },
        { name: 'webhooks', description: 'Signed notifications of final statuses (Standard Webhooks 1.0), and their delivery log.' },
        { name: 'operations', description: 'Health, readiness and metrics for the operator; no key.' },
      ],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'The customer\'s API key.' } } },
      webhooks: {
        'session-event': {
          post: {
            summary: 'A session reached a final status (or a webhook.test)',
            description: 'Sent to each enabled endpoint whose `events` include the type. Only 2xx counts as delivered; redirects are not followed; 410 disables the endpoint. Retries after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h (with jitter). No personal data: read the session for the result.',
            parameters: WEBHOOK_HEADERS,
            requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/WebhookEvent' } } } },
            responses: { '2XX': { description: 'Delivered.' }, '410': { description: 'Disables the endpoint.' } },
          },
        },
      },
    },
    // Components keep their names (Session, Problem…) instead of def-0, def-1…
    refResolver: { buildLocalReference: (json, _base, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
    transform: placeRoute,
    transformObject: (doc) => ({ ...('openapiObject' in doc ? doc.openapiObject : {}), servers: [{ url: config.publicUrl }] }),
  } as FastifyDynamicSwaggerOptions;
}
