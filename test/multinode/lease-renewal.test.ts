// A collect lease (DESIGN.md Scale; issue 6: "lease of about 30 s, renewed while working") is
// renewed while the check runs: a check slower than the lease keeps it, so no second node claims
// the same order beside it. Here the lease is 300 ms and the check takes a second.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newSessionId, randomToken, systemClock } from '../../src/core/ids.js';
import type { Session } from '../../src/core/types.js';
import { createLogger } from '../../src/logger.js';
import type { SessionDriver } from '../../src/sessions/driver.js';
import type { SessionService } from '../../src/sessions/service.js';
import { Worker } from '../../src/sessions/worker.js';
import { openStore, type Store } from '../../src/storage/store.js';
import { dialects, openDatabase, TEST_SECRET, type TestDatabase } from '../support/databases.js';

function pendingSession(customerId: string, now: Date): Session {
  return {
    id: newSessionId(), customer_id: customerId, status: 'pending', method: 'demo', operation: 'authenticate', flow: 'browser',
    relay_state: null, metadata: null,
    options: { target: null, target_error: null, locale: 'en', sign: null, device: 'auto', min_assurance: null, return_url: null, frame_origin: null, phone: null },
    personal: { personal_number: null, end_user_ip: null, result: null },
    provider_state: null, launch: null, progress: null, error: null, version: 2,
    created_at: now, updated_at: now, expires_at: new Date(now.getTime() + 600_000), completed_at: null, result_erased_at: null,
    retention_hours: 24, page_token: randomToken(), browser_binding: null,
  } as Session;
}

describe.each(await dialects())('collect lease renewal on %s', (dialect) => {
  let db: TestDatabase;
  let store: Store;
  let customerId: string;
  beforeAll(async () => {
    db = await openDatabase(dialect);
    store = await openStore(db.url, TEST_SECRET, { poolSize: 3 });
    await store.migrate();
    customerId = `cus_${randomToken(8)}`;
    const now = new Date();
    await store.createCustomer({ id: customerId, name: 'Shop', targets: [], frame_origins: [], methods: ['demo'], retention_hours: 24, allow_private_webhooks: false, created_at: now, updated_at: now });
  });
  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  it('keeps the lease of a check that runs longer than the lease, and releases it afterwards', async () => {
    const s = pendingSession(customerId, new Date());
    await store.insertSession(s, undefined, { next_check_at: new Date(Date.now() - 1) });
    const seenByOthers: string[][] = [];
    const driver = {
      async check(x: Session) {
        for (let i = 0; i < 5; i++) {
          await new Promise((r) => setTimeout(r, 200));
          seenByOthers.push((await store.claimDueChecks('other-node', new Date(), 300, 10)).map((c) => c.id));
        }
        return x;
      },
    } as unknown as SessionDriver;
    const svc = { deps: { store, clock: systemClock, log: createLogger('silent') } } as unknown as SessionService;
    const worker = new Worker(svc, driver, { owner: 'slow-node', leaseMs: 300 });
    expect(await worker.runChecks()).toBe(1);
    // Five tries over a second, the last ones well past the first lease's end: none got it.
    expect(seenByOthers).toHaveLength(5);
    expect(seenByOthers.flat()).not.toContain(s.id);
    const row = await store.db.selectFrom('sessions').select(['lease_owner', 'lease_until']).where('id', '=', s.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ lease_owner: null, lease_until: null });
  });
});
