// Webhook endpoints through the API (API.md §5): registration with the SSRF guard, list, delete,
// rotate-secret with its 24 h overlap, 410 disables and enable resumes, and 404 for what another
// customer owns.
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/ids.js';
import { dialects } from '../support/databases.js';
import { verifyAsReceiver } from '../webhooks/support/harness.js';
import { hooksBroker, receiver, until, useHooksCleanup } from './support/hooks-broker.js';

useHooksCleanup();
const DAY = 24 * 3_600_000;

describe.each(await dialects())('webhook endpoints on %s', (dialect) => {
  it('creates, lists without secrets, deletes (204) and hides them from other customers (404)', async () => {
    const b = await hooksBroker(dialect);
    b.dns.set('hooks.shop.test', '127.0.0.1');
    const e = await b.endpoint('http://hooks.shop.test:8080/in', ['session.completed', 'session.failed']);
    expect(e).toMatchObject({ id: expect.stringMatching(/^whep_/), url: 'http://hooks.shop.test:8080/in', events: ['session.completed', 'session.failed'], status: 'enabled' });
    const list = await b.api('/v1/webhook-endpoints');
    expect(list.body.data).toEqual([expect.objectContaining({ id: e.id, status: 'enabled' })]);
    expect(JSON.stringify(list.body)).not.toContain('whsec_');
    const other = await b.addCustomer({ allow_private_webhooks: true });
    expect((await b.api('/v1/webhook-endpoints', { key: other.key })).body.data).toEqual([]);
    for (const path of ['rotate-secret', 'enable', 'test']) {
      const r = await b.api(`/v1/webhook-endpoints/${e.id}/${path}`, { method: 'POST', key: other.key });
      expect(r.status, path).toBe(404);
      expect(r.body.code).toBe('not_found');
    }
    expect((await b.api(`/v1/webhook-endpoints/${e.id}`, { method: 'DELETE', key: other.key })).status).toBe(404);
    expect((await b.api(`/v1/webhook-endpoints/${e.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await b.api('/v1/webhook-endpoints')).body.data).toEqual([]);
    expect((await b.api(`/v1/webhook-endpoints/${e.id}`, { method: 'DELETE' })).status).toBe(404);
  });

  it('refuses bad bodies with invalid_request', async () => {
    const b = await hooksBroker(dialect);
    for (const json of [{}, { url: 'https://a.test', events: ['session.started'] }, { url: 'https://a.test', extra: 1 }]) {
      const r = await b.api('/v1/webhook-endpoints', { method: 'POST', json });
      expect(r.status, JSON.stringify(json)).toBe(400);
      expect(r.body.code).toBe('invalid_request');
    }
  });

  it('refuses at registration: private and metadata addresses, http, and names that do not resolve', async () => {
    const b = await hooksBroker(dialect, { allowPrivate: false });
    b.dns.set('internal.shop.test', '10.0.0.8');
    b.dns.set('public.shop.test', '93.184.215.14');
    const refused = [
      'https://127.0.0.1/hooks', 'https://169.254.169.254/latest', 'https://[::ffff:127.0.0.1]/', 'https://2130706433/',
      'https://0x7f.1/', 'https://internal.shop.test/hooks', 'https://nowhere.shop.test/hooks', 'http://public.shop.test/hooks', 'ftp://public.shop.test/',
    ];
    for (const url of refused) {
      const r = await b.api('/v1/webhook-endpoints', { method: 'POST', json: { url } });
      expect(r.status, url).toBe(400);
      expect(r.body.code, url).toBe('webhook_url_not_allowed');
    }
    expect((await b.api('/v1/webhook-endpoints', { method: 'POST', json: { url: 'https://public.shop.test/hooks' } })).status).toBe(201);
    // allow_private_webhooks (local development) admits http and loopback, never an unresolvable name.
    const dev = await b.addCustomer({ allow_private_webhooks: true });
    expect((await b.api('/v1/webhook-endpoints', { method: 'POST', key: dev.key, json: { url: 'http://127.0.0.1:9/h' } })).status).toBe(201);
    expect((await b.api('/v1/webhook-endpoints', { method: 'POST', key: dev.key, json: { url: 'http://nowhere.shop.test/h' } })).body.code).toBe('webhook_url_not_allowed');
  });

  it('checks again at delivery: a name that now resolves to the metadata address gets nothing', async () => {
    const b = await hooksBroker(dialect);
    const r = await receiver();
    b.dns.set('hooks.shop.test', '127.0.0.1');
    await b.endpoint(`http://hooks.shop.test:${r.port}/hooks`);
    b.dns.set('hooks.shop.test', '169.254.169.254');
    const id = await b.completeDemo();
    const d = await until(async () => (await b.api(`/v1/webhook-deliveries?session_id=${id}`)).body.data[0]?.attempts[0], 5_000, 'attempt');
    expect(d).toMatchObject({ status: null, error: expect.stringMatching(/^webhook_url_not_allowed: .*169\.254\.169\.254/) });
    expect(r.requests).toHaveLength(0);
  });

  it('disables an endpoint that answers 410; enable resumes the events that waited', async () => {
    const b = await hooksBroker(dialect);
    const r = await receiver((_req, res) => void res.writeHead(410).end());
    const e = await b.endpoint(r.url);
    await b.completeDemo();
    const disabled = await until(async () => (await b.api('/v1/webhook-endpoints')).body.data.find((x: any) => x.status === 'disabled'), 5_000, 'disabled');
    expect(disabled).toMatchObject({ id: e.id, disabled_reason: 'receiver answered 410 Gone', disabled_at: expect.any(String) });
    const second = await b.cancelDemo(); // written and listed, but not sent while disabled
    await new Promise((res) => setTimeout(res, 400));
    expect(r.requests).toHaveLength(1);
    const queued = (await b.api(`/v1/webhook-deliveries?session_id=${second}`)).body.data;
    expect(queued).toEqual([expect.objectContaining({ endpoint_id: e.id, event_type: 'session.cancelled', status: 'pending', attempt_count: 0, attempts: [] })]);
    r.respond((_req, res) => void res.writeHead(200).end());
    const enabled = await b.api(`/v1/webhook-endpoints/${e.id}/enable`, { method: 'POST' });
    expect(enabled.body).toMatchObject({ id: e.id, status: 'enabled', disabled_reason: null });
    // Both go out now: the event that met the 410 (pending, not lost; its 5 s retry brought
    // forward) and the one written while the endpoint was disabled.
    const firstId = r.requests[0].headers['webhook-id'];
    await until(() => r.requests.filter((q) => q.headers['webhook-id'] === firstId).length === 2, 8_000, 'waiting event after enable');
    await until(() => r.requests.some((q) => q.headers['webhook-id'] === queued[0].event_id), 5_000, 'event queued while disabled');
    const t = await b.api(`/v1/webhook-endpoints/${e.id}/test`, { method: 'POST' });
    await until(() => r.requests.some((q) => q.headers['webhook-id'] === t.body.event_id), 5_000, 'test event after enable');
  });

  it('rotate-secret: both secrets verify for 24 h, then only the new one', async () => {
    const clock = new ManualClock(new Date());
    const b = await hooksBroker(dialect, { clock });
    const r = await receiver();
    const e = await b.endpoint(r.url);
    const rotated = await b.api(`/v1/webhook-endpoints/${e.id}/rotate-secret`, { method: 'POST' });
    expect(rotated.status).toBe(200);
    expect(rotated.body).toEqual({ id: e.id, secret: expect.stringMatching(/^whsec_/) });
    expect(rotated.body.secret).not.toBe(e.secret);
    await b.api(`/v1/webhook-endpoints/${e.id}/test`, { method: 'POST' });
    await until(() => r.requests.length === 1, 3_000, 'first test event');
    expect(() => verifyAsReceiver(r.requests[0], e.secret)).not.toThrow();
    expect(() => verifyAsReceiver(r.requests[0], rotated.body.secret)).not.toThrow();
    clock.advance(DAY + 1_000);
    await b.api(`/v1/webhook-endpoints/${e.id}/test`, { method: 'POST' });
    await until(() => r.requests.length === 2, 3_000, 'second test event');
    expect(() => verifyAsReceiver(r.requests[1], rotated.body.secret)).not.toThrow();
    expect(() => verifyAsReceiver(r.requests[1], e.secret)).toThrow();
  });

  it('exports the dispatcher metrics on the broker /metrics', async () => {
    const b = await hooksBroker(dialect);
    const r = await receiver();
    await b.endpoint(r.url);
    await b.completeDemo();
    await until(() => r.requests.length === 1, 5_000, 'delivery');
    const text = await until(async () => {
      const t = await (await fetch(`${b.url}/metrics`)).text();
      return t.includes('idbridge_webhook_attempts_total{outcome="delivered"} 1') ? t : null;
    }, 3_000, 'metrics');
    expect(text).toContain('idbridge_webhook_queue_depth 0');
  });
});
