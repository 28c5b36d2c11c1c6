// /openapi.json and /docs (issue 2): an OpenAPI 3.1 document generated from the route schemas, with
// the real status codes, parameters, bodies and problem answers of every /v1 route, bearer security
// on /v1 only; the documented answer shapes hold every field real answers carry (and response
// schemas drop none); /docs shows it all; /v1 takes JSON only.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { buildApp } from '../../src/http/app.js';
import type { HttpDeps } from '../../src/http/deps.js';
import type { Provider } from '../../src/providers/contract.js';
import { Problem } from '../../src/http/schemas/problem.js';
import { SessionList, SessionView } from '../../src/http/schemas/session.js';
import { WebhookDelivery, WebhookDeliveryList, WebhookEndpoint, WebhookEndpointCreated, WebhookEndpointList, WebhookSecret } from '../../src/http/schemas/webhooks.js';
import { sessionView } from '../../src/http/session-view.js';
import { FlowClient } from '../support/flow-client.js';
import { MERCHANT, startBroker, type TestBroker } from '../support/broker.js';

type Doc = { openapi: string; info: Record<string, unknown>; security?: unknown; paths: Record<string, Record<string, any>>; components: { schemas: Record<string, any>; securitySchemes: Record<string, any> }; webhooks?: Record<string, any> };

/** Every /v1 operation and the success status it really answers. */
const V1: [string, string, string][] = [
  ['post', '/v1/sessions', '201'],
  ['get', '/v1/sessions', '200'],
  ['get', '/v1/sessions/{id}', '200'],
  ['get', '/v1/sessions/{id}/events', '200'],
  ['post', '/v1/sessions/{id}/cancel', '200'],
  ['get', '/v1/sessions/{id}/qr', '200'],
  ['post', '/v1/webhook-endpoints', '201'],
  ['get', '/v1/webhook-endpoints', '200'],
  ['delete', '/v1/webhook-endpoints/{id}', '204'],
  ['post', '/v1/webhook-endpoints/{id}/rotate-secret', '200'],
  ['post', '/v1/webhook-endpoints/{id}/enable', '200'],
  ['post', '/v1/webhook-endpoints/{id}/test', '202'],
  ['get', '/v1/webhook-deliveries', '200'],
  ['get', '/v1/webhook-deliveries/{id}', '200'],
  ['post', '/v1/webhook-deliveries/{id}/retry', '202'],
];

const IDENTITY = {
  provider: 'se-bankid', country: 'SE', subject: 'sub-1',
  national_id: { value: '199001011239', type: 'se_personnummer', country: 'SE' },
  first_name: 'Tess', last_name: 'Tester', full_name: 'Tess Tester', date_of_birth: '1990-01-01',
  assurance: { level: 'high', raw: 'uhi' }, authenticated_at: '2026-01-01T00:00:00.000Z',
  raw: { user: { givenName: 'Tess' }, bankIdIssueDate: '2020-01-01', stepUp: { mrtd: true }, extra_field_from_provider: [1, 2] },
} as const;

/** Completes a headless sign at start, so that a read shows a signature and a device. */
const signingProvider: Provider = {
  method: 'se-bankid',
  operations: ['authenticate', 'sign'],
  flows: ['browser', 'headless'],
  start: async () => ({
    kind: 'complete', identity: IDENTITY as never,
    signature: { format: 'bankid-xmldsig', value: 'PHhtbC8+', ocsp_response: 'b2NzcA==', signed_text: 'Pay 10 SEK' },
    device: { ip_address: '192.0.2.7' },
  }),
  progress: async (state) => ({ kind: 'pending', state }),
  cancel: async () => undefined,
};

function refsIn(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => refsIn(n, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) (k === '$ref' ? out.push(String(v)) : refsIn(v, out));
  }
  return out;
}

/** Holds a real answer to its documented (strict) shape: a field the document lacks fails here. */
function documented(schema: z.ZodType, body: unknown): void {
  const r = schema.safeParse(body);
  expect(r.success ? [] : r.error.issues).toEqual([]);
}

