// /docs: the API reference as one server-rendered page, read from the same OpenAPI document as
// /openapi.json (so the two cannot disagree), and /docs/errors. No script, no external asset: the
// style sits in the page and the page's CSP allows exactly that style by its hash.
import { createHash } from 'node:crypto';
import { API_ERRORS, SESSION_ERRORS } from '../core/errors.js';
import { esc } from './html.js';
import { fieldRows, fieldTable, limits, prose, refName, schemaLink, sentences, typeLabel, type Schema } from './openapi-fields.js';

type Operation = Schema & { summary?: string; description?: string; tags?: string[]; security?: unknown[]; parameters?: Schema[]; requestBody?: Schema; responses?: Record<string, Schema> };
export type OpenApiDoc = Schema & {
  info: { title: string; version: string; description?: string };
  servers?: { url: string }[];
  tags?: { name: string; description?: string }[];
  paths: Record<string, Record<string, Operation>>;
  webhooks?: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
};

const STYLE = `body{margin:0;font:15px/1.5 system-ui,sans-serif;color-scheme:light dark}main{max-width:64rem;margin:0 auto;padding:1rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}th,td{border:1px solid #8884;padding:.3rem .5rem;text-align:left;vertical-align:top}
code{font-size:.9em}h3{margin-top:2rem;border-top:1px solid #8886;padding-top:1rem}.verb{font-weight:bold}.req{font-size:.8em;color:#b35c00}nav li{margin:.1rem 0}`;

/** The CSP of the docs pages: nothing but their own inline style. */
export const DOCS_CSP = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

export function docsPage(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title><style>${STYLE}</style></head><body><main>${body}</main></body></html>`;
}

const anchor = (verb: string, path: string) => `op-${verb}${path.replace(/[^a-zA-Z0-9]+/g, '-').replace(/-$/, '')}`;

function errorLinks(content: Schema | undefined): string {
  const schema = (content?.['application/problem+json'] as Schema | undefined)?.schema as Schema | undefined;
  const parts = (schema?.allOf as Schema[] | undefined) ?? [];
  const codes = parts.flatMap((p) => (((p.properties as Schema | undefined)?.code as Schema | undefined)?.enum as string[] | undefined) ?? []);
  return codes.map((c) => `<a href="/docs/errors#${esc(c)}"><code>${esc(c)}</code></a>`).join(', ');
}

function bodyCell(content: Schema | undefined): string {
  if (!content) return 'no body';
  return Object.entries(content).map(([type, media]) => {
    if (type === 'application/problem+json') return `${schemaLink('Problem')} (${esc(type)}): ${errorLinks(content)}`;
    const schema = ((media as Schema).schema ?? {}) as Schema;
    return `${typeLabel(schema)} (${esc(type)})`;
  }).join('<br>');
}

function parameters(op: Operation): string {
  const rows = (op.parameters ?? []).map((p) => {
    const schema = (p.schema ?? {}) as Schema;
    const notes = sentences([prose(p.description), limits(schema)]);
    return `<tr><td><code>${esc(p.name)}</code>${p.required ? ' <span class="req">required</span>' : ''}</td><td>${esc(p.in)}</td><td>${typeLabel(schema)}</td><td>${notes}</td></tr>`;
  });
  return rows.length ? `<h4>Parameters</h4><table><thead><tr><th>Name</th><th>In</th><th>Type</th><th>Notes</th></tr></thead><tbody>${rows.join('')}</tbody></table>` : '';
}

function requestBody(op: Operation): string {
  const content = op.requestBody?.content as Record<string, { schema: Schema }> | undefined;
  if (!content) return '';
  return Object.entries(content).map(([type, { schema }]) => {
    const name = refName(schema);
    const fields = name ? `<p>${schemaLink(name)}</p>` : fieldTable(fieldRows(schema));
    return `<h4>Body (<code>${esc(type)}</code>)</h4>${fields}`;
  }).join('');
}

function responses(op: Operation): string {
  const order = (status: string) => Number(status.replace(/X/gi, '0')) || 999;
  const rows = Object.entries(op.responses ?? {}).sort(([a], [b]) => order(a) - order(b)).map(([status, r]) => {
    const headers = Object.keys((r.headers as Schema | undefined) ?? {}).map((h) => `<br>header <code>${esc(h)}</code>`).join('');
    return `<tr><td>${esc(status)}</td><td>${prose(r.description)}${headers}</td><td>${bodyCell(r.content as Schema | undefined)}</td></tr>`;
  });
  return `<h4>Responses</h4><table><thead><tr><th>Status</th><th>Meaning</th><th>Body</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

const BEARER_AUTH = 'Bearer API key (<code>Authorization: Bearer &lt;api_key&gt;</code>).';

function operation(verb: string, path: string, op: Operation, id: string, auth = op.security?.length ? BEARER_AUTH : 'None.'): string {
  return `<section id="${esc(id)}"><h3><span class="verb">${esc(verb.toUpperCase())}</span> <code>${esc(path)}</code>: ${esc(op.summary ?? '')}</h3>
${op.description ? `<p>${prose(op.description)}</p>` : ''}<p>Authentication: ${auth}</p>${parameters(op)}${requestBody(op)}${responses(op)}</section>`;
}

function operations(doc: OpenApiDoc): { tag: string; html: string; toc: string }[] {
  const byTag = new Map<string, { html: string[]; toc: string[] }>();
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [verb, op] of Object.entries(ops)) {
      const tag = op.tags?.[0] ?? 'other';
      const group = byTag.get(tag) ?? { html: [], toc: [] };
      const id = anchor(verb, path);
      group.html.push(operation(verb, path, op, id));
      group.toc.push(`<li><a href="#${esc(id)}">${esc(verb.toUpperCase())} ${esc(path)}</a>: ${esc(op.summary ?? '')}</li>`);
      byTag.set(tag, group);
    }
  }
  const order = (doc.tags ?? []).map((t) => t.name);
  return [...byTag].sort(([a], [b]) => (order.indexOf(a) >>> 0) - (order.indexOf(b) >>> 0))
    .map(([tag, g]) => {
      const about = doc.tags?.find((t) => t.name === tag)?.description;
      return { tag, toc: `<li>${esc(tag)}<ul>${g.toc.join('')}</ul></li>`, html: `<h2 id="tag-${esc(tag)}">${esc(tag)}</h2>${about ? `<p>${prose(about)}</p>` : ''}${g.html.join('')}` };
    });
}

