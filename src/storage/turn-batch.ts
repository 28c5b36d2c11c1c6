// One statement for the like requests of one event-loop turn, on PostgreSQL. Each statement there
// costs the server a parse and a plan, and the round trip holds a pooled connection; with the API
// under load, several requests of a turn look up a session by the same column, or insert one.
// `id = any($1)` answers all the lookups of a turn in one statement, and one multi-row INSERT
// writes all the creates of a turn in one statement and one commit. (SQLite has no server to
// spare: there the like requests of a turn share a transaction instead, group-commit.ts.)
//
// Semantics are each request's own: a lookup sees the rows committed when its statement starts,
// which is after the request was made (a read issued after a write resolved sees it); a create
// answers only after the statement holding its row committed. A batch that fails is retried one
// by one when `alone` is given, so one bad row fails only its own caller.

export interface TurnBatchOptions<I, O> {
  max: number;
  /** Runs a batch that failed item by item (a write); without it, every caller gets the error. */
  alone?: (item: I) => Promise<O>;
  /**
   * Batches in flight at once (default: no limit). While that many run, new items wait and join
   * the next batch, which starts as soon as one ends (the leader/follower shape of a database's
   * group commit): under load batches grow instead of queueing for the pool one by one.
   */
  inFlight?: number;
}

export function turnBatch<I, O>(run: (items: I[]) => Promise<O[]>, opts: TurnBatchOptions<I, O>): (item: I) => Promise<O> {
  let queue: { item: I; resolve: (v: O) => void; reject: (e: unknown) => void }[] = [];
  let scheduled = false;
  let running = 0;
  const limit = opts.inFlight ?? Infinity;

  async function flush(): Promise<void> {
    scheduled = false;
    if (!queue.length) return;
    const batch = queue.length <= opts.max ? queue : queue.slice(0, opts.max);
    queue = queue.length <= opts.max ? [] : queue.slice(opts.max);
    running++;
    schedule();
    try {
      const out = await run(batch.map((b) => b.item));
      batch.forEach((b, i) => b.resolve(out[i] as O));
    } catch (err) {
      if (!opts.alone || batch.length === 1) for (const b of batch) b.reject(err);
      else for (const b of batch) await opts.alone(b.item).then(b.resolve, b.reject);
    } finally {
      running--;
      schedule();
    }
  }

  function schedule(): void {
    if (scheduled || running >= limit || !queue.length) return;
    scheduled = true;
    setImmediate(() => void flush());
  }

  return (item: I) =>
    new Promise<O>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      schedule();
    });
}
