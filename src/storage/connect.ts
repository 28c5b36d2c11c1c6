import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import type { Database } from './schema.js';
import { migrationProvider } from './migrations/index.js';

export type Dialect = 'sqlite' | 'postgres';

export interface Connection {
  db: Kysely<Database>;
  dialect: Dialect;
  close(): Promise<void>;
}

/** `sqlite:PATH` or `postgres://…` (API.md §1 IDBRIDGE_DATABASE_URL). */
export async function connect(url: string, opts: { poolSize?: number; schema?: string } = {}): Promise<Connection> {
  if (url.startsWith('sqlite:')) return connectSqlite(url.slice('sqlite:'.length));
  return connectPostgres(url, opts);
}

async function connectSqlite(path: string): Promise<Connection> {
  const { default: SQLite } = await import('better-sqlite3');
  const database = new SQLite(path || ':memory:');
  // WAL lets the CLI write customers while `dev` or `serve` reads; busy_timeout waits for its lock.
  database.pragma('journal_mode = WAL');
  database.pragma('busy_timeout = 5000');
  database.pragma('foreign_keys = ON');
  database.pragma('synchronous = NORMAL');
  // Kysely's SQLite driver prepares every query anew; most queries repeat with other parameters,
  // so reuse the prepared statement by its SQL text (bounded). better-sqlite3 runs a statement
  // synchronously (all/run), so one statement is never used by two queries at once.
  const statements = new Map<string, ReturnType<typeof database.prepare>>();
  const cached = {
    close: () => database.close(),
    prepare(sql: string) {
      let stmt = statements.get(sql);
      if (!stmt) {
        stmt = database.prepare(sql);
        if (statements.size >= 500) statements.clear();
        statements.set(sql, stmt);
      }
      return stmt;
    },
  };
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: cached }) });
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}

async function connectPostgres(url: string, opts: { poolSize?: number; schema?: string }): Promise<Connection> {
  const pg = await import('pg');
  const Pool = pg.default.Pool;
  // int8 (epoch milliseconds) as JS numbers: safe up to 2^53, far beyond any date we store.
  const types = { getTypeParser: (oid: number, format?: any) => (oid === 20 ? (v: string) => Number(v) : pg.default.types.getTypeParser(oid, format)) };
  const pool = new Pool({
    connectionString: url,
    max: opts.poolSize ?? 10,
    types: types as any,
    ...(opts.schema ? { options: `-c search_path=${opts.schema}` } : {}),
  });
  pool.on('error', () => undefined); // a dropped idle client is replaced on next use
  // A client that is checked out between two statements (inside a transaction) has no listener of
  // the pool's: when PostgreSQL goes away its 'error' would crash the process. The statement in
  // flight fails on its own and the request answers 503; the broken client is not reused.
  pool.on('connect', (client) => client.on('error', () => undefined));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', close: () => db.destroy() };
}

export async function migrate(db: Kysely<Database>, dialect: Dialect): Promise<string[]> {
  // Kysely looks for its bookkeeping tables in any schema unless told which: name ours, so
  // deployments (and test suites) that share one PostgreSQL database in several schemas stay apart.
  const schema = dialect === 'postgres' ? (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]?.s : undefined;
  const migrator = new Migrator({ db, provider: migrationProvider, ...(schema ? { migrationTableSchema: schema } : {}) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error;
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
