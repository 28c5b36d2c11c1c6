// Group commit for writes that stand alone (a session create without Idempotency-Key): the writes
// that arrive within one event-loop turn share one transaction, so one commit. On SQLite a commit
// appends every page the row touched — the table and each of the sessions' indexes, ≈ 10 pages,
// two pwrite calls each — to the WAL; rows created together share most of those pages, so a batch
// of 20 writes about as much as one row did. Each caller still answers only after its row is
// committed: durability is that of a single write. A batch that fails is retried row by row, so
// one bad row fails only its own caller. PostgreSQL gets batches of one for now (its rows would
// share a commit, but a transaction of N inserts holds one pooled connection for N round trips;
// a multi-row INSERT is the better shape there and is not written yet).
import type { Kysely, Transaction } from 'kysely';

type Write<DB> = (tx: Kysely<DB> | Transaction<DB>) => Promise<void>;

export function groupCommit<DB>(db: Kysely<DB>, maxBatch = 256) {
  let queue: { write: Write<DB>; resolve: () => void; reject: (e: unknown) => void }[] = [];
  let scheduled = false;

  async function flush(): Promise<void> {
    scheduled = false;
    const batch = queue.splice(0, maxBatch);
    if (queue.length) schedule();
    if (batch.length === 1) {
      const [one] = batch;
      return one.write(db).then(one.resolve, one.reject);
    }
    try {
      await db.transaction().execute(async (tx) => {
        for (const w of batch) await w.write(tx);
      });
      for (const w of batch) w.resolve();
    } catch {
      for (const w of batch) await w.write(db).then(w.resolve, w.reject);
    }
  }

  function schedule(): void {
    scheduled = true;
    setImmediate(() => void flush());
  }

  return (write: Write<DB>): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      queue.push({ write, resolve, reject });
      if (!scheduled) schedule();
    });
}
