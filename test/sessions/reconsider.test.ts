// A final answer the provider gives once (BankID's collect), collected with a held copy of the
// session that another writer has since changed: it is judged again by the session as it now is,
// not dropped (src/sessions/driver.ts). SQLite store, real SessionService and driver; the provider is
// a stand-in whose answer depends on a mark in its state, as BankID's same-device IP check does.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newSessionId, randomToken, systemClock } from '../../src/core/ids.js';
import type { Identity, MethodId, Session } from '../../src/core/types.js';
import type { Outcome, Provider, ProviderState } from '../../src/providers/contract.js';
import { ChangeFeed } from '../../src/sessions/change-feed.js';
import { SessionDriver } from '../../src/sessions/driver.js';
import { SessionService } from '../../src/sessions/service.js';
import { openStore, type Store } from '../../src/storage/store.js';
import { TEST_SECRET } from '../support/databases.js';

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined } as never;

const identity: Identity = {
  provider: 'se-bankid', country: 'SE', subject: 's', national_id: null, first_name: null, last_name: null, full_name: null,
  date_of_birth: null, assurance: { level: 'high', raw: 'x' }, authenticated_at: new Date().toISOString(), raw: {},
};

/** Completes unless the state carries the mark, then fails as BankID's same-device IP check would. */
const judge = (state: ProviderState): Outcome =>
  state.marked ? { kind: 'failed', code: 'ip_mismatch', message: 'Completed from another device.' } : { kind: 'complete', identity };

describe('a final answer collected with a stale copy of the session', () => {
  let store: Store;
  let driver: SessionDriver;
  let customerId: string;
  let offerReconsider = true;

  beforeAll(async () => {
    store = await openStore(`sqlite:${join(mkdtempSync(join(tmpdir(), 'reconsider-')), 'db.sqlite')}`, TEST_SECRET);
    await store.migrate();
    customerId = `cus_${randomToken(8)}`;
    const now = new Date();
    await store.createCustomer({ id: customerId, name: 'Shop', targets: [], frame_origins: [], methods: ['se-bankid'], retention_hours: 24, allow_private_webhooks: false, created_at: now, updated_at: now });
    const provider = {
      method: 'se-bankid', operations: ['authenticate'], flows: ['browser'],
      start: async () => ({ kind: 'failed', code: 'x', message: 'x' }),
      cancel: async () => undefined,
      // The answer as judged by the state this node holds; reconsider judges it by another.
      progress: async (state: ProviderState) => ({ ...judge(state), ...(offerReconsider ? { reconsider: judge } : {}) }) as Outcome,
    } as unknown as Provider;
    const svc = new SessionService({ store, providers: new Map<MethodId, Provider>([['se-bankid', provider]]), clock: systemClock, feed: new ChangeFeed(), log: silent });
    driver = new SessionDriver(svc);
  });
  afterAll(async () => store?.close());

  async function pendingSession(): Promise<Session> {
    const now = new Date();
    const s: Session = {
      id: newSessionId(), customer_id: customerId, status: 'pending', method: 'se-bankid', operation: 'authenticate', flow: 'browser',
      relay_state: null, metadata: null,
      options: { target: null, target_error: null, locale: 'en', sign: null, device: 'auto', min_assurance: null, return_url: null, frame_origin: null, phone: null },
      personal: { personal_number: null, end_user_ip: null, result: null }, provider_state: { order_ref: randomToken(), marked: false },
      launch: null, progress: null, error: null, version: 2, created_at: now, updated_at: now, expires_at: new Date(now.getTime() + 600_000),
      completed_at: null, result_erased_at: null, retention_hours: 24, page_token: randomToken(), browser_binding: null,
    };
    await store.insertSession(s);
    // Another writer marks the state (version 3); this node hears nothing of it (a lost NOTIFY).
    expect(await store.updateSession({ ...s, provider_state: { ...s.provider_state, marked: true }, version: 3 }, 2, {})).toBe(true);
    return s;
  }

  it('is judged by the marked state and written (failed ip_mismatch), not thrown away', async () => {
    offerReconsider = true;
    const stale = await pendingSession();
    const r = await driver.check(stale);
    expect(r.next_at).toBeNull();
    const stored = await store.getSession(stale.id);
    expect(stored).toMatchObject({ status: 'failed', error: { code: 'ip_mismatch' }, version: 4 });
  });

  it('without reconsider the answer is dropped and the session stays pending (how it was before)', async () => {
    offerReconsider = false;
    const stale = await pendingSession();
    const r = await driver.check(stale);
    expect(r.next_at).not.toBeNull();
    expect(await store.getSession(stale.id)).toMatchObject({ status: 'pending', version: 3 });
  });

  it('a session that ended meanwhile stays as it ended', async () => {
    offerReconsider = true;
    const stale = await pendingSession();
    const current = (await store.getSession(stale.id))!;
    expect(await store.updateSession({ ...current, status: 'cancelled', completed_at: new Date(), version: 4 }, 3, {})).toBe(true);
    const r = await driver.check(stale);
    expect(r.next_at).toBeNull();
    expect(await store.getSession(stale.id)).toMatchObject({ status: 'cancelled', version: 4 });
  });
});
