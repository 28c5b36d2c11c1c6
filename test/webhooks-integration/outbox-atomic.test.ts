// API.md §5: "An event is written in the same transaction as the state change that causes it".
// A database trigger makes the outbox write fail for real (after the event row, at the delivery
// row): the state change must roll back with it. And the expiry sweeper, run by hand under a
// manual clock, writes session.expired in the transaction of the expiry (issue 4 audit, gap 5).
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/ids.js';
import type { Store } from '../../src/storage/store.js';
import { dialects } from '../support/databases.js';
import { hooksBroker, receiver, useHooksCleanup, type HooksBroker } from './support/hooks-broker.js';

useHooksCleanup();

async function failOutbox(store: Store, on: boolean): Promise<void> {
  if (store.dialect === 'sqlite') {
    if (on) await sql`create trigger fail_outbox before insert on webhook_deliveries begin select raise(abort, 'injected outbox failure'); end`.execute(store.db);
    else await sql`drop trigger fail_outbox`.execute(store.db);
    return;
  }
  if (on) {
    await sql`create function fail_outbox() returns trigger language plpgsql as $$ begin raise exception 'injected outbox failure'; end $$`.execute(store.db);
    await sql`create trigger fail_outbox before insert on webhook_deliveries for each row execute function fail_outbox()`.execute(store.db);
  } else {
    await sql`drop trigger fail_outbox on webhook_deliveries`.execute(store.db);
    await sql`drop function fail_outbox()`.execute(store.db);
  }
}

async function outboxOf(b: HooksBroker, sessionId: string) {
  const events = await b.broker.store.db.selectFrom('webhook_events').select(['id', 'type', 'created_at']).where('session_id', '=', sessionId).execute();
  const deliveries = events.length
    ? await b.broker.store.db.selectFrom('webhook_deliveries').select(['id', 'status']).where('event_id', 'in', events.map((e) => e.id)).execute()
    : [];
  return { events, deliveries };
}

describe.each(await dialects())('the outbox commits with the state change on %s', (dialect) => {
  it('an outbox write that fails rolls the state change back: same status, same version, no event', async () => {
    const b = await hooksBroker(dialect, { runWorker: false });
    await b.endpoint((await receiver()).url);
    const created = (await b.api('/v1/sessions', { method: 'POST', json: { method: 'demo' } })).body;
    const before = (await b.broker.store.getSession(created.id))!;
    await failOutbox(b.broker.store, true);
    const refused = await b.api(`/v1/sessions/${created.id}/cancel`, { method: 'POST' });
    expect(refused.status).toBe(500);
    const after = (await b.broker.store.getSession(created.id))!;
    expect({ status: after.status, version: after.version }).toEqual({ status: before.status, version: before.version });
    expect(await outboxOf(b, created.id)).toEqual({ events: [], deliveries: [] }); // the event row went too
    // With the outbox working again, the same change commits together with its event.
    await failOutbox(b.broker.store, false);
    expect((await b.api(`/v1/sessions/${created.id}/cancel`, { method: 'POST' })).body.status).toBe('cancelled');
    const written = await outboxOf(b, created.id);
    expect(written.events.map((e) => e.type)).toEqual(['session.cancelled']);
    expect(written.deliveries).toHaveLength(1);
  });

  it('the expiry sweeper writes session.expired in the expiry transaction (manual clock)', async () => {
    const clock = new ManualClock(new Date());
    const b = await hooksBroker(dialect, { clock, runWorker: false });
    await b.endpoint((await receiver()).url);
    const created = (await b.api('/v1/sessions', { method: 'POST', json: { method: 'demo', expires_in: 60 } })).body;
    clock.advance(61_000);
    // The outbox write fails: the sweep fails and the session is not expired either.
    await failOutbox(b.broker.store, true);
    await expect(b.broker.worker.expireDue()).rejects.toThrow(/injected outbox failure/);
    expect((await b.broker.store.getSession(created.id))!.status).not.toBe('expired');
    expect((await outboxOf(b, created.id)).events).toEqual([]);
    await failOutbox(b.broker.store, false);
    expect(await b.broker.worker.expireDue()).toBe(1);
    const expired = (await b.broker.store.getSession(created.id))!;
    expect(expired.status).toBe('expired');
    const { events, deliveries } = await outboxOf(b, created.id);
    expect(events.map((e) => e.type)).toEqual(['session.expired']);
    expect(Number(events[0].created_at)).toBe(clock.now().getTime());
    expect(deliveries).toEqual([expect.objectContaining({ status: 'pending' })]);
  });
});
