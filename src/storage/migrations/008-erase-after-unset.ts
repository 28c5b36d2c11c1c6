import { sql, type Kysely } from 'kysely';

// Rolling deploys: until every node runs 007's code, older nodes still finish sessions and write
// their final rows without erase_after (they know nothing of it), after 007's backfill has run.
// The erasure sweep gives such rows their due time (sessions.ts, fillEraseAfter); this partial
// index holds only them (final, not erased, no due time), so finding them stays cheap on a big
// table, and rows with a due time, open or erased never enter it. It is led by erase_after, null
// in every entry: SQLite without statistics (the broker never runs ANALYZE) would otherwise prefer
// the equality `erase_after is null` on sessions_erase_after, which holds every open and every
// erased row; led by it, this index serves that equality and the order by completed_at.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('sessions_erase_after_unset')
    .on('sessions')
    .columns(['erase_after', 'completed_at'])
    .where(sql.ref('erase_after'), 'is', null)
    .where(sql.ref('completed_at'), 'is not', null)
    .where(sql.ref('result_erased_at'), 'is', null)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('sessions_erase_after_unset').execute();
}
