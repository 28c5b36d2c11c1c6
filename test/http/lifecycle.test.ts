// Expiry without any reader, and retention erasure (API.md §3), with a clock the test moves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/ids.js';
import { FlowClient } from '../support/flow-client.js';
import { MERCHANT, startBroker, type TestBroker } from '../support/broker.js';
import { dialects } from '../support/databases.js';

describe.each(await dialects())('session lifecycle on %s', (dialect) => {
  let b: TestBroker;
  const clock = new ManualClock(new Date());
  beforeAll(async () => {
    b = await startBroker(dialect, { clock, customer: { retention_hours: 2 } });
  });
  afterAll(async () => b?.close());

  it('expires a session past expires_at although nobody reads it', async () => {
    const s = (await b.api('/v1/sessions', { method: 'POST', json: { method: 'demo', target: `${MERCHANT}/done`, expires_in: 60 } })).body;
    const page = new FlowClient(s.redirect_url);
    await page.bind();
    await page.start();
    clock.advance(61_000);
    // the worker's own loop (every second) must notice; the store is read directly, not via the API
    await expect.poll(async () => (await b.broker.store.getSession(s.id))?.status, { timeout: 5000, interval: 200 }).toBe('expired');
    const stored = await b.broker.store.getSession(s.id);
    expect(stored?.version).toBe(3);
    expect(stored?.completed_at?.getTime()).toBeGreaterThanOrEqual(new Date(s.expires_at).getTime());
    const read = await b.api(`/v1/sessions/${s.id}`);
    expect(read.body).toMatchObject({ status: 'expired', version: 3 });
    expect((await page.approve()).status).toBe('expired');
    expect((await b.api(`/v1/sessions/${s.id}`)).body.version).toBe(3);
  });

  it('erases personal data after the retention period and keeps everything else', async () => {
    const s = (await b.api('/v1/sessions', { method: 'POST', json: { method: 'demo', relay_state: 'keep-me' } })).body;
    const page = new FlowClient(s.redirect_url);
    await page.bind();
    await page.start();
    await page.approve();
    expect((await b.api(`/v1/sessions/${s.id}`)).body.result.identity.national_id.value).toBe('199001012385');
    clock.advance(1 * 3_600_000);
    expect(await b.broker.worker.eraseDue()).toBe(0);
    clock.advance(1 * 3_600_000 + 1000);
    expect(await b.broker.worker.eraseDue()).toBeGreaterThanOrEqual(1);
    const read = await b.api(`/v1/sessions/${s.id}`);
    expect(read.body).toMatchObject({ status: 'complete', relay_state: 'keep-me', result: null });
    expect(read.body.result_erased_at).not.toBeNull();
    const row = await b.broker.store.db.selectFrom('sessions').selectAll().where('id', '=', s.id).executeTakeFirstOrThrow();
    expect(row.personal_sealed).toBeNull();
  });
});
