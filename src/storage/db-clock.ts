// The database's clock for every node (DESIGN.md Scale: leases and expiry use the database's
// clock, not the node's). Each node measures the offset of PostgreSQL's clock to its own, at start
// and then every minute, and adds it to its own: two nodes whose clocks disagree by more than a
// lease then still agree on when a lease or a session runs out. The error is half the query's
// round trip (the best of three samples is kept); a failed re-measurement keeps the last offset,
// and so does one whose round trip was much slower than the best seen (a busy node or database
// would only make the offset worse: clocks drift by milliseconds a minute, not seconds).
import { sql } from 'kysely';
import type { Clock } from '../core/ids.js';
import type { Store } from './store.js';

export interface DatabaseClock extends Clock {
  /** Database time minus node time, in milliseconds (as last measured). */
  offsetMs(): number;
  close(): void;
}

/** `dbNow` answers the database's time in epoch milliseconds. */
export async function databaseClock(dbNow: () => Promise<number>, remeasureMs = 60_000): Promise<DatabaseClock> {
  let offset = 0;
  let bestRtt = Infinity;
  const measure = async () => {
    let best: { rtt: number; offset: number } | null = null;
    for (let i = 0; i < 3; i++) {
      const before = Date.now();
      const db = await dbNow();
      const after = Date.now();
      if (!best || after - before < best.rtt) best = { rtt: after - before, offset: db - (before + after) / 2 };
    }
    if (best!.rtt > Math.max(50, 2 * bestRtt)) return;
    bestRtt = Math.min(bestRtt, best!.rtt);
    offset = Math.round(best!.offset);
  };
  await measure();
  const timer = setInterval(() => void measure().catch(() => undefined), remeasureMs);
  timer.unref();
  return {
    now: () => new Date(Date.now() + offset),
    offsetMs: () => offset,
    close: () => clearInterval(timer),
  };
}

/** PostgreSQL's clock_timestamp() (the time at the statement, not the transaction's start). */
export function postgresNow(store: Store): () => Promise<number> {
  return async () => {
    const r = await sql<{ ms: string | number }>`select (extract(epoch from clock_timestamp()) * 1000)::float8 as ms`.execute(store.db);
    return Number(r.rows[0].ms);
  };
}
