import { sql, type Kysely, type Transaction } from 'kysely';
import type { Session } from '../core/types.js';
import type { Database } from './schema.js';
import type { Sealer } from './sealing.js';
import { groupCommit } from './group-commit.js';
import { reusableQuery, type ReusableQuery } from './reusable-query.js';
import { turnBatch } from './turn-batch.js';
import type { PreparedRunner } from './connect.js';
import { fromRow, HOUR_MS, SESSION_COLUMNS, toRow, type SchedulingColumns } from './session-codec.js';

export type Tx = Kysely<Database> | Transaction<Database>;

export interface UpdatedSincePage {
  data: Session[];
  next_cursor: string | null;
}

const OPEN = ['created', 'pending'];

/** PostgreSQL types of the sessions columns that are not text (migration 001). */
const PG_TYPES: Partial<Record<(typeof SESSION_COLUMNS)[number], string>> = {
  version: 'integer', retention_hours: 'integer',
  created_at: 'bigint', updated_at: 'bigint', expires_at: 'bigint', completed_at: 'bigint', result_erased_at: 'bigint', erase_after: 'bigint', next_check_at: 'bigint', lease_until: 'bigint',
};

/**
 * The retention a session becoming final keeps: its own, or its customer's current one when that
 * is shorter. Other processes cache a customer for a few seconds (http/auth.ts): a session they
 * create just after a shortening carries the longer period, and shortenRetention ran before that
 * row existed. Read in the statement that makes the session final, the customer's row is the one
 * committed by then.
 */
const keptRetention = sql<number>`coalesce((select case when c.retention_hours < sessions.retention_hours then c.retention_hours end
  from customers c where c.id = sessions.customer_id), sessions.retention_hours)`;

/** Final status + kept retention: the erasure's due time (migration 007; bigint before the product). */
const dueAfter = (completed: number | ReturnType<typeof sql.ref>) => sql<number>`${completed} + cast(${keptRetention} as bigint) * ${sql.lit(HOUR_MS)}`;

/**
 * A customer's retention shortened: its sessions not yet erased take the new, shorter period,
 * finished ones due from their final status + the new period (README, design notes). A longer
 * period applies only to sessions created after the change: data is never kept longer than the
 * period in force when it was collected.
 */
