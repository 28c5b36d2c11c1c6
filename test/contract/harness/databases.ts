// A fresh database per stack: a SQLite file in a temporary directory, or a fresh PostgreSQL
// schema (created with `pg`, reached through `?options=-c search_path=<schema>`).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export type Dialect = 'sqlite' | 'postgres';
export const PG_URL = process.env.IDBRIDGE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface Database {
  dialect: Dialect;
  url: string;
  dir: string;
  drop(): Promise<void>;
}

async function pgAnswers(): Promise<boolean> {
  const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}

/** Both dialects, or SQLite alone with a loud SKIPPED line (a failure under IDBRIDGE_REQUIRE_PG=1). */
export async function dialects(): Promise<Dialect[]> {
  if (await pgAnswers()) return ['sqlite', 'postgres'];
  if (process.env.IDBRIDGE_REQUIRE_PG === '1') throw new Error(`contract suite: PostgreSQL at ${PG_URL} is required (IDBRIDGE_REQUIRE_PG=1) but does not answer`);
  process.stderr.write(`\n*** contract suite: PostgreSQL at ${PG_URL} does not answer: the PostgreSQL half is SKIPPED ***\n\n`);
  return ['sqlite'];
}

export async function freshDatabase(dialect: Dialect): Promise<Database> {
  const dir = mkdtempSync(join(tmpdir(), 'idbridge-contract-'));
  if (dialect === 'sqlite') {
    return { dialect, dir, url: `sqlite:${join(dir, 'idbridge.db')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const schema = `contract_${randomBytes(6).toString('hex')}`;
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  await c.query(`create schema ${schema}`);
  await c.end();
  return {
    dialect,
    dir,
    url: `${PG_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`,
    async drop() {
      rmSync(dir, { recursive: true, force: true });
      const d = new pg.Client({ connectionString: PG_URL });
      await d.connect();
      await d.query(`drop schema if exists ${schema} cascade`);
      await d.end();
    },
  };
}
