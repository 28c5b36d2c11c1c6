// The erasure sweep (Worker.eraseDue) over a real broker, in the two cases where a session's due
// time was not the one it should have: a final row written by a node older than migration 007
// during a rolling deploy (no erase_after), and a session created while the API still held its
// customer's longer retention in cache (auth.ts) after the customer's retention was shortened.
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/ids.js';
import { FlowClient } from '../support/flow-client.js';
import { startBroker, type TestBroker } from '../support/broker.js';
import { dialects } from '../support/databases.js';

const H = 3_600_000;

describe.each(await dialects())('erasure sweep on %s', (dialect) => {
  let b: TestBroker | undefined;
  afterEach(async () => {
    await b?.close();
    b = undefined;
  });

  const retentionOf = async (broker: TestBroker, id: string) =>
    Number((await broker.broker.store.db.selectFrom('sessions').select('retention_hours').where('id', '=', id).executeTakeFirstOrThrow()).retention_hours);

  async function completed(broker: TestBroker, whileOpen?: (id: string) => Promise<void>): Promise<string> {
    const s = (await broker.api('/v1/sessions', { method: 'POST', json: { method: 'demo' } })).body;
    const page = new FlowClient(s.redirect_url);
    await page.bind();
    await page.start();
    await whileOpen?.(s.id);
    await page.approve();
    expect((await broker.api(`/v1/sessions/${s.id}`)).body.result.identity.national_id.value).toBe('199001012385');
    return s.id;
  }

  async function expectErased(broker: TestBroker, id: string) {
    const read = (await broker.api(`/v1/sessions/${id}`)).body;
    expect(read).toMatchObject({ status: 'complete', result: null });
    expect(read.result_erased_at).not.toBeNull();
    const row = await broker.broker.store.db.selectFrom('sessions').select('personal_sealed').where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.personal_sealed).toBeNull();
  }

  it('erases, when due, a session an older node finished without a due time', async () => {
    const clock = new ManualClock(new Date());
    b = await startBroker(dialect, { clock, customer: { retention_hours: 2 } });
    const id = await completed(b);
    // The final row as a node older than migration 007 writes it: everything but erase_after,
    // a column it does not know, so the null it had while open stays.
    await b.broker.store.db.updateTable('sessions').set({ erase_after: null }).where('id', '=', id).execute();
    const { completed_at } = await b.broker.store.db.selectFrom('sessions').select('completed_at').where('id', '=', id).executeTakeFirstOrThrow();
    clock.advance(1 * H);
    expect(await b.broker.worker.eraseDue()).toBe(0);
    const row = await b.broker.store.db.selectFrom('sessions').select('erase_after').where('id', '=', id).executeTakeFirstOrThrow();
    expect(Number(row.erase_after)).toBe(Number(completed_at) + 2 * H);
    clock.advance(1 * H + 1000);
    expect(await b.broker.worker.eraseDue()).toBe(1);
    await expectErased(b, id);
  });

  it('a session created while the API still held the longer retention in cache keeps the shorter one', async () => {
    const clock = new ManualClock(new Date());
    b = await startBroker(dialect, { clock, customer: { retention_hours: 48 } });
    expect((await b.api('/v1/sessions', { method: 'POST', json: { method: 'demo' } })).status).toBe(201); // the key's customer now cached
    // Another process (the CLI, another node) shortens the retention; this broker's cache still says 48 h.
    await b.broker.store.updateCustomer(b.customerId, { retention_hours: 2 }, clock.now());
    const id = await completed(b, async (open) => expect(await retentionOf(b!, open)).toBe(48)); // created in the window
    const row = await b.broker.store.db.selectFrom('sessions').select(['erase_after', 'completed_at', 'retention_hours']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(Number(row.erase_after)).toBe(Number(row.completed_at) + 2 * H);
    expect(Number(row.retention_hours)).toBe(2);
    clock.advance(2 * H + 1000);
    expect(await b.broker.worker.eraseDue()).toBeGreaterThanOrEqual(1);
    await expectErased(b, id);
  });
});
