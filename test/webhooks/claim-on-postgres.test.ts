// Several nodes claim due deliveries at the same moment on the real PostgreSQL (DESIGN.md "Scale":
// FOR UPDATE SKIP LOCKED): every due row goes to exactly one owner, and together they take all.
import { afterEach, describe, expect, it } from 'vitest';
import { dialects } from '../support/databases.js';
import { generateWebhookSecret } from '../../src/webhooks/secret.js';
import { sessionEventBody } from './support/harness.js';
import type { PortFixture } from './support/port-fixture.js';

const onPostgres = (await dialects()).includes('postgres');
let fx: PortFixture | null = null;
afterEach(async () => {
  await fx?.close();
  fx = null;
});

describe.runIf(onPostgres)('claimDue on PostgreSQL with concurrent owners', () => {
  it('hands every due row to exactly one of eight owners claiming in parallel', async () => {
    // A fresh schema (test/support/databases.ts) with a pool of 20 connections: eight real
    // transactions at once, not eight turns of one connection.
    process.env.IDBRIDGE_DELIVERY_PORT_DIALECT = 'postgres';
    const { createPortFixture } = await import('./support/sql-port-fixture.js');
    fx = await createPortFixture();
    const endpoint = await fx.addEndpoint({ url: 'http://127.0.0.1:9/hooks', secrets: [generateWebhookSecret()], allow_private: true });
    const due = new Date(Date.now() - 1_000);
    const ids = new Set<string>();
    for (let i = 0; i < 300; i++) ids.add((await fx.enqueue(endpoint.id, `msg_pg_${i}`, sessionEventBody(), due)).id);
    const notYet = await fx.enqueue(endpoint.id, 'msg_pg_later', sessionEventBody(), new Date(Date.now() + 3_600_000));

    const owners = Array.from({ length: 8 }, (_, i) => `node-${i}`);
    const got = new Map<string, string[]>(owners.map((o) => [o, []]));
    const port = fx.port;
    // Each owner claims in small batches until nothing is left for it; all start at once.
    await Promise.all(owners.map(async (owner) => {
      for (;;) {
        const batch = await port.claimDue(owner, new Date(), 16, 30_000);
        if (batch.length === 0) return;
        got.get(owner)!.push(...batch.map((d) => d.delivery_id));
      }
    }));

    const all = [...got.values()].flat();
    expect(all.length).toBe(ids.size); // no row handed out twice ...
    expect(new Set(all)).toEqual(ids); // ... and every due row handed out, the later one not
    expect([...got.values()].filter((list) => list.length > 0).length).toBeGreaterThan(1);
    for (const [owner, list] of got) {
      for (const id of list.slice(0, 5)) expect((await fx.delivery(id)).leased_by).toBe(owner);
    }
    expect((await fx.delivery(notYet.id)).leased_by).toBeNull();
  });
});
