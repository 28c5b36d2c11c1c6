import type { Kysely } from 'kysely';

// The broker's private keys toward each OIDC upstream (DESIGN.md "Scale": registered statically by
// providers such as FTN, so stable across restarts and shared by every node). One row per method;
// the JWK set is sealed with IDBRIDGE_SECRET_KEY like personal data.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('broker_keys')
    .addColumn('method', 'text', (c) => c.primaryKey())
    .addColumn('jwks_sealed', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('broker_keys').execute();
}
