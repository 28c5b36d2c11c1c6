// The erasure sweep (Worker.eraseDue) over a real broker: a final row written by a node older
// than migration 007 during a rolling deploy (no erase_after) is erased when due.
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

  async function completed(broker: TestBroker): Promise<string> {
    const s = (await broker.api('/v1/sessions', { method: 'POST', json: { method: 'demo' } })).body;
    const page = new FlowClient(s.redirect_url);
    await page.bind();
    await page.start();
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
});
