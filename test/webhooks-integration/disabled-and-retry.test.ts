// A disabled endpoint loses no event, and a retry never corrupts a delivery (issue 4 audit, gap
// 3): events written while an endpoint is disabled are listed and go out after enable, oldest due
// first; a retry on a disabled endpoint waits for enable; a retry of a delivery whose attempt is
// in flight (leased by a node) leaves it to that attempt. The broker's own dispatcher is off
// (runWorker: false): the test runs a dispatcher step by step.
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/ids.js';
import { createDispatcher } from '../../src/webhooks/dispatcher.js';
import { dialects } from '../support/databases.js';
import type { ReceivedRequest } from '../webhooks/support/receiver.js';
import { hooksBroker, receiver, useHooksCleanup, type HooksBroker } from './support/hooks-broker.js';

useHooksCleanup();
const sessionOf = (q: ReceivedRequest) => (JSON.parse(q.body) as { data: { id: string } }).data.id;
const ok = (_req: unknown, res: { writeHead(s: number): { end(): void } }) => void res.writeHead(204).end();

/** A dispatcher over the broker's database that sends one delivery at a time, in claim order. */
function oneAtATime(b: HooksBroker) {
  return createDispatcher({ port: b.broker.store.webhookDeliveryPort, clock: systemClock, owner: 'test-node', concurrency: 1, random: () => 0.5 });
}

async function deliveryOf(b: HooksBroker, sessionId: string) {
  const [d] = (await b.api(`/v1/webhook-deliveries?session_id=${sessionId}`)).body.data;
  return d;
}

async function row(b: HooksBroker, id: string) {
  return b.broker.store.db.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

describe.each(await dialects())('disabled endpoints and retries on %s', (dialect) => {
  it('events written while disabled are listed, then sent after enable: queued ones in order, then the retry', async () => {
    const b = await hooksBroker(dialect, { runWorker: false });
    const r = await receiver((_req, res) => void res.writeHead(410).end());
    const e = await b.endpoint(r.url);
    const d = oneAtATime(b);
    try {
      const first = await b.completeDemo();
      expect(await d.runOnce()).toBe(1); // 410: disabled, its next try 5 s away
      expect((await b.api('/v1/webhook-endpoints')).body.data[0]).toMatchObject({ status: 'disabled' });
      const second = await b.cancelDemo();
      await new Promise((res) => setTimeout(res, 5)); // distinct due times, so the order is defined
      const third = await b.cancelDemo();
      for (const s of [second, third]) {
        expect(await deliveryOf(b, s)).toMatchObject({ endpoint_id: e.id, status: 'pending', attempt_count: 0, attempts: [] });
      }
      expect(await d.runOnce()).toBe(0); // nothing goes to a disabled endpoint
      r.respond(ok);
      expect((await b.api(`/v1/webhook-endpoints/${e.id}/enable`, { method: 'POST' })).body.status).toBe('enabled');
      for (let i = 0; i < 3; i++) expect(await d.runOnce()).toBe(1);
      expect(r.requests.slice(1).map(sessionOf)).toEqual([second, third, first]);
      for (const s of [first, second, third]) expect((await deliveryOf(b, s)).status).toBe('delivered');
    } finally {
      await d.stop();
    }
  });

  it('a retry while the endpoint is disabled is queued and sent after enable, with the same webhook-id', async () => {
    const b = await hooksBroker(dialect, { runWorker: false });
    const r = await receiver();
    const e = await b.endpoint(r.url);
    const d = oneAtATime(b);
    try {
      const s = await b.completeDemo();
      expect(await d.runOnce()).toBe(1);
      const delivered = await deliveryOf(b, s);
      expect(delivered.status).toBe('delivered');
      await b.broker.store.webhookDeliveryPort.disableEndpoint(e.id, 'receiver answered 410 Gone', new Date());
      const retried = await b.api(`/v1/webhook-deliveries/${delivered.id}/retry`, { method: 'POST' });
      expect(retried.status).toBe(202);
      expect(retried.body).toMatchObject({ status: 'pending', attempt_count: 1 });
      expect(await d.runOnce()).toBe(0);
      expect(r.requests).toHaveLength(1);
      await b.api(`/v1/webhook-endpoints/${e.id}/enable`, { method: 'POST' });
      expect(await d.runOnce()).toBe(1);
      expect(r.requests.map((q) => q.headers['webhook-id'])).toEqual([delivered.event_id, delivered.event_id]);
      expect(await deliveryOf(b, s)).toMatchObject({ status: 'delivered', attempt_count: 2 });
    } finally {
      await d.stop();
    }
  });

  it('a retry of a delivery whose attempt is in flight leaves it to that attempt: no second send, its outcome stands', async () => {
    const b = await hooksBroker(dialect, { runWorker: false });
    const r = await receiver();
    await b.endpoint(r.url);
    const port = b.broker.store.webhookDeliveryPort;
    const d = oneAtATime(b);
    try {
      const s = await b.completeDemo();
      const [held] = await port.claimDue('busy-node', new Date(), 10, 30_000); // its attempt is under way
      const before = await row(b, held.delivery_id);
      const retried = await b.api(`/v1/webhook-deliveries/${held.delivery_id}/retry`, { method: 'POST' });
      expect(retried.status).toBe(202);
      expect(retried.body).toMatchObject({ status: 'pending', attempt_count: 0 });
      expect(await row(b, held.delivery_id)).toEqual(before); // lease and schedule untouched
      expect(await d.runOnce()).toBe(0); // nobody else may send it meanwhile
      // The busy node's attempt failed; its next retry (5 s) is what the row keeps.
      const startedAt = new Date();
      const next = new Date(startedAt.getTime() + 5_000);
      await port.recordAttempt('busy-node', held.delivery_id, { number: 1, started_at: startedAt, status: 500, duration_ms: 3, error: 'HTTP 500', response_excerpt: null }, { kind: 'retry', next_attempt_at: next });
      expect(await row(b, held.delivery_id)).toMatchObject({ attempts: 1, lease_owner: null, status: 'pending' });
      expect(Number((await row(b, held.delivery_id)).next_attempt_at)).toBe(next.getTime());
      // Once nothing is in flight, a retry makes it due now.
      await b.api(`/v1/webhook-deliveries/${held.delivery_id}/retry`, { method: 'POST' });
      expect(await d.runOnce()).toBe(1);
      expect(r.requests).toHaveLength(1);
      expect(await deliveryOf(b, s)).toMatchObject({ status: 'delivered', attempt_count: 2 });
    } finally {
      await d.stop();
    }
  });
});
