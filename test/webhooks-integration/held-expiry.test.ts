// Held deliveries have a limit (docs/webhooks.md "Delivery and retries"): what a disabled endpoint
// holds longer than the retry schedule's span is abandoned as endpoint_disabled, visible in the
// delivery log, and `retry` queues it again until enable. The abandon reason of a deleted endpoint
// shows too. The broker's own dispatcher is off (runWorker: false): the test runs dispatchers over
// its database, one on a clock past the span.
import { describe, expect, it } from 'vitest';
import { ManualClock, systemClock } from '../../src/core/ids.js';
import { createDispatcher } from '../../src/webhooks/dispatcher.js';
import { HELD_LIMIT_MS } from '../../src/webhooks/held-deliveries.js';
import { dialects } from '../support/databases.js';
import { hooksBroker, receiver, useHooksCleanup, type HooksBroker } from './support/hooks-broker.js';

useHooksCleanup();

function dispatcherAt(b: HooksBroker, clock: ManualClock | typeof systemClock) {
  return createDispatcher({ port: b.broker.store.webhookDeliveryPort, clock, owner: 'test-node', concurrency: 1, random: () => 0.5 });
}

async function deliveryOf(b: HooksBroker, sessionId: string) {
  const [d] = (await b.api(`/v1/webhook-deliveries?session_id=${sessionId}`)).body.data;
  return d;
}

describe.each(await dialects())('held deliveries on %s', (dialect) => {
  it('held past the span: abandoned as endpoint_disabled in the log, unsent; retry queues it until enable', async () => {
    const b = await hooksBroker(dialect, { runWorker: false });
    const r = await receiver();
    const e = await b.endpoint(r.url);
    const now = dispatcherAt(b, systemClock);
    const later = new ManualClock(new Date(Date.now() + HELD_LIMIT_MS + 60_000));
    const sweeper = dispatcherAt(b, later);
    try {
      await b.broker.store.webhookDeliveryPort.disableEndpoint(e.id, 'receiver answered 410 Gone', new Date());
      const s = await b.completeDemo();
      expect(await deliveryOf(b, s)).toMatchObject({ status: 'pending', abandoned_reason: null });
      expect(await now.abandonHeld()).toBe(0);
      expect(await sweeper.abandonHeld()).toBe(1);
      const abandoned = await deliveryOf(b, s);
      expect(abandoned).toMatchObject({ status: 'abandoned', abandoned_reason: 'endpoint_disabled', next_attempt_at: null, attempt_count: 0, attempts: [] });
      expect((await b.api(`/v1/webhook-deliveries/${abandoned.id}`)).body).toEqual(abandoned);

      const retried = await b.api(`/v1/webhook-deliveries/${abandoned.id}/retry`, { method: 'POST' });
      expect(retried.status).toBe(202);
      expect(retried.body).toMatchObject({ status: 'pending', abandoned_reason: null });
      expect(await now.runOnce()).toBe(0); // still disabled: it waits
      expect(r.requests).toHaveLength(0);
      await b.api(`/v1/webhook-endpoints/${e.id}/enable`, { method: 'POST' });
      expect(await now.runOnce()).toBe(1);
      expect(r.requests.map((q) => q.headers['webhook-id'])).toEqual([abandoned.event_id]);
      expect(await deliveryOf(b, s)).toMatchObject({ status: 'delivered', abandoned_reason: null, attempt_count: 1 });
    } finally {
      await now.stop();
      await sweeper.stop();
    }
  });

  it('deleting an endpoint abandons what waited as endpoint_deleted', async () => {
    const b = await hooksBroker(dialect, { runWorker: false });
    const r = await receiver();
    const e = await b.endpoint(r.url);
    const s = await b.completeDemo();
    expect((await b.api(`/v1/webhook-endpoints/${e.id}`, { method: 'DELETE' })).status).toBe(204);
    expect(await deliveryOf(b, s)).toMatchObject({ status: 'abandoned', abandoned_reason: 'endpoint_deleted' });
  });
});
