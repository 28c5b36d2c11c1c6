import type { Kysely } from 'kysely';

// The browser that may come back from an OIDC provider (docs/oidc.md "Binding the return"): first
// the digest of a one-time go nonce (`n:`), then the digest of the first-party cookie that nonce
// set (`c:`), marked `u:` once a return used it. Like browser_binding it is not versioned state.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sessions').addColumn('callback_binding', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sessions').dropColumn('callback_binding').execute();
}
