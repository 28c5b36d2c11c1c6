import { afterEach, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import { generateWebhookSecret } from '../../src/webhooks/secret.js';
import { createHarness, enqueueEvent, verifyAsReceiver, type Harness } from './support/harness.js';
import { startReceiver, type Receiver } from './support/receiver.js';

const cleanups: Array<() => Promise<void>> = [];
async function receiver(...args: Parameters<typeof startReceiver>): Promise<Receiver> {
  const r = await startReceiver(...args);
  cleanups.push(() => r.close());
  return r;
}
function harness(...args: Parameters<typeof createHarness>): Harness {
  const h = createHarness(...args);
  cleanups.push(() => h.dispatcher.stop());
  return h;
}
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

describe('dispatcher: one delivery', () => {
  it('delivers a signed event that verifies with standardwebhooks, and records it', async () => {
    const h = harness();
    const r = await receiver();
    const { delivery, eventId } = enqueueEvent(h, r.url);
    expect(await h.dispatcher.runOnce()).toBe(1);
    expect(r.requests).toHaveLength(1);
    const req = r.requests[0];
    expect(req.headers['webhook-id']).toBe(eventId);
    expect(req.headers['content-type']).toBe('application/json');
    expect(new Webhook(h.secret).verify(req.body, req.headers as Record<string, string>)).toMatchObject({
      type: 'session.completed', data: { id: 'ses_1', status: 'complete', relay_state: 'rs-1', error: null },
    });
    expect(h.port.deliveries.get(delivery.id)).toMatchObject({ state: 'delivered', attempts: 1, leased_by: null });
    expect(h.port.attemptsOf(delivery.id)).toMatchObject([{ number: 1, status: 204, error: null }]);
    expect(await h.dispatcher.runOnce()).toBe(0);
  });

  it('signs with both secrets during rotation: the old alone and the new alone verify', async () => {
    const h = harness();
    const r = await receiver();
    const oldSecret = generateWebhookSecret();
    const newSecret = generateWebhookSecret();
    enqueueEvent(h, r.url, { secrets: [newSecret, oldSecret] });
    await h.dispatcher.runOnce();
    expect(() => verifyAsReceiver(r.requests[0], oldSecret)).not.toThrow();
    expect(() => verifyAsReceiver(r.requests[0], newSecret)).not.toThrow();
    expect(() => verifyAsReceiver(r.requests[0], generateWebhookSecret())).toThrow();
  });

  it('treats 3xx as failure and follows no redirect', async () => {
    const h = harness();
    const stand_in = await receiver(); // stands in for 169.254.169.254
    const r = await receiver((_req, res) => {
      res.writeHead(302, { location: `http://127.0.0.1:${stand_in.port}/latest/meta-data/` }).end();
    });
    const { delivery } = enqueueEvent(h, r.url);
    await h.dispatcher.runOnce();
    expect(stand_in.requests).toHaveLength(0);
    expect(h.port.attemptsOf(delivery.id)[0]).toMatchObject({ status: 302, error: 'redirect 302 not followed' });
    expect(h.port.deliveries.get(delivery.id)).toMatchObject({ state: 'pending', attempts: 1 });
  });

  it('disables the endpoint on 410 and sends it nothing more until enabled', async () => {
    const h = harness();
    const r = await receiver((_req, res) => {
      res.writeHead(410).end();
    });
    const { endpoint, delivery } = enqueueEvent(h, r.url);
    await h.dispatcher.runOnce();
    expect(h.port.endpoints.get(endpoint.id)).toMatchObject({ status: 'disabled', disabled_reason: 'receiver answered 410 Gone' });
    h.port.enqueue(endpoint.id, 'msg_second', '{}', h.clock.now());
    h.clock.advance(24 * 3_600_000);
    expect(await h.dispatcher.runOnce()).toBe(0);
    expect(r.requests).toHaveLength(1);
    // The events wait, they are not lost: enabling the endpoint resumes them.
    r.respond((_req, res) => void res.writeHead(200).end());
    h.port.endpoints.get(endpoint.id)!.status = 'enabled';
    expect(await h.dispatcher.runOnce()).toBe(2);
    expect(h.port.deliveries.get(delivery.id)!.state).toBe('delivered');
  });

  it('honours a configured timeout (short here; 15 s by default)', async () => {
    const h = harness({ timeoutMs: 200, leaseMs: 10_000 });
    const r = await receiver((_req, res) => {
      setTimeout(() => res.writeHead(200).end(), 3_000).unref();
    });
    const { delivery } = enqueueEvent(h, r.url);
    await h.dispatcher.runOnce();
    expect(h.port.attemptsOf(delivery.id)[0]).toMatchObject({ status: null, error: 'timeout after 200 ms' });
    expect(h.port.deliveries.get(delivery.id)!.state).toBe('pending');
  });

  it('records an attempt with a bad stored secret instead of crashing', async () => {
    const h = harness();
    const r = await receiver();
    const { delivery } = enqueueEvent(h, r.url, { secrets: ['whsec_tooShort'] });
    await h.dispatcher.runOnce();
    expect(r.requests).toHaveLength(0);
    expect(h.port.attemptsOf(delivery.id)[0].error).toMatch(/signing failed/);
  });
});

describe('dispatcher: SSRF guard at every delivery', () => {
  it('refuses a host that now resolves to the metadata address; nothing is sent', async () => {
    const h = harness();
    const r = await receiver();
    h.dns.set('metadata.test', '169.254.169.254');
    const { delivery } = enqueueEvent(h, `http://metadata.test:${r.port}/hooks`, { allow_private: true });
    await h.dispatcher.runOnce();
    expect(r.requests).toHaveLength(0);
    expect(h.port.attemptsOf(delivery.id)[0]).toMatchObject({ status: null });
    expect(h.port.attemptsOf(delivery.id)[0].error).toMatch(/^webhook_url_not_allowed: .*metadata/);
  });

  it('resolves once per attempt and connects to that answer (no second lookup)', async () => {
    const h = harness();
    const r = await receiver();
    h.dns.set('hooks.dev.test', '127.0.0.1');
    enqueueEvent(h, `http://hooks.dev.test:${r.port}/hooks`, { allow_private: true });
    await h.dispatcher.runOnce();
    expect(h.lookups).toEqual(['hooks.dev.test']);
    expect(r.requests[0].headers.host).toBe(`hooks.dev.test:${r.port}`);
  });

  it('refuses loopback once the customer is no longer allowed private webhooks', async () => {
    const h = harness();
    const r = await receiver();
    const { delivery, endpoint } = enqueueEvent(h, `https://127.0.0.1:${r.port}/hooks`, { allow_private: false });
    await h.dispatcher.runOnce();
    expect(h.port.attemptsOf(delivery.id)[0].error).toMatch(/webhook_url_not_allowed: 127\.0\.0\.1 is in the loopback range/);
    endpoint.url = r.url;
    h.clock.advance(6_000);
    await h.dispatcher.runOnce();
    expect(r.requests).toHaveLength(0);
    expect(h.port.attemptsOf(delivery.id)[1].error).toMatch(/webhook_url_not_allowed: scheme http/);
  });
});
