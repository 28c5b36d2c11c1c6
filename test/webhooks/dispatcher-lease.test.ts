// Leases and duplicate sends (issue 4 audit, gap 1): a node leases only rows it starts at once, so
// a hanging receiver cannot keep leased rows waiting until another node takes them over and sends
// them too; a row whose lease is already too short for a whole attempt is left alone.
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/ids.js';
import type { DeliveryPort } from '../../src/webhooks/delivery-port.js';
import { createDispatcher, type DispatcherOptions } from '../../src/webhooks/dispatcher.js';
import { harness, receiver, useCleanup } from './support/cleanup.js';
import { enqueueEvent, sessionEventBody, type Harness } from './support/harness.js';

useCleanup();

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The port as both nodes see it, noting which owner leased which delivery. */
function recordingPort(port: DeliveryPort, claims: Array<{ owner: string; id: string }>): DeliveryPort {
  return Object.assign(Object.create(port) as DeliveryPort, {
    async claimDue(owner: string, now: Date, limit: number, leaseMs: number) {
      const due = await port.claimDue(owner, now, limit, leaseMs);
      for (const d of due) claims.push({ owner, id: d.delivery_id });
      return due;
    },
  });
}

async function enqueueMany(h: Harness, url: string, count: number): Promise<string[]> {
  const endpoint = await h.fx.addEndpoint({ url, secrets: [h.secret], allow_private: true });
  const ids: string[] = [];
  for (let i = 0; i < count; i++) ids.push((await h.fx.enqueue(endpoint.id, `msg_lease_${i}`, sessionEventBody(), new Date(Date.now() - 1))).id);
  return ids;
}

describe('dispatcher: leases', () => {
  it('two nodes behind a hanging receiver never attempt one delivery both', async () => {
    // The defaults scaled down (timeout 15 s -> 1 s, lease 30 s -> 2 s, the least allowed for that
    // timeout). A node that leased 4 x concurrency rows, as before, started its third wave at the
    // end of its lease: the other node took those rows over and sent them a second time.
    const opts: Partial<DispatcherOptions> = { clock: systemClock, timeoutMs: 1_000, leaseMs: 2_000, concurrency: 2, random: () => 0.5 };
    const h = await harness(opts);
    const r = await receiver(() => undefined); // reads the request, never answers
    const ids = await enqueueMany(h, r.url, 8);
    const claims: Array<{ owner: string; id: string }> = [];
    const port = recordingPort(h.fx.port, claims);
    const nodes = ['node-a', 'node-b'].map((owner) => createDispatcher({ ...opts, port, owner } as DispatcherOptions));
    try {
      for (const n of nodes) n.start();
      // Mid-way, each node holds no more rows than it has slots: all of them in flight.
      await pause(500);
      const leased = await Promise.all(ids.map(async (id) => (await h.fx.delivery(id)).leased_by));
      expect(leased.filter((o) => o === 'node-a').length).toBeLessThanOrEqual(2);
      expect(leased.filter((o) => o === 'node-b').length).toBeLessThanOrEqual(2);
      await until(async () => (await Promise.all(ids.map((id) => h.fx.delivery(id)))).every((d) => d.attempts === 1), 15_000);
      // Past the end of every lease taken so far, and still before the first retry (5 s).
      await pause(1_500);
    } finally {
      await Promise.all(nodes.map((n) => n.stop()));
    }
    const perId = new Map<string, number>();
    for (const q of r.requests) perId.set(String(q.headers['webhook-id']), (perId.get(String(q.headers['webhook-id'])) ?? 0) + 1);
    expect(perId.size).toBe(8);
    expect([...perId.values()].every((n) => n === 1)).toBe(true);
    expect(claims).toHaveLength(8);
    expect(new Set(claims.map((c) => c.id)).size).toBe(8);
    expect(new Set(claims.map((c) => c.owner))).toEqual(new Set(['node-a', 'node-b']));
    for (const id of ids) expect((await h.fx.attemptsOf(id)).map((a) => a.number)).toEqual([1]);
  });

  it('leaves a row whose lease is too short for a whole attempt when the claim came back late', async () => {
    const h = await harness({ timeoutMs: 1_000, leaseMs: 3_000 });
    const r = await receiver();
    const { delivery } = await enqueueEvent(h, r.url);
    // The claim takes 1.6 s (a stalled database): 1.4 s of lease left, less than 1 s + recording.
    let stall = 1_600;
    const slow = Object.assign(Object.create(h.fx.port) as DeliveryPort, {
      async claimDue(owner: string, now: Date, limit: number, leaseMs: number) {
        const due = await h.fx.port.claimDue(owner, now, limit, leaseMs);
        h.clock.advance(stall);
        stall = 0;
        return due;
      },
    });
    const d = createDispatcher({ port: slow, clock: h.clock, owner: 'node-a', timeoutMs: 1_000, leaseMs: 3_000, random: () => 0.5 });
    try {
      expect(await d.runOnce()).toBe(0);
      expect(r.requests).toHaveLength(0);
      expect(await h.fx.attemptsOf(delivery.id)).toHaveLength(0);
      // Still leased: nobody sends it until the lease has run out, then it goes out normally.
      expect(await d.runOnce()).toBe(0);
      h.clock.advance(1_400);
      expect(await d.runOnce()).toBe(1);
    } finally {
      await d.stop();
    }
    expect(r.requests).toHaveLength(1);
    expect(await h.fx.delivery(delivery.id)).toMatchObject({ state: 'delivered', attempts: 1 });
  });

  it('counts the DNS check against the attempt timeout: one budget, so an attempt never outlasts it', async () => {
    // A 400 ms lookup and a 400 ms answer: each alone fits in 600 ms, together they do not.
    const h = await harness({ timeoutMs: 600, leaseMs: 1_600, resolve: async () => {
      await pause(400);
      return [{ address: '127.0.0.1', family: 4 }];
    } });
    const r = await receiver((_req, res) => void setTimeout(() => res.writeHead(204).end(), 400).unref());
    const { delivery } = await enqueueEvent(h, `http://slow-dns.test:${r.port}/hooks`);
    await h.dispatcher.runOnce();
    expect((await h.fx.attemptsOf(delivery.id))[0]).toMatchObject({ status: null, error: 'timeout after 600 ms' });
  });
});
