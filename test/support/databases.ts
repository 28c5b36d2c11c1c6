// The databases every storage-backed suite runs against: SQLite always, PostgreSQL at
// 127.0.0.1:5432 when it answers. Without PostgreSQL those suites say so loudly and skip; with
// IDBRIDGE_REQUIRE_PG=1 (CI sets it) a missing PostgreSQL fails instead.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const PG_URL = process.env.IDBRIDGE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const TEST_SECRET = 'a'.repeat(64);

let pgAvailable: Promise<boolean> | null = null;

export function postgresAvailable(): Promise<boolean> {
  pgAvailable ??= (async () => {
    const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
    try {
      await client.connect();
      await client.query('select 1');
      return true;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => undefined);
    }
  })();
  return pgAvailable;
}

export interface TestDatabase {
  name: 'sqlite' | 'postgres';
  url: string;
  schema?: string;
  drop(): Promise<void>;
}

export async function sqliteDatabase(): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'idbridge-'));
  return { name: 'sqlite', url: `sqlite:${join(dir, 'test.db')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

/** A fresh schema per suite, so suites run in parallel without seeing each other's rows. */
export async function postgresDatabase(): Promise<TestDatabase> {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  await client.query(`create schema ${schema}`);
  await client.end();
  const url = `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  return {
    name: 'postgres',
    url,
    schema,
    async drop() {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`drop schema if exists ${schema} cascade`);
      await c.end();
    },
  };
}

/** The dialects to run a suite against; a missing PostgreSQL is a loud skip, or a failure in CI. */
export async function dialects(): Promise<('sqlite' | 'postgres')[]> {
  if (await postgresAvailable()) return ['sqlite', 'postgres'];
  if (process.env.IDBRIDGE_REQUIRE_PG === '1') throw new Error(`PostgreSQL at ${PG_URL} is required (IDBRIDGE_REQUIRE_PG=1) but does not answer`);
  process.stderr.write(`\n*** PostgreSQL at ${PG_URL} does not answer: PostgreSQL suites are SKIPPED ***\n\n`);
  return ['sqlite'];
}

export function openDatabase(name: 'sqlite' | 'postgres'): Promise<TestDatabase> {
  return name === 'sqlite' ? sqliteDatabase() : postgresDatabase();
}
