import { describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { generateWebhookSecret } from '../../src/webhooks/secret.js';
import { harness, receiver, useCleanup } from './support/cleanup.js';
import { enqueueEvent, verifyAsReceiver } from './support/harness.js';

useCleanup();

describe('dispatcher: one delivery', () => {
  it('delivers a signed event that verifies with standardwebhooks, and records it', async () => {
    const h = await harness();
    const r = await receiver();
    const { delivery, eventId } = await enqueueEvent(h, r.url);
    expect(await h.dispatcher.runOnce()).toBe(1);
    expect(r.requests).toHaveLength(1);
    const req = r.requests[0];
    expect(req.headers['webhook-id']).toBe(eventId);
    expect(req.headers['content-type']).toBe('application/json');
    expect(new Webhook(h.secret).verify(req.body, req.headers as Record<string, string>)).toMatchObject({
      type: 'session.completed', data: { id: 'ses_1', status: 'complete', relay_state: 'rs-1', error: null },
    });
    expect(await h.fx.delivery(delivery.id)).toMatchObject({ state: 'delivered', attempts: 1, leased_by: null });
    expect(await h.fx.attemptsOf(delivery.id)).toMatchObject([{ number: 1, status: 204, error: null }]);
    expect(await h.dispatcher.runOnce()).toBe(0);
  });

  it('signs with both secrets during rotation: the old alone and the new alone verify', async () => {
    const h = await harness();
    const r = await receiver();
    const oldSecret = generateWebhookSecret();
    const newSecret = generateWebhookSecret();
    await enqueueEvent(h, r.url, { secrets: [newSecret, oldSecret] });
    await h.dispatcher.runOnce();
    expect(() => verifyAsReceiver(r.requests[0], oldSecret)).not.toThrow();
    expect(() => verifyAsReceiver(r.requests[0], newSecret)).not.toThrow();
    expect(() => verifyAsReceiver(r.requests[0], generateWebhookSecret())).toThrow();
  });

  it('treats 3xx as failure and follows no redirect', async () => {
    const h = await harness();
    const standIn = await receiver(); // stands in for 169.254.169.254
    const r = await receiver((_req, res) => {
      res.writeHead(302, { location: `http://127.0.0.1:${standIn.port}/latest/meta-data/` }).end();
    });
    const { delivery } = await enqueueEvent(h, r.url);
    await h.dispatcher.runOnce();
    expect(standIn.requests).toHaveLength(0);
    expect((await h.fx.attemptsOf(delivery.id))[0]).toMatchObject({ status: 302, error: 'redirect 302 not followed' });
    expect(await h.fx.delivery(delivery.id)).toMatchObject({ state: 'pending', attempts: 1 });
  });

  it('disables the endpoint on 410 and sends it nothing more until enabled', async () => {
    const h = await harness();
    const r = await receiver((_req, res) => void res.writeHead(410).end());
    const { endpoint, delivery } = await enqueueEvent(h, r.url);
    await h.dispatcher.runOnce();
    expect(await h.fx.endpoint(endpoint.id)).toMatchObject({ status: 'disabled', disabled_reason: 'receiver answered 410 Gone' });
    await h.fx.enqueue(endpoint.id, 'msg_second', '{}', h.clock.now());
    h.clock.advance(24 * 3_600_000);
    expect(await h.dispatcher.runOnce()).toBe(0);
    expect(r.requests).toHaveLength(1);
    // The events wait, they are not lost: enabling the endpoint resumes them.
    r.respond((_req, res) => void res.writeHead(200).end());
    await h.fx.updateEndpoint(endpoint.id, { status: 'enabled' });
    expect(await h.dispatcher.runOnce()).toBe(2);
    expect((await h.fx.delivery(delivery.id)).state).toBe('delivered');
  });

  it('honours a configured timeout (short here; 15 s by default)', async () => {
    const h = await harness({ timeoutMs: 200, leaseMs: 10_000 });
    const r = await receiver((_req, res) => {
      setTimeout(() => res.writeHead(200).end(), 3_000).unref();
    });
    const { delivery } = await enqueueEvent(h, r.url);
    await h.dispatcher.runOnce();
    expect((await h.fx.attemptsOf(delivery.id))[0]).toMatchObject({ status: null, error: 'timeout after 200 ms' });
    expect((await h.fx.delivery(delivery.id)).state).toBe('pending');
  });

  it('records an attempt with a bad stored secret instead of crashing', async () => {
    const h = await harness();
    const r = await receiver();
    const { delivery } = await enqueueEvent(h, r.url, { secrets: ['whsec_tooShort'] });
    await h.dispatcher.runOnce();
    expect(r.requests).toHaveLength(0);
    expect((await h.fx.attemptsOf(delivery.id))[0].error).toMatch(/signing failed/);
  });
});

describe('dispatcher: SSRF guard at every delivery', () => {
  it('refuses a host that now resolves to the metadata address; nothing is sent', async () => {
    const h = await harness();
    const r = await receiver();
    h.dns.set('metadata.test', '169.254.169.254');
    const { delivery } = await enqueueEvent(h, `http://metadata.test:${r.port}/hooks`, { allow_private: true });
    await h.dispatcher.runOnce();
    expect(r.requests).toHaveLength(0);
    const [attempt] = await h.fx.attemptsOf(delivery.id);
    expect(attempt.status).toBeNull();
    expect(attempt.error).toMatch(/^webhook_url_not_allowed: .*metadata/);
  });

  it('resolves once per attempt and connects to that answer (no second lookup)', async () => {
    const h = await harness();
    const r = await receiver();
    h.dns.set('hooks.dev.test', '127.0.0.1');
    await enqueueEvent(h, `http://hooks.dev.test:${r.port}/hooks`, { allow_private: true });
    await h.dispatcher.runOnce();
    expect(h.lookups).toEqual(['hooks.dev.test']);
    expect(r.requests[0].headers.host).toBe(`hooks.dev.test:${r.port}`);
  });

  it('refuses loopback and plain http for a customer without allow_private_webhooks', async () => {
    const h = await harness();
    const r = await receiver();
    const { delivery, endpoint } = await enqueueEvent(h, `https://127.0.0.1:${r.port}/hooks`, { allow_private: false });
    await h.dispatcher.runOnce();
    expect((await h.fx.attemptsOf(delivery.id))[0].error).toMatch(/webhook_url_not_allowed: 127\.0\.0\.1 is in the loopback range/);
    await h.fx.updateEndpoint(endpoint.id, { url: r.url });
    h.clock.advance(6_000);
    await h.dispatcher.runOnce();
    expect(r.requests).toHaveLength(0);
    expect((await h.fx.attemptsOf(delivery.id))[1].error).toMatch(/webhook_url_not_allowed: scheme http/);
  });
});
