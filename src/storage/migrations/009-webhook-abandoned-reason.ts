import type { Kysely } from 'kysely';

// Why a webhook delivery was abandoned, shown in the merchant's delivery log (docs/webhooks.md):
// 'retries_exhausted', 'endpoint_disabled' (held for a disabled endpoint longer than the retry
// schedule's span) or 'endpoint_deleted'. Null while not abandoned, and for deliveries abandoned
// before this column existed (their reason was never recorded). Nullable, so nodes still running
// the previous code during a rolling deploy keep writing their rows.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('webhook_deliveries').addColumn('abandoned_reason', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('webhook_deliveries').dropColumn('abandoned_reason').execute();
}
