// `migrate` on PostgreSQL looks only at its own schema: several deployments (or test suites) share one
// database in several schemas, and one of them being dropped while another migrates must not fail it.
import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { connect, migrate } from '../../src/storage/connect.js';
import { dialects, postgresDatabase, PG_URL, type TestDatabase } from '../support/databases.js';

const ON_PG = (await dialects()).includes('postgres');

describe.runIf(ON_PG)('migrate on PostgreSQL beside other schemas', () => {
  const made: TestDatabase[] = [];
  afterAll(async () => {
    for (const d of made) await d.drop();
  });

  it('sees only its own schema, so schemas dropped meanwhile do not matter', async () => {
    const mine = await postgresDatabase();
    made.push(mine);
    const conn = await connect(mine.url, { poolSize: 2 });
    // Another deployment in the same database, with Kysely's bookkeeping table of its own.
    const other = await postgresDatabase();
    made.push(other);
    const admin = new pg.Client({ connectionString: PG_URL });
    await admin.connect();
    try {
      await admin.query(`create table ${other.schema}.kysely_migration (name varchar(255) primary key, timestamp varchar(255) not null)`);
      const tables = await conn.db.introspection.getTables({ withInternalKyselyTables: true });
      expect(tables.length).toBe(0);

      // Schemas created and dropped in a loop while this one migrates and re-reads its tables.
      let churn = true;
      const churner = (async () => {
        for (let i = 0; churn; i++) {
          const s = `${mine.schema}_churn${i}`;
          await admin.query(`create schema ${s}; create table ${s}.t (id int); drop schema ${s} cascade`);
        }
      })();
      try {
        const applied = await migrate(conn.db, 'postgres');
        expect(applied.length).toBeGreaterThan(0);
        for (let i = 0; i < 20; i++) expect(await migrate(conn.db, 'postgres')).toEqual([]);
      } finally {
        churn = false;
        await churner;
      }
      const after = await conn.db.introspection.getTables({ withInternalKyselyTables: true });
      expect(new Set(after.map((t) => t.schema))).toEqual(new Set([mine.schema]));
      expect(after.map((t) => t.name)).toContain('sessions');
      expect(after.map((t) => t.name)).toContain('kysely_migration');
      const visible = await conn.db.introspection.getTables();
      expect(visible.map((t) => t.name)).not.toContain('kysely_migration');
    } finally {
      await admin.end();
      await conn.close();
    }
  });
});
