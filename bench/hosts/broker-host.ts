// Host process: a real broker (composeBroker over SQLite or PostgreSQL, as the tests start it) on
// 127.0.0.1, with a customer, optionally the Swedish BankID provider pointed at a simulator, and
// commands that prepare or change sessions in-process (app.inject / the session driver), so that
// set-up work does not count as load and runs fast.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';
import { sql } from 'kysely';
import { openStore, type Store } from '../../src/storage/store.js';
import { MERCHANT, startBroker } from '../../test/support/broker.js';
import { postgresDatabase, TEST_SECRET, type TestDatabase } from '../../test/support/databases.js';
import { hostArgs, runHost } from '../lib/host.js';

interface Args {
  dialect: 'sqlite' | 'postgres';
  env?: Record<string, string>;
  /** The simulator to wire se-bankid to, through compose's own IDBRIDGE_BANKID_* settings. */
  bankid?: { rpUrl: string; caPem: string };
  allowPrivateWebhooks?: boolean;
  /** false: neither the collector nor the webhook dispatcher starts until told (startDispatcher). */
  runWorker?: boolean;
}

const now = () => performance.timeOrigin + performance.now();

async function pool<T>(items: T[], concurrency: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      await work(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, lane));
}

await runHost(async () => {
  const args = hostArgs<Args>();
  const env: Record<string, string> = { IDBRIDGE_RATE_LIMIT_PAGES: '0', ...args.env };
  if (args.bankid) {
    const caFile = join(mkdtempSync(join(tmpdir(), 'idbridge-bench-')), 'bankid-ca.pem');
    writeFileSync(caFile, args.bankid.caPem);
    Object.assign(env, { IDBRIDGE_BANKID_ENV: 'simulated', IDBRIDGE_BANKID_URL: args.bankid.rpUrl, IDBRIDGE_BANKID_CA: caFile });
  }
  // Kysely's Migrator used to find its tables in any PostgreSQL schema, so a fresh schema next to a
  // leftover one skipped creating them (fixed in src by c3ac1d6); creating them first stays harmless.
  let pgDb: TestDatabase | null = null;
  let store: Store | undefined;
  if (args.dialect === 'postgres') {
    pgDb = await postgresDatabase();
    store = await openStore(pgDb.url, TEST_SECRET);
    await sql`create table if not exists kysely_migration (name varchar(255) not null primary key, timestamp varchar(255) not null)`.execute(store.db);
    await sql`create table if not exists kysely_migration_lock (id varchar(255) not null primary key, is_locked integer not null default 0)`.execute(store.db);
    await store.migrate();
  }
  const b = await startBroker(args.dialect, {
    env,
    runWorker: args.runWorker,
    store,
    customer: { allow_private_webhooks: args.allowPrivateWebhooks ?? false },
  });
  const { broker } = b;
  const auth = { authorization: `Bearer ${b.key}` };
  const inject = async (method: 'GET' | 'POST', url: string, payload?: unknown) => {
    const r = await broker.app.inject({ method, url, headers: auth, payload: payload as any });
    if (r.statusCode >= 300) throw new Error(`${method} ${url}: ${r.statusCode} ${r.body.slice(0, 300)}`);
    return r.json();
  };
  const browser = (id: string) => ({ ip: '127.0.0.1', user_agent: 'bench', callback_url: `${broker.url}/flow/callback/demo`, id });

  return {
    ready: { url: broker.url, key: b.key, customerId: b.customerId, dialect: args.dialect, merchant: MERCHANT },
    handlers: {
      /** Creates n sessions through the API in-process; `start` moves demo sessions to pending. */
      async prepare({ n, body, start, concurrency }: { n: number; body: Record<string, unknown>; start?: boolean; concurrency?: number }) {
        const ids: string[] = new Array(n);
        const t0 = now();
        await pool(Array.from({ length: n }, (_, i) => i), concurrency ?? 16, async (_, i) => {
          const s = await inject('POST', '/v1/sessions', body);
          ids[i] = s.id;
          if (start) {
            const row = await broker.store.getSession(s.id);
            if (row) await broker.driver.start(row, browser(s.id));
          }
        });
        return { ids, ms: now() - t0 };
      },
      read: ({ id }: { id: string }) => inject('GET', `/v1/sessions/${id}`),
      endpoint: ({ url }: { url: string }) => inject('POST', '/v1/webhook-endpoints', { url }),
      /** Completes pending demo sessions as the page's Approve would; answers each final time. */
      async complete({ ids, concurrency, perSecond }: { ids: string[]; concurrency?: number; perSecond?: number | null }) {
        const t0 = now();
        let failed = 0;
        await pool(ids, concurrency ?? 16, async (id, i) => {
          const due = perSecond ? t0 + (i * 1000) / perSecond - now() : 0;
          if (due > 0) await new Promise((r) => setTimeout(r, due));
          // Each completion is its own event-loop turn, as a page's request would be: better-sqlite3
          // answers synchronously, so without this the lanes would run on microtasks alone and
          // starve every socket (the dispatcher's sends) until the last completion.
          else await new Promise((r) => setImmediate(r));
          const s = await broker.store.getSession(id);
          const done = s ? await broker.driver.callback(s, { action: 'approve', person: '0' }, '127.0.0.1') : null;
          if (done?.status !== 'complete') failed++;
        });
        return { ms: now() - t0, failed };
      },
      /** Cancels sessions at a steady pace; answers when each cancel started (epoch ms, fractional). */
      async cancelPaced({ ids, perSecond }: { ids: string[]; perSecond: number }) {
        const started: Record<string, number> = {};
        const gap = 1000 / perSecond;
        const t0 = now();
        await pool(ids, 8, async (id, i) => {
          const due = t0 + i * gap - now();
          if (due > 0) await new Promise((r) => setTimeout(r, due));
          started[id] = now();
          await broker.svc.cancel(b.customerId, id);
        });
        return started;
      },
      stopDispatcher: () => broker.dispatcher.stop(),
      startDispatcher: () => broker.dispatcher.start(),
      stopWorker: () => broker.worker.stop(),
      /** Per delivery: when the event was written (the final state's transaction) and the first attempt. */
      async webhookTimes() {
        const db = broker.store.db;
        const rows = await db
          .selectFrom('webhook_deliveries as d')
          .innerJoin('webhook_events as ev', 'ev.id', 'd.event_id')
          .leftJoin('webhook_attempts as a', (j) => j.onRef('a.delivery_id', '=', 'd.id').on('a.number', '=', 1))
          .select(['d.id', 'd.status', 'd.delivered_at', 'ev.created_at', 'a.started_at', 'a.status as attempt_status'])
          .execute();
        return rows.map((r) => ({
          created: Number(r.created_at),
          first: r.started_at === null ? null : Number(r.started_at),
          delivered: r.delivered_at === null ? null : Number(r.delivered_at),
          status: r.status,
          attempt_status: r.attempt_status,
        }));
      },
      async openWaits() {
        const r = await broker.app.inject({ method: 'GET', url: '/metrics' });
        return Number(/^idbridge_open_waits (\d+)/m.exec(r.body)?.[1] ?? -1);
      },
      /** Where the RSS is: V8's spaces (committed), Node's own counters, and the kernel's split. */
      memDetail: () => ({
        ...process.memoryUsage(),
        spaces: Object.fromEntries(getHeapSpaceStatistics().map((x) => [x.space_name, x.space_size])),
        proc: Object.fromEntries([...readFileSync('/proc/self/status', 'utf8').matchAll(/^(Rss\w+):\s+(\d+) kB/gm)].map((m) => [m[1], Number(m[2]) * 1024])),
      }),
      async pendingCount() {
        const r = await broker.store.db.selectFrom('sessions').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'pending').executeTakeFirst();
        return Number(r?.n ?? 0);
      },
    },
    async close() {
      await b.close();
      await store?.close();
      await pgDb?.drop();
    },
  };
});
