// Operator endpoints (API.md §1): health, readiness, metrics, the OpenAPI document and its page,
// and the page's static assets.
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { API_ERRORS } from '../core/errors.js';
import type { HttpDeps } from './deps.js';
import { esc } from './html.js';

const asset = (name: string) => readFileSync(new URL(`./assets/${name}`, import.meta.url), 'utf8');

export async function opsRoutes(app: FastifyInstance, deps: HttpDeps): Promise<void> {
  const assets: Record<string, [string, string]> = {
    'flow.js': ['text/javascript; charset=utf-8', asset('flow.js')],
    'flow.css': ['text/css; charset=utf-8', asset('flow.css')],
  };
  for (const [name, extra] of deps.extraAssets ?? []) assets[name] = extra;

  app.get('/healthz', { schema: { hide: true } }, async () => ({ status: 'ok' }));

  app.get('/readyz', { schema: { hide: true } }, async (_req, reply) => {
    try {
      await Promise.race([deps.store.ping(), new Promise((_, rej) => setTimeout(() => rej(new Error('timeout')), 2000))]);
      return { status: 'ready' };
    } catch {
      return reply.code(503).send({ status: 'unavailable' });
    }
  });

  app.get('/metrics', { schema: { hide: true } }, async (_req, reply) => {
    reply.type(deps.metrics.registry.contentType);
    return deps.metrics.registry.metrics();
  });

  app.get('/assets/:name', { schema: { hide: true } }, async (req, reply) => {
    const found = assets[(req.params as { name: string }).name];
    if (!found) return reply.code(404).send({ code: 'not_found' });
    return reply.type(found[0]).header('cache-control', 'public, max-age=300').send(found[1]);
  });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  app.get('/docs', { schema: { hide: true } }, async (_req, reply) => reply.type('text/html; charset=utf-8').send(apiPage(app.swagger() as OpenApi)));
  app.get('/docs/errors', { schema: { hide: true } }, async (_req, reply) => reply.type('text/html; charset=utf-8').send(errorsPage()));
}

type OpenApi = { info: { title: string; version: string }; paths: Record<string, Record<string, { summary?: string; tags?: string[] }>> };

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title><link rel="stylesheet" href="/assets/flow.css"></head><body><main style="max-width:60rem">${body}</main></body></html>`;
}

function apiPage(doc: OpenApi): string {
  const rows = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([verb, op]) => `<tr><td><code>${esc(verb.toUpperCase())}</code></td><td><code>${esc(path)}</code></td><td>${esc(op.summary ?? '')}</td></tr>`),
  );
  return page(`${doc.info.title} API`, `<h1>${esc(doc.info.title)} API ${esc(doc.info.version)}</h1>
<p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1). Errors: <a href="/docs/errors">/docs/errors</a>.
Authenticate with <code>Authorization: Bearer &lt;api_key&gt;</code>.</p>
<table><thead><tr><th>Verb</th><th>Path</th><th>What</th></tr></thead><tbody>${rows.join('')}</tbody></table>`);
}

function errorsPage(): string {
  const rows = Object.entries(API_ERRORS).map(([code, e]) => `<tr id="${esc(code)}"><td><code>${esc(code)}</code></td><td>${e.status}</td><td>${esc(e.description)}</td></tr>`);
  return page('Errors', `<h1>Error codes</h1><table><thead><tr><th>code</th><th>status</th><th>meaning</th></tr></thead><tbody>${rows.join('')}</tbody></table>`);
}
