// Migration 009 on SQLite and PostgreSQL: deliveries gain abandoned_reason, null for the rows that
// were there before (their reason was never recorded); its down step drops the column again.
import { Migrator, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { connect } from '../../src/storage/connect.js';
import { migrationProvider } from '../../src/storage/migrations/index.js';
import { dialects, openDatabase, type TestDatabase } from '../support/databases.js';

describe.each(await dialects())('migration 009 (webhook abandoned_reason) on %s', (dialect) => {
  const opened: TestDatabase[] = [];
  afterEach(async () => {
    for (const d of opened.splice(0)) await d.drop();
  });

  it('adds the column, null for existing deliveries, and its down step removes it', async () => {
    const database = await openDatabase(dialect);
    opened.push(database);
    const conn = await connect(database.url, { poolSize: 2 });
    try {
      const schema = dialect === 'postgres' ? (await sql<{ s: string }>`select current_schema() as s`.execute(conn.db)).rows[0]?.s : undefined;
      const migrator = new Migrator({ db: conn.db, provider: migrationProvider, ...(schema ? { migrationTableSchema: schema } : {}) });
      expect((await migrator.migrateTo('008-erase-after-unset')).error).toBeUndefined();
      const t = Date.now();
      const db = conn.db as any;
      await db.insertInto('customers').values({ id: 'cus_1', name: 'Old', methods: '["demo"]', targets: '[]', frame_origins: '[]', retention_hours: 24, allow_private_webhooks: 0, created_at: t, updated_at: t }).execute();
      await db.insertInto('webhook_endpoints').values({ id: 'whep_1', customer_id: 'cus_1', url: 'https://a.example/h', events: null, secrets_sealed: 'x', status: 'disabled', created_at: t, updated_at: t }).execute();
      await db.insertInto('webhook_events').values({ id: 'msg_1', customer_id: 'cus_1', session_id: null, type: 'webhook.test', body: '{}', created_at: t }).execute();
      await db.insertInto('webhook_deliveries').values({ id: 'whdl_1', event_id: 'msg_1', endpoint_id: 'whep_1', customer_id: 'cus_1', status: 'abandoned', attempts: 10, next_attempt_at: t, created_at: t }).execute();

      const up = await migrator.migrateTo('009-webhook-abandoned-reason');
      expect(up.error).toBeUndefined();
      expect(up.results?.map((r) => r.migrationName)).toEqual(['009-webhook-abandoned-reason']);
      expect(await db.selectFrom('webhook_deliveries').select(['id', 'status', 'abandoned_reason']).execute()).toEqual([{ id: 'whdl_1', status: 'abandoned', abandoned_reason: null }]);

      expect((await migrator.migrateTo('008-erase-after-unset')).error).toBeUndefined();
      await expect(db.selectFrom('webhook_deliveries').select('abandoned_reason').execute()).rejects.toThrow(/abandoned_reason/);
      expect(await db.selectFrom('webhook_deliveries').select('id').execute()).toEqual([{ id: 'whdl_1' }]);
    } finally {
      await conn.db.destroy();
    }
  });
});
