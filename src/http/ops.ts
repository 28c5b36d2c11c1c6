// Operator endpoints (API.md §1): health, readiness, metrics, the OpenAPI document and its page
// (openapi-page.ts), and the workflow pages' static assets.
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { HttpDeps } from './deps.js';
import { apiReferencePage, DOCS_CSP, errorsPage, type OpenApiDoc } from './openapi-page.js';
import { assetCaching, PAGE_ASSETS } from './page-assets.js';

export async function opsRoutes(app: FastifyInstance, deps: HttpDeps): Promise<void> {
  const ops = (summary: string, response: Record<number, unknown>) => ({ tags: ['operations'], summary, security: [], response });
  const status = (description: string, value: string) => ({ description, type: 'object', properties: { status: { const: value } }, required: ['status'] });

  app.get('/healthz', { schema: ops('The process serves', { 200: status('Serving.', 'ok') }) }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: ops('The database answers', { 200: status('Ready.', 'ready'), 503: status('The database did not answer within 2 s.', 'unavailable') }) }, async (_req, reply) => {
    try {
      await Promise.race([deps.store.ping(), new Promise((_, rej) => setTimeout(() => rej(new Error('timeout')), 2000))]);
      return { status: 'ready' };
    } catch {
      return reply.code(503).send({ status: 'unavailable' });
    }
  });

  const text = { content: { 'text/plain': { schema: { type: 'string' } } } };
  app.get('/metrics', { schema: ops('Prometheus metrics', { 200: { description: 'Prometheus text exposition format.', ...text } }) }, async (_req, reply) => {
    reply.type(deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });

  app.get('/assets/:name', { schema: { hide: true } }, async (req, reply) => {
    const name = (req.params as { name: string }).name;
    const found = Object.hasOwn(PAGE_ASSETS, name) ? PAGE_ASSETS[name] : undefined;
    if (!found) return reply.code(404).send({ code: 'not_found' });
    const caching = assetCaching(found, (req.query as { v?: unknown }).v);
    return reply.type(found.type).header('cache-control', caching).send(found.body);
  });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  // Rendered once: the document does not change while the process runs.
  let reference: string | null = null;
  const html = (reply: FastifyReply, body: string) => reply.type('text/html; charset=utf-8').header('content-security-policy', DOCS_CSP).send(body);
  app.get('/docs', { schema: { hide: true } }, async (_req, reply) => html(reply, (reference ??= apiReferencePage(app.swagger() as unknown as OpenApiDoc))));
  app.get('/docs/errors', { schema: { hide: true } }, async (_req, reply) => html(reply, errorsPage()));
}
