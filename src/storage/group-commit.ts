// Group commit for writes that stand alone (a session create without Idempotency-Key): the writes
// that arrive within one event-loop turn share one transaction, so one commit. On SQLite a commit
// appends every page the row touched — the table and each of the sessions' indexes, ≈ 10 pages,
// two pwrite calls each — to the WAL; rows created together share most of those pages, so a batch
// of 20 writes about as much as one row did. Each caller still answers only after its row is
// committed: durability is that of a single write. A batch that fails is retried row by row, so
// one bad row fails only its own caller. SQLite only: on PostgreSQL a transaction of N inserts
// would hold one pooled connection for N round trips; there a turn's creates are one multi-row
// INSERT and its lookups one `= any($1)` SELECT instead (turn-batch.ts).
//
// State changes (a session's transition and its webhook outbox rows, SessionService.apply) join the
// same transactions on SQLite: a work must then use only the transaction it is given (a statement
// on the database itself would wait for the very transaction it runs in).
//
// Reads use the same mechanism on SQLite (a read transaction per turn): each statement outside a
// transaction takes and drops a read lock on the WAL index, two fcntl calls (≈ 3 µs each on this
// VM), which were half of a GET /v1/sessions/{id}'s SELECT. The reads of one turn share one snapshot
// taken in that turn, as if they had run one after the other at that moment; a read issued after a
// write of this process has resolved sees that write (the one connection serialises them).
import type { Kysely, Transaction } from 'kysely';

type Work<DB, T> = (tx: Kysely<DB> | Transaction<DB>) => Promise<T>;

/**
 * `atomic`: each work is a transaction of its own (a state change and its outbox rows): alone, or
 * retried after its batch failed, it runs in a transaction of its own. Otherwise each work is one
 * statement (atomic by itself) and runs alone without BEGIN/COMMIT.
 */
export function groupCommit<DB>(db: Kysely<DB>, maxBatch = 256, atomic = false) {
  const queue: { write: Work<DB, any>; resolve: (v: any) => void; reject: (e: unknown) => void }[] = [];
  let scheduled = false;
  const alone = <T>(write: Work<DB, T>): Promise<T> => (atomic ? db.transaction().execute(write) : write(db));

  async function flush(): Promise<void> {
    scheduled = false;
    const batch = queue.splice(0, maxBatch);
    if (queue.length) schedule();
    if (batch.length === 1) {
      const [one] = batch;
      return alone(one.write).then(one.resolve, one.reject);
    }
    try {
      const results = await db.transaction().execute(async (tx) => {
        const out: unknown[] = [];
        for (const w of batch) out.push(await w.write(tx));
        return out;
      });
      batch.forEach((w, i) => w.resolve(results[i]));
    } catch {
      for (const w of batch) await alone(w.write).then(w.resolve, w.reject);
    }
  }

  function schedule(): void {
    scheduled = true;
    setImmediate(() => void flush());
  }

  return <T>(write: Work<DB, T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      queue.push({ write, resolve, reject });
      if (!scheduled) schedule();
    });
}
