import type { Statement } from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import type { DatabaseIntrospector, DatabaseMetadata, DatabaseMetadataOptions, SchemaMetadata, TableMetadata } from 'kysely';
import type { Database } from './schema.js';
import { migrationProvider } from './migrations/index.js';

export type Dialect = 'sqlite' | 'postgres';

export interface Connection {
  db: Kysely<Database>;
  dialect: Dialect;
  /** PostgreSQL: runs a named prepared statement (see connectPostgres); absent on SQLite. */
  prepared?: PreparedRunner;
  close(): Promise<void>;
}

export type PreparedRunner = <R>(name: string, sql: string, params: readonly unknown[]) => Promise<R[]>;

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
  const statements = new Map<string, ReturnType<typeof rowsAsObjects>>();
  const cached = {
    close: () => database.close(),
    prepare(sql: string) {
      let stmt = statements.get(sql);
      if (!stmt) {
        stmt = rowsAsObjects(database.prepare(sql));
        if (statements.size >= 500) statements.clear();
        statements.set(sql, stmt);
      }
      return stmt;
    },
  };
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: cached }) });
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}

/**
 * The statement as Kysely's SQLite driver uses it (reader, all, run, iterate), with the rows of a
 * reader built in JavaScript from better-sqlite3's raw arrays. better-sqlite3 builds each row object
 * through V8's API one property at a time: ≈ 5 µs for a session row of 27 columns, a third of the
 * whole SELECT; a compiled object literal of the statement's columns does it in a fraction of that.
 */
function rowsAsObjects(stmt: Statement) {
  if (!stmt.reader || stmt.columns().some((c) => c.name === '__proto__')) return { reader: stmt.reader, all: (p: unknown[]) => stmt.all(p), run: (p: unknown[]) => stmt.run(p), iterate: (p: unknown[]) => stmt.iterate(p) };
  const names = stmt.columns().map((c) => c.name);
  // Column names come from the SQL text of our own queries; JSON.stringify quotes each as a key
  // (`__proto__` would set the prototype, so such a statement keeps better-sqlite3's objects).
  // A name given twice keeps the later value, as better-sqlite3's own objects do.
  const build = new Function('r', `return {${names.map((n, i) => `${JSON.stringify(n)}: r[${i}]`).join(', ')}};`) as (r: unknown[]) => Record<string, unknown>;
  const raw = stmt.raw(true);
  return {
    reader: true,
    all: (p: unknown[]) => (raw.all(p) as unknown[][]).map(build),
    run: (p: unknown[]) => raw.run(p),
    *iterate(p: unknown[]) {
      for (const r of raw.iterate(p) as IterableIterator<unknown[]>) yield build(r);
    },
  };
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
  const db = new Kysely<Database>({ dialect: new CurrentSchemaPostgresDialect({ pool }) });
  // The hottest statements are prepared once per pooled connection under a name, so the server
  // parses and plans them once (Kysely sends every statement unnamed: parsed and planned each
  // time). Their SQL names its columns, never `*`: a column added by a later migration while this
  // node runs does not change their result type. Should a prepared plan still be refused
  // ("cached plan must not change result type", 0A000, say after a column's type changed), the
  // statement runs unnamed instead. Behind a pooler in transaction mode (PgBouncer without
  // max_prepared_statements) a statement prepared on one server connection is not there on the
  // next ("does not exist" 26000, "already exists" 42P05): the first such answer turns named
  // statements off for this process.
  let named = true;
  const prepared: PreparedRunner = async <R>(name: string, text: string, params: readonly unknown[]) => {
    if (!named) return (await pool.query({ text, values: params as unknown[] })).rows as R[];
    try {
      return (await pool.query({ name, text, values: params as unknown[] })).rows as R[];
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code === '26000' || code === '42P05') named = false;
      else if (code !== '0A000') throw err;
      return (await pool.query({ text, values: params as unknown[] })).rows as R[];
    }
  };
  return { db, dialect: 'postgres', prepared, close: () => db.destroy() };
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

/**
 * PostgreSQL with an introspector that sees only the connection's own schema. Kysely's stock one
 * (used by its Migrator to find its bookkeeping tables) lists every table of every schema and calls
 * `has_schema_privilege(name, …)` per row: a schema dropped by someone else while it runs fails the
 * whole query ("schema … does not exist"), so one deployment's `migrate` could fail because another
 * deployment in the same database was being removed. Ours reads pg_catalog for `current_schema()`
 * only and resolves nothing by name.
 */
class CurrentSchemaPostgresDialect extends PostgresDialect {
  override createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new CurrentSchemaIntrospector(db);
  }
}

class CurrentSchemaIntrospector implements DatabaseIntrospector {
  constructor(private readonly db: Kysely<any>) {}

  async getSchemas(): Promise<SchemaMetadata[]> {
    const r = await sql<{ name: string }>`select current_schema() as name`.execute(this.db);
    return r.rows.filter((s) => s.name !== null);
  }

  async getTables(options: DatabaseMetadataOptions = { withInternalKyselyTables: false }): Promise<TableMetadata[]> {
    const r = await sql<{ schema: string; table: string; kind: string; column: string; type: string; type_schema: string; not_null: boolean; has_default: boolean }>`
      select ns.nspname as schema, c.relname as table, c.relkind as kind, a.attname as column,
             t.typname as type, tns.nspname as type_schema, a.attnotnull as not_null, a.atthasdef as has_default
        from pg_catalog.pg_class c
        join pg_catalog.pg_namespace ns on ns.oid = c.relnamespace
        join pg_catalog.pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
        join pg_catalog.pg_type t on t.oid = a.atttypid
        join pg_catalog.pg_namespace tns on tns.oid = t.typnamespace
       where ns.nspname = current_schema() and c.relkind in ('r', 'v', 'p')
       order by c.relname, a.attnum`.execute(this.db);
    const tables = new Map<string, TableMetadata & { columns: TableMetadata['columns'][number][] }>();
    for (const row of r.rows) {
      if (!options.withInternalKyselyTables && row.table.startsWith('kysely_migration')) continue;
      let t = tables.get(row.table);
      if (!t) {
        t = { name: row.table, schema: row.schema, isView: row.kind === 'v', columns: [] };
        tables.set(row.table, t);
      }
      t.columns.push({
        name: row.column,
        dataType: row.type,
        dataTypeSchema: row.type_schema,
        isNullable: !row.not_null,
        hasDefaultValue: row.has_default,
        isAutoIncrementing: false,
      });
    }
    return [...tables.values()];
  }

  async getMetadata(options?: DatabaseMetadataOptions): Promise<DatabaseMetadata> {
    return { tables: await this.getTables(options) };
  }
}
