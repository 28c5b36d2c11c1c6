// The storage port: named domain methods over one Kysely implementation for SQLite and PostgreSQL.
import { sql, type Transaction } from 'kysely';
import type { Database } from './schema.js';
import { connect, migrate, type Connection } from './connect.js';
import { brokerKeyQueries } from './broker-keys.js';
import { callbackBindingQueries } from './callback-binding.js';
import { customerQueries } from './customers.js';
import { idempotencyQueries } from './idempotency.js';
import { jobLeaseQueries } from './job-leases.js';
import { createSealer, type Sealer } from './sealing.js';
import { sessionQueries } from './sessions.js';
import { webhookQueries } from './webhooks.js';

export type Store = ReturnType<typeof buildStore>;

function buildStore(conn: Connection, sealer: Sealer) {
  const { db } = conn;
  return {
    dialect: conn.dialect,
    db,
    ...customerQueries(db),
    ...sessionQueries(db, sealer, conn.dialect, conn.prepared),
    ...idempotencyQueries(db),
    ...webhookQueries(db, sealer, conn.dialect),
    ...brokerKeyQueries(db, sealer),
    ...callbackBindingQueries(db),
    ...jobLeaseQueries(db),
    transaction: <T>(fn: (tx: Transaction<Database>) => Promise<T>) => db.transaction().execute(fn),
    migrate: () => migrate(db, conn.dialect),
    async ping(): Promise<void> {
      await sql`select 1`.execute(db);
    },
    close: () => conn.close(),
  };
}

export async function openStore(url: string, secretKey: string, opts: { schema?: string; poolSize?: number } = {}): Promise<Store> {
  const conn = await connect(url, opts);
  return buildStore(conn, createSealer(secretKey));
}
