// Kysely's Migrator looks for its own tables in every PostgreSQL schema (introspection, and no
// migrationTableSchema in src/storage/connect.ts): while a suite running in parallel has them in
// its schema, a fresh per-test schema skips creating them and the migration fails. Creating them
// in the fresh schema first (same definition as Kysely's) makes the migration deterministic.
import { sql } from 'kysely';
import type { Store } from '../../../src/storage/store.js';

export async function migrateFresh(store: Store): Promise<void> {
  if (store.dialect === 'postgres') {
    await sql`create table if not exists kysely_migration (name varchar(255) not null primary key, timestamp varchar(255) not null)`.execute(store.db);
    await sql`create table if not exists kysely_migration_lock (id varchar(255) not null primary key, is_locked integer not null default 0)`.execute(store.db);
  }
  await store.migrate();
}