function webhooks(doc: OpenApiDoc): string {
  const items = Object.entries(doc.webhooks ?? {}).flatMap(([name, ops]) => Object.entries(ops).map(([verb, op]) => operation(verb, `(your endpoint URL): ${name}`, op, `webhook-${name}`, 'verify <code>webhook-signature</code> with the endpoint\'s secret.')));
  return items.length ? `<h2 id="webhooks">Webhooks the broker sends</h2>${items.join('')}` : '';
}

function schemas(doc: OpenApiDoc): string {
  const all = Object.entries(doc.components?.schemas ?? {}).map(([name, s]) =>
    `<section id="schema-${esc(name)}"><h3>${esc(name)}</h3>${s.description ? `<p>${prose(s.description)}</p>` : ''}${fieldTable(fieldRows(s)) || `<p>${typeLabel(s)}</p>`}</section>`);
  return `<h2 id="schemas">Schemas</h2>${all.join('')}`;
}

export function apiReferencePage(doc: OpenApiDoc): string {
  const ops = operations(doc);
  const base = doc.servers?.[0]?.url;
  return docsPage(`${doc.info.title} API reference`, `<h1>${esc(doc.info.title)} API ${esc(doc.info.version)}</h1>
<p>${prose(doc.info.description)}</p>
<p>${base ? `Base URL: <code>${esc(base)}</code>. ` : ''}Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1). Error codes: <a href="/docs/errors">/docs/errors</a>.</p>
<nav><ul>${ops.map((o) => o.toc).join('')}<li><a href="#webhooks">Webhooks the broker sends</a></li><li><a href="#schemas">Schemas</a></li></ul></nav>
${ops.map((o) => o.html).join('')}${webhooks(doc)}${schemas(doc)}`);
}

export function errorsPage(): string {
  const rows = Object.entries(API_ERRORS).map(([code, e]) => `<tr id="${esc(code)}"><td><code>${esc(code)}</code></td><td>${e.status}</td><td>${prose(e.description)}</td></tr>`);
  const session = Object.entries(SESSION_ERRORS).map(([code, text]) => `<tr id="session-${esc(code)}"><td><code>${esc(code)}</code></td><td>${prose(text)}</td></tr>`);
  return docsPage('Errors', `<h1>Error codes</h1><p>Every error answer is <code>application/problem+json</code>: <code>{"type", "title", "status", "code", "detail", "errors"?}</code>. <a href="/docs">API reference</a>.</p>
<table><thead><tr><th>code</th><th>status</th><th>meaning</th></tr></thead><tbody>${rows.join('')}</tbody></table>
<h2>Why a session failed</h2><p>The <code>error.code</code> of a session read (and of its webhook).</p>
<table><thead><tr><th>code</th><th>meaning</th></tr></thead><tbody>${session.join('')}</tbody></table>`);
}
