// Fixtures of the storage suites on sessions' retention and lookups: sessions against a fixed
// instant, customers with a given retention, a row as an older node writes it, a store per test.
import { afterEach } from 'vitest';
import { newSessionId, randomToken } from '../../src/core/ids.js';
import type { Session } from '../../src/core/types.js';
import { createSealer } from '../../src/storage/sealing.js';
import { toRow } from '../../src/storage/session-codec.js';
import { openStore, type Store } from '../../src/storage/store.js';
import { openDatabase, TEST_SECRET, type TestDatabase } from '../support/databases.js';

export const now = new Date('2026-03-01T10:00:00Z');
export const H = 3_600_000;
export const ago = (hours: number) => new Date(now.getTime() - hours * H);

export function makeSession(customerId: string, extra: Partial<Session> = {}): Session {
  return {
    id: newSessionId(), customer_id: customerId, status: 'created', method: 'demo', operation: 'authenticate', flow: 'browser',
    relay_state: null, metadata: null,
    options: { target: null, target_error: null, locale: 'en', sign: null, device: 'auto', min_assurance: null, return_url: null, frame_origin: null, phone: null },
    personal: { personal_number: '199001012385', end_user_ip: '10.1.2.3', result: null },
    provider_state: null, launch: null, progress: null, error: null, version: 1,
    created_at: ago(800), updated_at: ago(800), expires_at: new Date(ago(800).getTime() + 600_000), completed_at: null, result_erased_at: null,
    retention_hours: 24, page_token: randomToken(), browser_binding: null, ...extra,
  };
}

export const customer = (id: string, retention_hours: number) => ({
  id, name: id, targets: [], frame_origins: [], methods: ['demo' as const], retention_hours, allow_private_webhooks: false, created_at: now, updated_at: now,
});

/** The row as a node older than migration 007 writes it: every column it knows, erase_after not among them. */
export function oldNodeRow(s: Session) {
  const { erase_after: _unknownToOldNodes, ...row } = toRow(s, createSealer(TEST_SECRET));
  return row;
}

export async function eraseAfterOf(store: Store, id: string) {
  const row = await store.db.selectFrom('sessions').select(['erase_after', 'retention_hours']).where('id', '=', id).executeTakeFirstOrThrow();
  return { erase_after: row.erase_after === null ? null : Number(row.erase_after), retention_hours: Number(row.retention_hours) };
}

/** A migrated store on a fresh database per test, closed and dropped after it. */
export function freshStores(dialect: 'sqlite' | 'postgres') {
  const opened: { store?: Store; db: TestDatabase }[] = [];
  afterEach(async () => {
    for (const e of opened.splice(0)) {
      await e.store?.close();
      await e.db.drop();
    }
  });
  return async (): Promise<Store> => {
    const db = await openDatabase(dialect);
    const entry: { store?: Store; db: TestDatabase } = { db };
    opened.push(entry);
    entry.store = await openStore(db.url, TEST_SECRET);
    await entry.store.migrate();
    return entry.store;
  };
}
