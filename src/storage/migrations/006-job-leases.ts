import type { Kysely } from 'kysely';

// Named leases for the sweeps that are not per-row work (expiry of sessions past expires_at,
// retention erasure, idempotency-key purge): one live node at a time holds each (DESIGN.md Scale).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('job_leases')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('lease_until', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('job_leases').execute();
}
