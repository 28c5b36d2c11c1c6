// Webhooks end to end on a live broker (API.md §5): a session that ends through the real flow is
// written to the outbox in its transaction and delivered, signed, to the merchant's endpoint.
import { describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { dialects } from '../support/databases.js';
import { hooksBroker, receiver, until, useHooksCleanup } from './support/hooks-broker.js';

useHooksCleanup();

describe.each(await dialects())('webhook delivery on %s', (dialect) => {
  it('a demo session completed on the page arrives signed, verifiable, without personal data', async () => {
    const b = await hooksBroker(dialect);
    const r = await receiver();
    const endpoint = await b.endpoint(r.url);
    expect(endpoint).toMatchObject({ url: r.url, events: null, status: 'enabled' });
    expect(endpoint.secret).toMatch(/^whsec_/);
    const id = await b.completeDemo({ metadata: { order: 7 } });
    await until(() => r.requests.length === 1, 5_000, 'delivery');
    const req = r.requests[0];
    const payload = new Webhook(endpoint.secret).verify(req.body, req.headers as Record<string, string>);
    expect(payload).toEqual({
      type: 'session.completed', timestamp: expect.any(String),
      data: { id, status: 'complete', method: 'demo', operation: 'authenticate', relay_state: 'order-7', error: null },
    });
    // The demo person's name and national id are in the session, never in the webhook.
    const read = await b.api(`/v1/sessions/${id}`);
    expect(read.body.result.identity.national_id.value).toBeTruthy();
    for (const secret of [read.body.result.identity.national_id.value, read.body.result.identity.last_name, 'metadata', 'identity']) {
      expect(req.body).not.toContain(secret);
    }
    expect(() => new Webhook(endpoint.secret).verify(req.body.replace('order-7', 'order-8'), req.headers as Record<string, string>)).toThrow();
  });

  it('sends only the event types an endpoint asked for; one webhook-id per event across endpoints', async () => {
    const b = await hooksBroker(dialect);
    const all = await receiver();
    const onlyCancel = await receiver();
    await b.endpoint(all.url);
    await b.endpoint(onlyCancel.url, ['session.cancelled']);
    await b.completeDemo();
    const cancelled = await b.cancelDemo();
    await until(() => all.requests.length === 2 && onlyCancel.requests.length === 1, 5_000, 'deliveries');
    expect(onlyCancel.requests.map((q) => JSON.parse(q.body).type)).toEqual(['session.cancelled']);
    expect(JSON.parse(onlyCancel.requests[0].body).data.id).toBe(cancelled);
    const sameEvent = all.requests.find((q) => JSON.parse(q.body).data.id === cancelled)!;
    expect(sameEvent.headers['webhook-id']).toBe(onlyCancel.requests[0].headers['webhook-id']);
    expect(new Set(all.requests.map((q) => JSON.parse(q.body).type))).toEqual(new Set(['session.completed', 'session.cancelled']));
  });

  it('lists deliveries of a session with their attempts, and retries one with the same webhook-id', async () => {
    const b = await hooksBroker(dialect);
    const r = await receiver((_req, res) => void res.writeHead(500).end('not today'));
    const endpoint = await b.endpoint(r.url);
    const id = await b.completeDemo();
    await until(() => r.requests.length === 1, 5_000, 'first attempt');
    const list = await until(async () => {
      const page = await b.api(`/v1/webhook-deliveries?session_id=${id}`);
      return page.body.data[0]?.attempts.length === 1 ? page : null;
    }, 5_000, 'recorded attempt');
    expect(list.status).toBe(200);
    expect(list.body.next_cursor).toBeNull();
    const [d] = list.body.data;
    expect(d).toMatchObject({
      event_id: r.requests[0].headers['webhook-id'], event_type: 'session.completed', session_id: id, endpoint_id: endpoint.id,
      status: 'pending', attempt_count: 1, last_status: 500, delivered_at: null,
      attempts: [{ number: 1, status: 500, error: expect.stringMatching(/500/), response_excerpt: 'not today' }],
    });
    // 5 s (± 10 %) until the scheduled retry; the merchant's retry sends now.
    expect(new Date(d.next_attempt_at).getTime() - new Date(d.attempts[0].started_at).getTime()).toBeGreaterThan(4_000);
    r.respond((_req, res) => void res.writeHead(204).end());
    const retried = await b.api(`/v1/webhook-deliveries/${d.id}/retry`, { method: 'POST' });
    expect(retried.status).toBe(202);
    await until(() => r.requests.length === 2, 3_000, 'retried delivery');
    expect(r.requests[1].headers['webhook-id']).toBe(r.requests[0].headers['webhook-id']);
    const after = await until(async () => {
      const one = await b.api(`/v1/webhook-deliveries/${d.id}`);
      return one.body.status === 'delivered' ? one.body : null;
    }, 3_000, 'delivered');
    expect(after.attempts.map((a: { status: number }) => a.status)).toEqual([500, 204]);
    // A delivered event can be replayed too (same webhook-id: the receiver de-duplicates).
    expect((await b.api(`/v1/webhook-deliveries/${d.id}/retry`, { method: 'POST' })).status).toBe(202);
    await until(() => r.requests.length === 3, 3_000, 'replay');
    expect(r.requests[2].headers['webhook-id']).toBe(r.requests[0].headers['webhook-id']);
  });

  it('pages the delivery log with next_cursor, newest first', async () => {
    const b = await hooksBroker(dialect);
    const r = await receiver();
    await b.endpoint(r.url);
    for (let i = 0; i < 3; i++) await b.cancelDemo();
    await until(() => r.requests.length === 3, 5_000, 'deliveries');
    const first = await b.api('/v1/webhook-deliveries?limit=2');
    expect(first.body.data).toHaveLength(2);
    expect(first.body.next_cursor).toEqual(expect.any(String));
    const second = await b.api(`/v1/webhook-deliveries?limit=2&cursor=${first.body.next_cursor}`);
    expect(second.body.data).toHaveLength(1);
    expect(second.body.next_cursor).toBeNull();
    const ids = [...first.body.data, ...second.body.data].map((d: { id: string }) => d.id);
    expect(new Set(ids).size).toBe(3);
    expect((await b.api('/v1/webhook-deliveries?cursor=nope')).body.code).toBe('invalid_request');
  });

  it('sends a webhook.test event on request', async () => {
    const b = await hooksBroker(dialect);
    const r = await receiver();
    const endpoint = await b.endpoint(r.url);
    const t = await b.api(`/v1/webhook-endpoints/${endpoint.id}/test`, { method: 'POST' });
    expect(t.status).toBe(202);
    expect(t.body).toMatchObject({ event_type: 'webhook.test', endpoint_id: endpoint.id, session_id: null, status: 'pending' });
    await until(() => r.requests.length === 1, 3_000, 'test event');
    const payload = new Webhook(endpoint.secret).verify(r.requests[0].body, r.requests[0].headers as Record<string, string>);
    expect(payload).toMatchObject({ type: 'webhook.test', data: { endpoint_id: endpoint.id } });
    expect(r.requests[0].headers['webhook-id']).toBe(t.body.event_id);
  });
});