export async function shortenRetention(tx: Tx, customerId: string, hours: number): Promise<number> {
  const r = await tx
    .updateTable('sessions')
    .set({ retention_hours: hours, erase_after: sql<number | null>`case when completed_at is null then null else completed_at + ${hours * HOUR_MS} end` })
    .where('customer_id', '=', customerId)
    .where('retention_hours', '>', hours)
    .where('result_erased_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** Final rows not yet erased without a due time, oldest first, on migration 008's index (exported for its plan's test). */
export function unsetEraseAfterQuery(db: Kysely<Database>, limit: number) {
  return db.selectFrom('sessions').select('id')
    .where('erase_after', 'is', null).where('completed_at', 'is not', null).where('result_erased_at', 'is', null)
    .orderBy('completed_at')
    .limit(limit);
}

/**
 * Their due time from the kept retention, by id. The conditions again: a row an old node erased
 * (or a new one finished anew) since the select keeps what its writer set.
 */
export function fillEraseAfterQuery(db: Kysely<Database>, ids: string[]) {
  return db.updateTable('sessions')
    .set({ retention_hours: keptRetention, erase_after: dueAfter(sql.ref('sessions.completed_at')) })
    .where('id', 'in', ids)
    .where('erase_after', 'is', null).where('completed_at', 'is not', null).where('result_erased_at', 'is', null);
}

/**
 * An id list padded (with its first id) to a power of two: every length of list is a new SQL text,
 * and a new text is a new prepared statement, kept in the statement cache (up to 500 of them, one
 * with 500 parameters is tens of KiB); claims and renewals of any size then share six texts.
 */
function padded(ids: string[]): string[] {
  let size = 16;
  while (size < ids.length) size *= 2;
  return ids.length === size ? ids : [...ids, ...Array<string>(size - ids.length).fill(ids[0])];
}

export function sessionQueries(db: Kysely<Database>, sealer: Sealer, dialect: 'sqlite' | 'postgres', prepared?: PreparedRunner) {
  const one = async (q: Promise<Database['sessions'][]>) => {
    const [row] = await q;
    return row ? fromRow(row, sealer) : null;
  };
  // The request path's reads and the create's insert, compiled once (reusable-query.ts).
  const inserts = new Map<string, ReusableQuery<unknown>>();
  const grouped = groupCommit(db, 256, true);
  const groupedRead = groupCommit(db);
  const byId = reusableQuery<Database['sessions']>(['id'], ([id]) => db.selectFrom('sessions').selectAll().where('id', '=', id));
  const byIdOfCustomer = reusableQuery<Database['sessions']>(['id', 'customer'], ([id, c]) =>
    db.selectFrom('sessions').selectAll().where('id', '=', id).where('customer_id', '=', c));
  const byPageToken = reusableQuery<Database['sessions']>(['token'], ([t]) => db.selectFrom('sessions').selectAll().where('page_token', '=', t));
  // PostgreSQL: the lookups and the creates of one turn in one statement each (turn-batch.ts), as
  // named prepared statements (connect.ts): one SQL text whatever the batch's size.
  const quoted = SESSION_COLUMNS.map((c) => `"${c}"`).join(', ');
  const lookupBy = (run: PreparedRunner, column: 'id' | 'page_token') => {
    const text = `select ${quoted} from "sessions" where "${column}" = any($1::text[])`;
    return turnBatch<string, Database['sessions'] | undefined>(async (keys) => {
      // PostgreSQL refuses a NUL in text, and the error would fail every lookup of the batch; no
      // stored key holds one, so such a key is simply not found.
      // A key that is not a string (an old node's replay once asked for `undefined`) is not found
      // either, for its caller alone: `includes` on it would throw and fail the whole batch.
      const asked = [...new Set(keys)].filter((k) => typeof k === 'string' && !k.includes('\u0000'));
      const rows = asked.length ? await run<Database['sessions']>(`idbridge_sessions_by_${column}`, text, [asked]) : [];
      const found = new Map(rows.map((r) => [r[column], r]));
      return keys.map((k) => found.get(k));
    }, { max: 256, inFlight: 2 });
  };
  const insertMany = (run: PreparedRunner) => {
    // One array parameter per column, unnested into rows.
    const text = `insert into "sessions" (${quoted}) select * from unnest(${SESSION_COLUMNS.map((c, i) => `$${i + 1}::${PG_TYPES[c] ?? 'text'}[]`).join(', ')})`;
    const write = (rows: Database['sessions'][]) => run('idbridge_sessions_insert', text, SESSION_COLUMNS.map((c) => rows.map((r) => r[c] ?? null)));
    return turnBatch<Database['sessions'], void>(async (rows) => {
      await write(rows);
      return [];
    }, { max: 256, inFlight: 2, alone: async (row) => void (await write([row])) });
  };
  const pgById = prepared ? lookupBy(prepared, 'id') : null;
  const pgByPageToken = prepared ? lookupBy(prepared, 'page_token') : null;
  const pgInsert = prepared ? insertMany(prepared) : null;
  const byCallbackKey = reusableQuery<Database['sessions']>(['key'], ([k]) => db.selectFrom('sessions').selectAll().where('callback_key', '=', k));
  const queries = {
    async insertSession(s: Session, tx: Tx = db, sched: SchedulingColumns = {}): Promise<void> {
      const row = toRow(s, sealer, sched);
      const columns = Object.keys(row) as (keyof typeof row)[];
      const shape = columns.join(',');
      let insert = inserts.get(shape);
      if (!insert) {
        insert = reusableQuery(columns, (markers) => db.insertInto('sessions').values(Object.fromEntries(columns.map((c, i) => [c, markers[i]])) as never));
        inserts.set(shape, insert);
      }
      await insert.execute(tx, columns.map((c) => row[c] ?? null)); // undefined: the column left out, i.e. NULL
    },
    /**
     * A write transaction of its own, committed together with the others of this turn on SQLite
     * (group-commit.ts); `work` must use only the transaction it is given. On PostgreSQL a
     * transaction of its own.
     */
    writeGrouped<T>(work: (tx: Transaction<Database>) => Promise<T>): Promise<T> {
      // `grouped` is atomic: it always hands its works a transaction.
      return dialect === 'sqlite' ? grouped((tx) => work(tx as Transaction<Database>)) : db.transaction().execute(work);
    },
    /** insertSession outside any transaction, committed together with the others of this turn. */
    insertSessionGrouped(s: Session, sched: SchedulingColumns = {}): Promise<void> {
      if (pgInsert) return pgInsert(toRow(s, sealer, sched));
      return grouped((tx) => queries.insertSession(s, tx, sched));
    },
    async getSession(id: string, customerId?: string): Promise<Session | null> {
      if (pgById) {
        const row = await pgById(id);
        return row && (customerId === undefined || row.customer_id === customerId) ? fromRow(row, sealer) : null;
      }
      // No stored id is anything but a string (lookupBy says the same on PostgreSQL); SQLite would
      // refuse to bind an object.
      if (typeof id !== 'string') return null;
      return one(groupedRead((tx) => (customerId ? byIdOfCustomer.execute(tx, [id, customerId]) : byId.execute(tx, [id]))));
    },
    async getSessionByPageToken(token: string): Promise<Session | null> {
      if (pgByPageToken) {
        const row = await pgByPageToken(token);
        return row ? fromRow(row, sealer) : null;
      }
      if (typeof token !== 'string') return null;
      return one(groupedRead((tx) => byPageToken.execute(tx, [token])));
    },
    getSessionByCallbackKey(key: string): Promise<Session | null> {
      return one(byCallbackKey.execute(db, [key]));
    },
    /** Optimistic write: succeeds only when the stored version is still `prevVersion`. */
    async updateSession(s: Session, prevVersion: number, sched: SchedulingColumns, tx: Tx = db): Promise<boolean> {
      // retention_hours is not written back: a shorter retention set meanwhile (shortenRetention)
      // must not be undone by a writer holding the older copy; the due time of erasure is computed
      // from the stored one in the same statement.
      const { id: _id, customer_id: _c, page_token: _p, created_at: _cr, lease_owner: _lo, lease_until: _lu, retention_hours: _rh, erase_after: _ea, ...row } = toRow(s, sealer, sched);
      const values: Partial<Database['sessions']> = row;
      if (sched.next_check_at === undefined) delete values.next_check_at;
      if (sched.callback_key === undefined) delete values.callback_key;
      // The kept retention is written too, so a later, longer shortenRetention cannot extend it.
      const final = s.completed_at && !s.result_erased_at ? { retention_hours: keptRetention, erase_after: dueAfter(s.completed_at.getTime()) } : { erase_after: null };
      const r = await tx
        .updateTable('sessions')
        .set({ ...values, ...final })
        .where('id', '=', s.id)
        .where('version', '=', prevVersion)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    /** Binds the page to a browser: only the first caller wins (API.md §4). */
    async bindBrowser(id: string, bindingDigest: string): Promise<boolean> {
      const r = await db
        .updateTable('sessions')
        .set({ browser_binding: bindingDigest })
        .where('id', '=', id)
        .where('browser_binding', 'is', null)
        .executeTakeFirst();
      return Number(r.numUpdatedRows) === 1;
    },
    async listUpdatedSince(customerId: string, since: Date, cursor: { t: number; id: string } | null, limit: number): Promise<UpdatedSincePage> {
      let q = db.selectFrom('sessions').selectAll().where('customer_id', '=', customerId);
      q = cursor
        ? q.where((eb) => eb.or([eb('updated_at', '>', cursor.t), eb.and([eb('updated_at', '=', cursor.t), eb('id', '>', cursor.id)])]))
        : q.where('updated_at', '>=', since.getTime());
      const rows = await q.orderBy('updated_at').orderBy('id').limit(limit + 1).execute();
      const data = rows.slice(0, limit).map((r) => fromRow(r, sealer));
      const last = data[data.length - 1];
      const next_cursor = rows.length > limit && last ? Buffer.from(JSON.stringify({ t: last.updated_at.getTime(), id: last.id })).toString('base64url') : null;
      return { data, next_cursor };
    },
    async findExpirable(now: Date, limit: number): Promise<string[]> {
      const rows = await db
        .selectFrom('sessions')
        .select('id')
        .where('status', 'in', OPEN)
        .where('expires_at', '<=', now.getTime())
        .limit(limit)
        .execute();
      return rows.map((r) => r.id);
    },
    /**
     * Sessions whose personal data is due for erasure, longest overdue first: on the index of
     * erase_after (migration 007), so other customers' longer retention never fills the batch.
     */
    async findErasable(now: Date, limit: number): Promise<string[]> {
      const rows = await db
        .selectFrom('sessions')
        .select('id')
        .where('erase_after', '<=', now.getTime())
        // An erased row has erase_after null; the check only keeps a stray one out of the batch.
        .where('result_erased_at', 'is', null)
        .orderBy('erase_after')
        .limit(limit)
        .execute();
      return rows.map((r) => r.id);
    },
    /**
     * Gives a due time to up to `limit` final rows not yet erased that have none: nodes older than
     * migration 007 write their final rows without one (rolling deploy), and findErasable would
     * never see them. On migration 008's partial index, oldest first; answers the rows filled.
     */
    async fillEraseAfter(limit: number): Promise<number> {
      const ids = (await unsetEraseAfterQuery(db, limit).execute()).map((r) => r.id);
      if (!ids.length) return 0;
      const r = await fillEraseAfterQuery(db, ids).executeTakeFirst();
      return Number(r.numUpdatedRows);
    },
    /** Claims pending sessions whose provider check is due, with a lease (one node at a time). */
    /** Answers the claimed sessions whole, so the collector needs no second read per check. */
    async claimDueChecks(owner: string, now: Date, leaseMs: number, limit: number): Promise<Session[]> {
      return (await this.holdDueChecks(owner, now, leaseMs, limit)).map((h) => h.session);
    },
    /**
     * Leases pending sessions whose check is due by `now + horizonMs` (free or lease run out at
     * `now`), and answers each with its due time. While leased, a row's next_check_at is its
     * lease's end: the claim's index scan skips held rows, and when the holder dies the order is
     * due for another node exactly when the lease runs out. The holder keeps the real due times.
     */
    async holdDueChecks(owner: string, now: Date, leaseMs: number, limit: number, horizonMs = 0): Promise<{ session: Session; due: number }[]> {
      const t = now.getTime();
      return db.transaction().execute(async (tx) => {
        let q = tx
          .selectFrom('sessions')
          .selectAll()
          .where('status', '=', 'pending')
          .where('next_check_at', '<=', t + horizonMs)
          .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', t)]))
          .orderBy('next_check_at')
          .limit(limit);
        if (dialect === 'postgres') q = q.forUpdate().skipLocked();
        const rows = await q.execute();
        const ids = rows.map((r) => r.id);
        if (ids.length) {
          await tx.updateTable('sessions').set({ lease_owner: owner, lease_until: t + leaseMs, next_check_at: t + leaseMs }).where('id', 'in', padded(ids)).execute();
        }
        return rows.map((r) => ({ session: fromRow(r, sealer), due: Number(r.next_check_at) }));
      });
    },
    /**
     * Renews this owner's leases of still-pending sessions, 500 rows a statement; answers the
     * version of each renewed row. A row missing from the answer is no longer this owner's to check
     * (final, or taken over after the lease ran out).
     */
    async renewCheckLeases(owner: string, ids: string[], now: Date, leaseMs: number): Promise<Map<string, number>> {
      const until = now.getTime() + leaseMs;
      const renewed = new Map<string, number>();
      for (let i = 0; i < ids.length; i += 512) {
        const rows = await db
          .updateTable('sessions')
          .set({ lease_until: until, next_check_at: until })
          .where('id', 'in', padded(ids.slice(i, i + 512)))
          .where('lease_owner', '=', owner)
          .where('status', '=', 'pending')
          .returning(['id', 'version'])
          .execute();
        for (const r of rows) renewed.set(r.id, Number(r.version));
      }
      return renewed;
    },
    /** Gives held checks back with their due times (a node stopping): others take them at once. */
    async releaseCheckLeases(owner: string, held: { id: string; due: number }[]): Promise<void> {
      // One statement per due time (rounded up to 10 ms, never earlier) and 500 rows.
      const byDue = new Map<number, string[]>();
      for (const h of held) {
        const due = Math.ceil(h.due / 10) * 10;
        const ids = byDue.get(due);
        if (ids) ids.push(h.id);
        else byDue.set(due, [h.id]);
      }
      await db.transaction().execute(async (tx) => {
        for (const [due, ids] of byDue) {
          for (let i = 0; i < ids.length; i += 500) {
            await tx.updateTable('sessions').set({ lease_owner: null, lease_until: null, next_check_at: due })
              .where('id', 'in', ids.slice(i, i + 500)).where('lease_owner', '=', owner).where('status', '=', 'pending').execute();
          }
        }
      });
    },
    async reschedule(id: string, at: Date): Promise<void> {
      await db.updateTable('sessions').set({ next_check_at: at.getTime() }).where('id', '=', id).where('status', '=', 'pending').execute();
    },
    async releaseLease(id: string, owner: string): Promise<void> {
      await db.updateTable('sessions').set({ lease_owner: null, lease_until: null }).where('id', '=', id).where('lease_owner', '=', owner).execute();
    },
  };
  return queries;
}