describe('OpenAPI document, /docs and JSON-only /v1', () => {
  let b: TestBroker;
  let doc: Doc;
  beforeAll(async () => {
    b = await startBroker('sqlite', { customer: { allow_private_webhooks: true }, providers: [signingProvider] });
    doc = await (await fetch(`${b.url}/openapi.json`)).json();
  });
  afterAll(async () => b?.close());

  it('is OpenAPI 3.1 with the structure the specification requires', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toMatchObject({ title: 'IDBridge', version: expect.any(String) });
    expect(doc.components.securitySchemes.bearer).toEqual(expect.objectContaining({ type: 'http', scheme: 'bearer' }));
    for (const [path, ops] of Object.entries(doc.paths)) {
      const templated = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const [verb, op] of Object.entries(ops)) {
        expect(['get', 'post', 'delete', 'put', 'patch']).toContain(verb);
        expect(Object.keys(op.responses).length, `${verb} ${path}`).toBeGreaterThan(0);
        for (const [status, r] of Object.entries<any>(op.responses)) {
          expect(status).toMatch(/^[1-5](\d\d|XX)$/);
          expect(r.description, `${verb} ${path} ${status}`).not.toBe('Default Response');
          if (r.content) for (const media of Object.values<any>(r.content)) expect(media.schema).toBeTypeOf('object');
        }
        const params = (op.parameters ?? []) as { in: string; name: string; required?: boolean; schema?: unknown }[];
        for (const p of params) {
          expect(['query', 'header', 'path', 'cookie']).toContain(p.in);
          expect(p.schema).toBeTypeOf('object');
        }
        // Every path template has a required path parameter, and no other path parameter exists.
        expect(params.filter((p) => p.in === 'path').map((p) => [p.name, p.required]).sort()).toEqual(templated.map((n) => [n, true]).sort());
      }
    }
    // Every reference points at a component that exists.
    for (const ref of refsIn(doc)) {
      expect(ref).toMatch(/^#\/components\/schemas\//);
      expect(doc.components.schemas[ref.slice('#/components/schemas/'.length)], ref).toBeDefined();
    }
    expect(doc.webhooks?.['session-event']?.post?.requestBody?.content?.['application/json']?.schema).toEqual({ $ref: '#/components/schemas/WebhookEvent' });
  });

  it('documents every /v1 operation with its real success status, problem answers and bearer security', () => {
    const documentedOps = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((v) => `${v} ${p}`)).filter((o) => o.includes(' /v1'));
    expect(documentedOps.sort()).toEqual(V1.map(([v, p]) => `${v} ${p}`).sort());
    for (const [verb, path, success] of V1) {
      const op = doc.paths[path][verb];
      expect(op.security, `${verb} ${path}`).toEqual([{ bearer: [] }]);
      const statuses = Object.keys(op.responses);
      expect(statuses.filter((s) => s.startsWith('2')), `${verb} ${path}`).toEqual([success]);
      expect(statuses).toEqual(expect.arrayContaining(['401', '500']));
      for (const status of statuses.filter((s) => /^[45]/.test(s))) {
        const schema = op.responses[status].content['application/problem+json'].schema;
        expect(schema.allOf[0]).toEqual({ $ref: '#/components/schemas/Problem' });
        expect(schema.allOf[1].properties.code.enum.length).toBeGreaterThan(0);
      }
    }
    const op = (verb: string, path: string) => doc.paths[path][verb];
    expect(op('delete', '/v1/webhook-endpoints/{id}').responses['204'].content).toBeUndefined();
    expect(op('post', '/v1/sessions').responses['201'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Session' });
    expect(op('post', '/v1/sessions').responses['409'].content['application/problem+json'].schema.allOf[1].properties.code.enum).toEqual(['idempotency_conflict']);
    expect(op('post', '/v1/sessions').responses['415']).toBeDefined();
    expect(op('post', '/v1/sessions/{id}/cancel').responses['409'].content['application/problem+json'].schema.allOf[1].properties.code.enum).toEqual(['session_final']);
    expect(op('get', '/v1/sessions/{id}').responses['429'].headers['retry-after']).toBeDefined();
    expect(Object.keys(op('get', '/v1/sessions/{id}/events').responses['200'].content)).toEqual(['text/event-stream']);
    expect(Object.keys(op('get', '/v1/sessions/{id}/qr').responses['200'].content).sort()).toEqual(['application/json', 'image/svg+xml']);
  });

  it('lists the query parameters, the create body and the webhook bodies', () => {
    const query = (verb: string, path: string) => Object.fromEntries(doc.paths[path][verb].parameters.filter((p: any) => p.in === 'query').map((p: any) => [p.name, p]));
    const read = query('get', '/v1/sessions/{id}');
    expect(Object.keys(read).sort()).toEqual(['version', 'wait']);
    expect(read.wait.schema).toMatchObject({ type: 'integer', minimum: 0, maximum: 30 });
    const list = query('get', '/v1/sessions');
    expect(Object.keys(list).sort()).toEqual(['cursor', 'limit', 'updated_since']);
    expect(list.updated_since).toMatchObject({ required: true, schema: { type: 'string', format: 'date-time' } });
    expect(list.limit.schema).toMatchObject({ minimum: 1, maximum: 500, default: 100 });
    expect(Object.keys(query('get', '/v1/sessions/{id}/qr'))).toEqual(['format']);
    expect(Object.keys(query('get', '/v1/webhook-deliveries')).sort()).toEqual(['cursor', 'endpoint_id', 'limit', 'session_id']);
    const header = doc.paths['/v1/sessions'].post.parameters.find((p: any) => p.in === 'header');
    expect(header.name).toBe('idempotency-key');

    const create = doc.paths['/v1/sessions'].post.requestBody.content['application/json'].schema;
    expect(create.required).toEqual(['method']);
    expect(create.additionalProperties).toBe(false);
    expect(Object.keys(create.properties)).toEqual(['method', 'operation', 'flow', 'target', 'target_error', 'relay_state', 'locale', 'sign', 'personal_number', 'phone', 'device', 'min_assurance', 'end_user_ip', 'return_url', 'frame_origin', 'expires_in', 'metadata']);
    expect(create.properties.expires_in).toMatchObject({ minimum: 60, maximum: 3600, default: 600 });
    expect(create.properties.relay_state.maxLength).toBe(512);
    expect(create.properties.target.description).toContain('registered');
    const hook = doc.paths['/v1/webhook-endpoints'].post.requestBody.content['application/json'].schema;
    expect(Object.keys(hook.properties)).toEqual(['url', 'events']);
    expect(doc.components.schemas.WebhookDelivery.properties.attempts.items).toEqual({ $ref: '#/components/schemas/WebhookAttempt' });
    // Open shapes stay open: the merchant's metadata and the provider's raw claims are any object.
    expect(doc.components.schemas.Identity.properties.raw.additionalProperties).toEqual({});
    expect(doc.components.schemas.Session.additionalProperties).toBeUndefined();
  });

  it('documents the create limits the handler enforces (lengths in code points, as JSON Schema counts them)', async () => {
    const props = doc.paths['/v1/sessions'].post.requestBody.content['application/json'].schema.properties;
    const status = async (extra: Record<string, unknown>) => (await b.api('/v1/sessions', { method: 'POST', json: { method: 'demo', ...extra } })).status;
    const max = props.relay_state.maxLength;
    expect(await status({ relay_state: '\u{1F600}'.repeat(max) })).toBe(201);
    expect(await status({ relay_state: 'x'.repeat(max + 1) })).toBe(400);
    const { minimum, maximum } = props.expires_in;
    expect([await status({ expires_in: minimum }), await status({ expires_in: maximum })]).toEqual([201, 201]);
    expect([await status({ expires_in: minimum - 1 }), await status({ expires_in: maximum + 1 })]).toEqual([400, 400]);
  });

  it('puts bearer security on /v1 only and leaves pages, callbacks and assets out', () => {
    expect(doc.security).toBeUndefined();
    for (const [path, ops] of Object.entries(doc.paths)) {
      if (path.startsWith('/v1/')) continue;
      expect(['/healthz', '/readyz', '/metrics']).toContain(path);
      for (const op of Object.values<any>(ops)) expect(op.security).toEqual([]);
    }
    const paths = Object.keys(doc.paths).join(' ');
    for (const hidden of ['/flow', '/oidc', '/.well-known', '/assets', '/docs', '/openapi.json']) expect(paths).not.toContain(hidden);
  });

  it('documents every field of real answers, and the response schemas drop none', async () => {
    const created = await b.api('/v1/sessions', { method: 'POST', json: { method: 'demo', target: `${MERCHANT}/done`, relay_state: 'rs', metadata: { cart: { items: [1, 2], note: null }, x: 'y' } } });
    expect(created.status).toBe(201);
    documented(SessionView, created.body);
    const flow = new FlowClient(created.body.redirect_url);
    await flow.bind();
    await flow.start();
    await flow.approve(0);
    const done = await b.api(`/v1/sessions/${created.body.id}`);
    expect(done.body.status).toBe('complete');
    documented(SessionView, done.body);
    // Exactly what the handler's view holds (JSON as sent): metadata and identity.raw whole.
    const stored = (await b.broker.store.getSession(created.body.id))!;
    expect(done.body).toEqual(JSON.parse(JSON.stringify(sessionView(stored, b.url))));
    expect(done.body.metadata).toEqual({ cart: { items: [1, 2], note: null }, x: 'y' });
    expect(Object.keys(done.body.result.identity.raw).length).toBeGreaterThan(0);

    const signed = await b.api('/v1/sessions', { method: 'POST', json: { method: 'se-bankid', operation: 'sign', flow: 'headless', end_user_ip: '192.0.2.7', sign: { text: 'Pay 10 SEK' } } });
    expect(signed.status).toBe(201);
    const signedRead = await b.api(`/v1/sessions/${signed.body.id}`);
    documented(SessionView, signedRead.body);
    expect(signedRead.body.result.identity.raw).toEqual(IDENTITY.raw);
    expect(signedRead.body.result.signature.signed_text).toBe('Pay 10 SEK');

    const list = await b.api(`/v1/sessions?updated_since=2000-01-01T00:00:00Z&limit=500`);
    documented(SessionList, list.body);
    const other = (await b.api('/v1/sessions', { method: 'POST', json: { method: 'demo' } })).body;
    const cancelled = await b.api(`/v1/sessions/${other.id}/cancel`, { method: 'POST' });
    expect(cancelled.status).toBe(200);
    documented(SessionView, cancelled.body);
    const final = await b.api(`/v1/sessions/${other.id}/cancel`, { method: 'POST' });
    expect(final.status).toBe(409);
    documented(Problem, final.body);
    documented(Problem, (await b.api('/v1/sessions', { method: 'POST', json: { method: 'demo', colour: 'blue' } })).body);
  });

  it('documents every field of the webhook answers', async () => {
    const created = await b.api('/v1/webhook-endpoints', { method: 'POST', json: { url: 'http://127.0.0.1:9/hooks', events: ['session.completed'] } });
    expect(created.status).toBe(201);
    documented(WebhookEndpointCreated, created.body);
    const id = created.body.id;
    documented(WebhookEndpointList, (await b.api('/v1/webhook-endpoints')).body);
    documented(WebhookSecret, (await b.api(`/v1/webhook-endpoints/${id}/rotate-secret`, { method: 'POST' })).body);
    documented(WebhookEndpoint, (await b.api(`/v1/webhook-endpoints/${id}/enable`, { method: 'POST' })).body);
    const test = await b.api(`/v1/webhook-endpoints/${id}/test`, { method: 'POST' });
    expect(test.status).toBe(202);
    documented(WebhookDelivery, test.body);
    documented(WebhookDeliveryList, (await b.api(`/v1/webhook-deliveries?endpoint_id=${id}`)).body);
    documented(WebhookDelivery, (await b.api(`/v1/webhook-deliveries/${test.body.id}`)).body);
    const retry = await b.api(`/v1/webhook-deliveries/${test.body.id}/retry`, { method: 'POST' });
    expect(retry.status).toBe(202);
    documented(WebhookDelivery, retry.body);
    expect((await b.api(`/v1/webhook-endpoints/${id}`, { method: 'DELETE' })).status).toBe(204);
  });

  it('refuses a form-encoded or plain-text create with 415 unsupported_media_type and stores nothing', async () => {
    const count = async () => (await b.api(`/v1/sessions?updated_since=2000-01-01T00:00:00Z&limit=500`)).body.data.length;
    const before = await count();
    for (const [type, body] of [['application/x-www-form-urlencoded', 'method=demo'], ['text/plain', '{"method":"demo"}'], ['multipart/form-data; boundary=x', '--x--']]) {
      const r = await fetch(`${b.url}/v1/sessions`, { method: 'POST', headers: { authorization: `Bearer ${b.key}`, 'content-type': type }, body });
      expect(r.status, type).toBe(415);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
      expect(await r.json()).toMatchObject({ status: 415, code: 'unsupported_media_type' });
    }
    const hook = await fetch(`${b.url}/v1/webhook-endpoints`, { method: 'POST', headers: { authorization: `Bearer ${b.key}`, 'content-type': 'application/x-www-form-urlencoded' }, body: 'url=http://127.0.0.1:9/x' });
    expect(hook.status).toBe(415);
    // The key is checked first: a form without a good key is 401.
    const anon = await fetch(`${b.url}/v1/sessions`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'method=demo' });
    expect(anon.status).toBe(401);
    expect(await count()).toBe(before);
    expect((await b.api('/v1/sessions', { method: 'POST', json: { method: 'demo' } })).status).toBe(201);
  });

  it('takes a body-less POST whatever its content type (clients label an empty cancel as a form)', async () => {
    const s = await b.api('/v1/sessions', { method: 'POST', json: { method: 'demo' } });
    const cancel = await fetch(`${b.url}/v1/sessions/${s.body.id}/cancel`, { method: 'POST', headers: { authorization: `Bearer ${b.key}`, 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
    expect(cancel.status).toBe(200);
    expect((await cancel.json()).status).toBe('cancelled');
    // an empty create is judged on its (missing) fields, not refused for its label
    const create = await fetch(`${b.url}/v1/sessions`, { method: 'POST', headers: { authorization: `Bearer ${b.key}`, 'content-type': 'application/x-www-form-urlencoded' }, body: '' });
    expect(create.status).toBe(400);
    expect((await create.json()).code).toBe('invalid_request');
  });

  it('serves /docs: every operation with its parameters, body fields, responses and error codes, under a CSP that allows its style only', async () => {
    const r = await fetch(`${b.url}/docs`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toContain('text/html');
    const html = await r.text();
    for (const [verb, path, success] of V1) {
      const id = `op-${verb}${path.replace(/[^a-zA-Z0-9]+/g, '-').replace(/-$/, '')}`;
      const start = html.indexOf(`<section id="${id}">`);
      expect(start, id).toBeGreaterThan(-1);
      const section = html.slice(start, html.indexOf('</section>', start));
      expect(section).toContain(`<code>${path}</code>`);
      expect(section).toContain(`<td>${success}</td>`);
      expect(section).toContain('<a href="/docs/errors#unauthorized">');
    }
    const create = html.slice(html.indexOf('<section id="op-post-v1-sessions">'), html.indexOf('<section id="op-get-v1-sessions">'));
    for (const field of ['method', 'relay_state', 'sign.text', 'phone.call_initiator', 'expires_in', 'metadata', 'idempotency-key']) expect(create).toContain(`<code>${field}</code>`);
    for (const code of ['invalid_request', 'target_not_allowed', 'idempotency_conflict', 'unsupported_media_type', 'rate_limited']) expect(create).toContain(`/docs/errors#${code}`);
    const read = html.slice(html.indexOf('<section id="op-get-v1-sessions-id">'));
    expect(read).toContain('<code>wait</code>');
    expect(html).toContain('<code>updated_since</code>');
    expect(html).toContain('<section id="schema-Session">');
    expect(html).toContain('<code>result_erased_at</code>');
    expect(html).toContain('<section id="webhook-session-event">');
    // No script, no external asset; the CSP names the inline style's hash and nothing else.
    expect(html).not.toMatch(/<script|<link|src=|https?:\/\/(?!127\.0\.0\.1)[^"<]*"/i);
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1];
    const csp = r.headers.get('content-security-policy')!;
    expect(csp).toContain(`style-src 'sha256-${createHash('sha256').update(style).digest('base64')}'`);
    expect(csp).toMatch(/default-src 'none'/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    const errors = await fetch(`${b.url}/docs/errors`);
    expect(errors.headers.get('content-security-policy')).toBe(csp);
    expect(await errors.text()).toContain('<tr id="unsupported_media_type">');
  });
});

describe('response schemas', () => {
  it('document only: an answer is written as the handler built it, fields the schema lacks included', async () => {
    // The least buildApp needs to register its routes; no request below reaches a store.
    const deps = {
      config: { publicUrl: 'http://127.0.0.1:9', maxWaits: 1, rateLimitCreate: 0, rateLimitPages: 0, demoEnabled: false, trustProxy: [], logLevel: 'silent' },
      metrics: { setWaitCounter() {}, observeHttp() {} },
      authenticate: async () => {},
      createLimiter: null,
    } as unknown as HttpDeps;
    const app = await buildApp(deps, {
      extraPlugins: [async (scope) => {
        scope.get('/probe', { schema: { response: { 200: { type: 'object', properties: { a: { type: 'string' } } } } } }, async () => ({ a: 1, b: { c: [1] } }));
      }],
    });
    try {
      // Fastify's default serializer would answer {"a":"1"}: coerced, and b gone.
      expect((await app.inject('/probe')).json()).toEqual({ a: 1, b: { c: [1] } });
    } finally {
      await app.close();
    }
  });
});
