import { afterEach, describe, expect, it } from 'vitest';
import { RETRY_DELAYS_MS } from '../../src/webhooks/schedule.js';
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

/** Moves the clock to the delivery's next attempt and runs the dispatcher once. */
async function nextAttempt(h: Harness, deliveryId: string): Promise<void> {
  h.clock.set(h.port.deliveries.get(deliveryId)!.next_attempt_at);
  expect(await h.dispatcher.runOnce()).toBe(1);
}

describe('dispatcher: retries', () => {
  it('a receiver that is down, then back, gets the event on the schedule, one webhook-id throughout', async () => {
    const h = harness();
    const r = await receiver(() => 'down');
    const { delivery, eventId } = enqueueEvent(h, r.url);
    const start = h.clock.now().getTime();
    await h.dispatcher.runOnce();
    h.clock.advance(4_000);
    expect(await h.dispatcher.runOnce()).toBe(0); // not before 5 s
    await nextAttempt(h, delivery.id);
    r.respond((_req, res) => void res.writeHead(200).end());
    await nextAttempt(h, delivery.id);
    const offsets = h.port.attemptsOf(delivery.id).map((a) => a.started_at.getTime() - start);
    expect(offsets).toEqual([0, 5_000, 305_000]);
    expect(h.port.deliveries.get(delivery.id)).toMatchObject({ state: 'delivered', attempts: 3 });
    expect(r.requests.map((q) => q.headers['webhook-id'])).toEqual([eventId, eventId, eventId]);
    // Each attempt carries its own timestamp and verifies at the time it was sent.
    expect(new Set(r.requests.map((q) => q.headers['webhook-timestamp'])).size).toBe(3);
    for (const q of r.requests) expect(() => verifyAsReceiver(q, h.secret)).not.toThrow();
  });

  it('follows the whole schedule and abandons after the tenth attempt', async () => {
    const h = harness();
    const r = await receiver((_req, res) => void res.writeHead(500).end('oops'));
    const { delivery } = enqueueEvent(h, r.url);
    const start = h.clock.now().getTime();
    await h.dispatcher.runOnce();
    for (let i = 1; i < RETRY_DELAYS_MS.length; i++) await nextAttempt(h, delivery.id);
    const cumulative = RETRY_DELAYS_MS.map((_, i) => RETRY_DELAYS_MS.slice(0, i + 1).reduce((a, b) => a + b, 0));
    expect(h.port.attemptsOf(delivery.id).map((a) => a.started_at.getTime() - start)).toEqual(cumulative);
    expect(cumulative.at(-1)).toBe(((75 * 60 + 35) * 60 + 5) * 1000); // 75:35:05, as in the spec's table
    const final = h.port.deliveries.get(delivery.id)!;
    expect(final).toMatchObject({ state: 'abandoned', attempts: 10 });
    expect(final.abandoned_reason).toMatch(/HTTP 500/);
    expect(r.requests).toHaveLength(10);
    h.clock.advance(30 * 24 * 3_600_000);
    expect(await h.dispatcher.runOnce()).toBe(0);
  });

  it('waits as long as Retry-After asks when that is later than the schedule', async () => {
    const h = harness();
    const r = await receiver((_req, res) => void res.writeHead(503, { 'retry-after': '600' }).end());
    const { delivery } = enqueueEvent(h, r.url);
    const start = h.clock.now().getTime();
    await h.dispatcher.runOnce();
    expect(h.port.deliveries.get(delivery.id)!.next_attempt_at.getTime() - start).toBe(600_000);
  });

  it('disables an endpoint after 5 days of continuous failure; a success clears the streak', async () => {
    const h = harness();
    const r = await receiver((_req, res) => void res.writeHead(500).end());
    const { endpoint } = enqueueEvent(h, r.url);
    endpoint.failing_since = new Date(h.clock.now().getTime() - 4 * 24 * 3_600_000);
    await h.dispatcher.runOnce();
    expect(endpoint.status).toBe('enabled');
    r.respond((_req, res) => void res.writeHead(200).end());
    h.clock.advance(5_000);
    await h.dispatcher.runOnce();
    expect(endpoint.failing_since).toBeNull();
    endpoint.failing_since = new Date(h.clock.now().getTime() - 5 * 24 * 3_600_000);
    r.respond((_req, res) => void res.writeHead(500).end());
    h.port.enqueue(endpoint.id, 'msg_late', '{}', h.clock.now());
    await h.dispatcher.runOnce();
    expect(endpoint).toMatchObject({ status: 'disabled', disabled_reason: 'failing for 5 days' });
  });

  it('takes over the lease of a dead node once it runs out', async () => {
    const h = harness({ leaseMs: 30_000 });
    const r = await receiver();
    const { delivery } = enqueueEvent(h, r.url);
    await h.port.claimDue('dead-node', h.clock.now(), 10, 30_000);
    expect(await h.dispatcher.runOnce()).toBe(0);
    h.clock.advance(30_000);
    expect(await h.dispatcher.runOnce()).toBe(1);
    expect(h.port.deliveries.get(delivery.id)!.state).toBe('delivered');
  });
});
