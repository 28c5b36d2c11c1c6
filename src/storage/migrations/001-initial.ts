import type { Kysely } from 'kysely';

// bigint holds epoch milliseconds in both dialects (SQLite maps it to INTEGER affinity).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('customers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('targets', 'text', (c) => c.notNull())
    .addColumn('frame_origins', 'text', (c) => c.notNull())
    .addColumn('methods', 'text', (c) => c.notNull())
    .addColumn('retention_hours', 'integer', (c) => c.notNull())
    .addColumn('allow_private_webhooks', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id'))
    .addColumn('prefix', 'text', (c) => c.notNull().unique())
    .addColumn('digest', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('customer_id', 'text', (c) => c.notNull().references('customers.id'))
    .addColumn('page_token', 'text', (c) => c.notNull().unique())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('method', 'text', (c) => c.notNull())
    .addColumn('operation', 'text', (c) => c.notNull())
    .addColumn('flow', 'text', (c) => c.notNull())
    .addColumn('relay_state', 'text')
    .addColumn('metadata', 'text')
    .addColumn('options', 'text', (c) => c.notNull())
    .addColumn('personal_sealed', 'text')
    .addColumn('provider_sealed', 'text')
    .addColumn('launch', 'text')
    .addColumn('progress', 'text')
    .addColumn('error', 'text')
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('completed_at', 'bigint')
    .addColumn('result_erased_at', 'bigint')
    .addColumn('retention_hours', 'integer', (c) => c.notNull())
    .addColumn('browser_binding', 'text')
    .addColumn('callback_key', 'text')
    .addColumn('next_check_at', 'bigint')
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', 'bigint')
    .execute();
  await db.schema.createIndex('sessions_customer_updated').on('sessions').columns(['customer_id', 'updated_at', 'id']).execute();
  await db.schema.createIndex('sessions_callback_key').on('sessions').column('callback_key').execute();
  await db.schema.createIndex('sessions_next_check').on('sessions').column('next_check_at').execute();
  await db.schema.createIndex('sessions_open_expiry').on('sessions').columns(['status', 'expires_at']).execute();
  await db.schema.createIndex('sessions_erasable').on('sessions').columns(['result_erased_at', 'completed_at']).execute();
  await db.schema
    .createTable('idempotency_keys')
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('request_hash', 'text', (c) => c.notNull())
    .addColumn('status_code', 'integer', (c) => c.notNull())
    .addColumn('response', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('idempotency_keys_pk', ['customer_id', 'key'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['idempotency_keys', 'sessions', 'api_keys', 'customers']) {
    await db.schema.dropTable(table).execute();
  }
}
