import { describe, expect, it } from 'vitest';
import { RETRY_DELAYS_MS } from '../../src/webhooks/schedule.js';
import { harness, receiver, useCleanup } from './support/cleanup.js';
import { enqueueEvent, verifyAsReceiver, type Harness } from './support/harness.js';

useCleanup();
const DAY = 24 * 3_600_000;

/** Moves the clock to the delivery's next attempt and runs the dispatcher once. */
async function nextAttempt(h: Harness, deliveryId: string): Promise<void> {
  h.clock.set((await h.fx.delivery(deliveryId)).next_attempt_at);
  expect(await h.dispatcher.runOnce()).toBe(1);
}

async function offsets(h: Harness, deliveryId: string, start: number): Promise<number[]> {
  return (await h.fx.attemptsOf(deliveryId)).map((a) => a.started_at.getTime() - start);
}

describe('dispatcher: retries', () => {
  it('a receiver that is down, then back, gets the event on the schedule, one webhook-id throughout', async () => {
    const h = await harness();
    const r = await receiver(() => 'down');
    const { delivery, eventId } = await enqueueEvent(h, r.url);
    const start = h.clock.now().getTime();
    await h.dispatcher.runOnce();
    h.clock.advance(4_000);
    expect(await h.dispatcher.runOnce()).toBe(0); // not before 5 s
    await nextAttempt(h, delivery.id);
    r.respond((_req, res) => void res.writeHead(200).end());
    await nextAttempt(h, delivery.id);
    expect(await offsets(h, delivery.id, start)).toEqual([0, 5_000, 305_000]);
    expect(await h.fx.delivery(delivery.id)).toMatchObject({ state: 'delivered', attempts: 3 });
    expect(r.requests.map((q) => q.headers['webhook-id'])).toEqual([eventId, eventId, eventId]);
    // Each attempt carries its own timestamp and verifies at the time it was sent.
    expect(new Set(r.requests.map((q) => q.headers['webhook-timestamp'])).size).toBe(3);
    for (const q of r.requests) expect(() => verifyAsReceiver(q, h.secret)).not.toThrow();
  });

  it('follows the whole schedule and abandons after the tenth attempt', async () => {
    const h = await harness();
    const r = await receiver((_req, res) => void res.writeHead(500).end('oops'));
    const { delivery } = await enqueueEvent(h, r.url);
    const start = h.clock.now().getTime();
    await h.dispatcher.runOnce();
    for (let i = 1; i < RETRY_DELAYS_MS.length; i++) await nextAttempt(h, delivery.id);
    const cumulative = RETRY_DELAYS_MS.map((_, i) => RETRY_DELAYS_MS.slice(0, i + 1).reduce((a, b) => a + b, 0));
    expect(await offsets(h, delivery.id, start)).toEqual(cumulative);
    expect(cumulative.at(-1)).toBe(((75 * 60 + 35) * 60 + 5) * 1000); // 75:35:05, as in the spec's table
    expect(await h.fx.delivery(delivery.id)).toMatchObject({ state: 'abandoned', attempts: 10, abandoned_reason: 'retries_exhausted' });
    expect(r.requests).toHaveLength(10);
    h.clock.advance(30 * DAY);
    expect(await h.dispatcher.runOnce()).toBe(0);
  });

  it('waits as long as Retry-After asks when that is later than the schedule', async () => {
    const h = await harness();
    const r = await receiver((_req, res) => void res.writeHead(503, { 'retry-after': '600' }).end());
    const { delivery } = await enqueueEvent(h, r.url);
    const start = h.clock.now().getTime();
    await h.dispatcher.runOnce();
    expect((await h.fx.delivery(delivery.id)).next_attempt_at.getTime() - start).toBe(600_000);
  });

  it('reads a Retry-After date against the dispatcher clock, not the machine clock', async () => {
    const h = await harness();
    // The dispatcher's clock (on PostgreSQL, the database's) runs 2 h ahead of this machine's.
    h.clock.advance(2 * 3_600_000);
    const retryAt = new Date(h.clock.now().getTime() + 10 * 60_000);
    const r = await receiver((_req, res) => void res.writeHead(503, { 'retry-after': retryAt.toUTCString() }).end());
    const { delivery } = await enqueueEvent(h, r.url);
    await h.dispatcher.runOnce();
    // An HTTP-date has whole seconds; read against Date.now() this would be 2 h 10 min away.
    expect((await h.fx.delivery(delivery.id)).next_attempt_at.getTime()).toBe(Math.floor(retryAt.getTime() / 1000) * 1000);
  });

  it('disables an endpoint after 5 days of continuous failure; a success clears the streak', async () => {
    const h = await harness();
    const r = await receiver((_req, res) => void res.writeHead(500).end());
    const { endpoint } = await enqueueEvent(h, r.url);
    await h.fx.updateEndpoint(endpoint.id, { failing_since: new Date(h.clock.now().getTime() - 4 * DAY) });
    await h.dispatcher.runOnce();
    expect((await h.fx.endpoint(endpoint.id)).status).toBe('enabled');
    r.respond((_req, res) => void res.writeHead(200).end());
    h.clock.advance(5_000);
    await h.dispatcher.runOnce();
    expect((await h.fx.endpoint(endpoint.id)).failing_since).toBeNull();
    await h.fx.updateEndpoint(endpoint.id, { failing_since: new Date(h.clock.now().getTime() - 5 * DAY) });
    r.respond((_req, res) => void res.writeHead(500).end());
    await h.fx.enqueue(endpoint.id, 'msg_late', '{}', h.clock.now());
    await h.dispatcher.runOnce();
    expect(await h.fx.endpoint(endpoint.id)).toMatchObject({ status: 'disabled', disabled_reason: 'failing for 5 days' });
  });

  it('takes over the lease of a dead node once it runs out', async () => {
    const h = await harness({ leaseMs: 30_000 });
    const r = await receiver();
    const { delivery } = await enqueueEvent(h, r.url);
    expect(await h.fx.port.claimDue('dead-node', h.clock.now(), 10, 30_000)).toHaveLength(1);
    expect(await h.dispatcher.runOnce()).toBe(0);
    h.clock.advance(30_000);
    expect(await h.dispatcher.runOnce()).toBe(1);
    expect((await h.fx.delivery(delivery.id)).state).toBe('delivered');
  });

  it("records a late attempt of a node whose lease was taken over without undoing the delivery", async () => {
    const h = await harness({ leaseMs: 30_000 });
    const r = await receiver();
    const { delivery } = await enqueueEvent(h, r.url);
    const [stale] = await h.fx.port.claimDue('slow-node', h.clock.now(), 10, 30_000);
    h.clock.advance(30_000);
    await h.dispatcher.runOnce();
    const late = { number: 1, started_at: h.clock.now(), status: 500, duration_ms: 1, error: 'HTTP 500', response_excerpt: null };
    await h.fx.port.recordAttempt('slow-node', stale.delivery_id, late, { kind: 'retry', next_attempt_at: h.clock.now() });
    expect(await h.fx.delivery(delivery.id)).toMatchObject({ state: 'delivered' });
    expect(await h.fx.attemptsOf(delivery.id)).toHaveLength(2);
  });
});
