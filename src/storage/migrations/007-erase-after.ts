import { sql, type Kysely } from 'kysely';

// Retention erasure by due time (API.md §3: personal data is erased `retention` after the final
// status). The sweep took the oldest finished rows and only then filtered them by each row's
// retention, so a customer with long retention and many finished sessions filled every batch and
// stopped erasure for everyone. `erase_after` (completed_at + retention, set when a session becomes
// final, null once erased) is indexed, and the sweep asks for `erase_after <= now` directly.
// Existing final rows not yet erased are backfilled here.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sessions').addColumn('erase_after', 'bigint').execute();
  // bigint before the multiplication: 8,760 h in ms does not fit PostgreSQL's integer.
  await db
    .updateTable('sessions')
    .set({ erase_after: sql`completed_at + cast(retention_hours as bigint) * 3600000` })
    .where('completed_at', 'is not', null)
    .where('result_erased_at', 'is', null)
    .execute();
  await db.schema.createIndex('sessions_erase_after').on('sessions').column('erase_after').execute();
  // Only the old sweep read it; every state change would keep paying for it.
  await db.schema.dropIndex('sessions_erasable').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('sessions_erasable').on('sessions').columns(['result_erased_at', 'completed_at']).execute();
  await db.schema.dropIndex('sessions_erase_after').execute();
  await db.schema.alterTable('sessions').dropColumn('erase_after').execute();
}
