// Deliveries held for a disabled endpoint are not kept for ever (held-deliveries.ts): once held as
// long as the retry schedule's whole span they are abandoned as 'endpoint_disabled', counted from
// when they fell due or the endpoint was disabled, whichever came later. Runs on the memory port
// and again on SQLite and PostgreSQL (dispatcher-on-*.test.ts), with a manual clock.
import { describe, expect, it, vi } from 'vitest';
import { HELD_LIMIT_MS } from '../../src/webhooks/held-deliveries.js';
import { RETRY_SPAN_MS } from '../../src/webhooks/schedule.js';
import { harness, receiver, useCleanup } from './support/cleanup.js';
import { enqueueEvent, sessionEventBody, type Harness } from './support/harness.js';

useCleanup();
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const at = (h: Harness, t: number) => h.clock.set(new Date(t));

/** A disabled endpoint (disabled at the clock's now) with one delivery written meanwhile. */
async function heldDelivery(h: Harness, url: string) {
  const { endpoint, delivery } = await enqueueEvent(h, url);
  await h.fx.port.disableEndpoint(endpoint.id, 'receiver answered 410 Gone', h.clock.now());
  return { endpoint, delivery };
}

describe('dispatcher: deliveries held for a disabled endpoint', () => {
  it("are held for the retry schedule's whole span, then abandoned as endpoint_disabled, unsent", async () => {
    expect(HELD_LIMIT_MS).toBe(RETRY_SPAN_MS);
    expect(RETRY_SPAN_MS).toBe(((75 * 60 + 35) * 60 + 5) * 1000); // "about three days"
    const h = await harness();
    const r = await receiver();
    const t0 = h.clock.now().getTime();
    const { endpoint, delivery: old } = await heldDelivery(h, r.url);
    h.clock.advance(HOUR);
    const young = await h.fx.enqueue(endpoint.id, 'msg_young', sessionEventBody(), h.clock.now());
    at(h, t0 + HELD_LIMIT_MS - 1);
    expect(await h.dispatcher.abandonHeld()).toBe(0);
    expect(await h.fx.delivery(old.id)).toMatchObject({ state: 'pending', abandoned_reason: null });
    at(h, t0 + HELD_LIMIT_MS);
    expect(await h.dispatcher.abandonHeld()).toBe(1);
    expect(await h.fx.delivery(old.id)).toMatchObject({ state: 'abandoned', abandoned_reason: 'endpoint_disabled', attempts: 0, leased_by: null });
    expect(await h.fx.delivery(young.id)).toMatchObject({ state: 'pending' });
    expect(await h.dispatcher.abandonHeld()).toBe(0); // idempotent
    at(h, t0 + HOUR + HELD_LIMIT_MS);
    expect(await h.dispatcher.abandonHeld()).toBe(1);
    expect(await h.fx.delivery(young.id)).toMatchObject({ state: 'abandoned', abandoned_reason: 'endpoint_disabled' });
    expect((await h.fx.port.queueStats(h.clock.now())).held).toBe(0);
    expect(r.requests).toHaveLength(0);
    expect(await h.fx.attemptsOf(old.id)).toEqual([]);
  });

  it('count from the disabling when that came later, and leave enabled endpoints and live leases alone', async () => {
    const h = await harness();
    const r = await receiver();
    const t0 = h.clock.now().getTime();
    // A backlog: due since t0 at an enabled endpoint, which is disabled only a span later.
    const late = await enqueueEvent(h, r.url);
    const enabled = await enqueueEvent(h, r.url);
    at(h, t0 + HELD_LIMIT_MS + HOUR);
    await h.fx.port.disableEndpoint(late.endpoint.id, 'receiver answered 410 Gone', h.clock.now());
    expect(await h.dispatcher.abandonHeld()).toBe(0);
    expect(await h.fx.delivery(enabled.delivery.id)).toMatchObject({ state: 'pending' });
    h.clock.advance(HELD_LIMIT_MS);
    expect(await h.dispatcher.abandonHeld()).toBe(1);
    expect(await h.fx.delivery(late.delivery.id)).toMatchObject({ state: 'abandoned', abandoned_reason: 'endpoint_disabled' });
    expect(await h.fx.delivery(enabled.delivery.id)).toMatchObject({ state: 'pending', abandoned_reason: null });

    // A row a node holds leased has its attempt in flight: not abandoned under it.
    const t1 = h.clock.now().getTime();
    const busy = await enqueueEvent(h, r.url);
    const [leased] = await h.fx.port.claimDue('busy-node', h.clock.now(), 1, 10 * DAY);
    expect(leased.delivery_id).toBe(enabled.delivery.id); // oldest due first
    const claimed = await h.fx.port.claimDue('busy-node', h.clock.now(), 1, 10 * DAY);
    expect(claimed.map((d) => d.delivery_id)).toEqual([busy.delivery.id]);
    await h.fx.port.disableEndpoint(busy.endpoint.id, 'receiver answered 410 Gone', h.clock.now());
    at(h, t1 + HELD_LIMIT_MS);
    expect(await h.dispatcher.abandonHeld()).toBe(0);
    expect(await h.fx.delivery(busy.delivery.id)).toMatchObject({ state: 'pending', leased_by: 'busy-node' });
    at(h, t1 + 10 * DAY);
    expect(await h.dispatcher.abandonHeld()).toBe(1);
    expect(await h.fx.delivery(busy.delivery.id)).toMatchObject({ state: 'abandoned', leased_by: null });
  });

  it('are abandoned in bounded batches, and two nodes sweeping at once abandon each row once', async () => {
    const h = await harness();
    const r = await receiver();
    const t0 = h.clock.now().getTime();
    const { endpoint } = await heldDelivery(h, r.url);
    for (let i = 0; i < 6; i++) await h.fx.enqueue(endpoint.id, `msg_held_${i}`, sessionEventBody(), h.clock.now());
    at(h, t0 + HELD_LIMIT_MS);
    expect(await h.fx.port.abandonHeld(h.clock.now(), HELD_LIMIT_MS, 2)).toBe(2);
    expect((await h.fx.port.queueStats(h.clock.now())).held).toBe(5);
    const both = await Promise.all([0, 1].map(() => h.fx.port.abandonHeld(h.clock.now(), HELD_LIMIT_MS, 10)));
    expect(both[0] + both[1]).toBe(5);
    expect((await h.fx.port.queueStats(h.clock.now())).held).toBe(0);
  });

  it("the dispatcher's loop sweeps when it starts and then once a minute by its clock, not on every turn", async () => {
    const h = await harness({ pollIntervalMs: 5 });
    const r = await receiver();
    const sweeps = vi.spyOn(h.fx.port, 'abandonHeld');
    const t0 = h.clock.now().getTime();
    const first = await heldDelivery(h, r.url);
    at(h, t0 + HELD_LIMIT_MS);
    h.dispatcher.start();
    await until(async () => (await h.fx.delivery(first.delivery.id)).state === 'abandoned', 2_000);
    const second = await h.fx.enqueue(first.endpoint.id, 'msg_second', sessionEventBody(), h.clock.now());
    await pause(150); // some thirty turns of the loop, on a clock that stands still
    expect(sweeps).toHaveBeenCalledTimes(1);
    h.clock.advance(HELD_LIMIT_MS);
    h.dispatcher.wake();
    await until(async () => (await h.fx.delivery(second.id)).state === 'abandoned', 2_000);
    expect(sweeps).toHaveBeenCalledTimes(2);
    expect(r.requests).toHaveLength(0);
  });
});
