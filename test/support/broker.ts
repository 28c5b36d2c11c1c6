// Starts a real broker on 127.0.0.1 (ephemeral port) over a real database, with a customer.
import { composeBroker, type Broker, type ComposeOptions } from '../../src/compose.js';
import { loadConfig } from '../../src/config/load.js';
import { addCustomer, type NewCustomer } from '../../src/customers.js';
import { createLogger } from '../../src/logger.js';
import { openDatabase, TEST_SECRET, type TestDatabase } from './databases.js';

export interface TestBroker {
  broker: Broker;
  url: string;
  db: TestDatabase;
  key: string;
  customerId: string;
  addCustomer(c?: Partial<NewCustomer>): Promise<{ key: string; id: string }>;
  api(path: string, init?: RequestInit & { json?: unknown; key?: string }): Promise<{ status: number; body: any; headers: Headers }>;
  close(): Promise<void>;
}

export const MERCHANT = 'http://127.0.0.1:9';

export async function startBroker(
  dialect: 'sqlite' | 'postgres' = 'sqlite',
  opts: ComposeOptions & { env?: Record<string, string>; customer?: Partial<NewCustomer>; db?: TestDatabase } = {},
): Promise<TestBroker> {
  // A given database is shared with other brokers (several nodes); its owner drops it.
  const db = opts.db ?? (await openDatabase(dialect));
  const config = loadConfig({
    IDBRIDGE_DATABASE_URL: db.url,
    IDBRIDGE_PORT: '0',
    IDBRIDGE_HOST: '127.0.0.1',
    IDBRIDGE_SECRET_KEY: TEST_SECRET,
    IDBRIDGE_ENABLE_DEMO: '1',
    IDBRIDGE_LOG_LEVEL: 'silent',
    // many brokers share one PostgreSQL during a test run: stay well under its max_connections
    IDBRIDGE_DB_POOL_SIZE: '3',
    ...opts.env,
  });
  const broker = await composeBroker(config, { logger: createLogger('silent'), ...opts });
  const add = async (c: Partial<NewCustomer> = {}) => {
    const r = await addCustomer(broker.store, {
      name: 'Test shop',
      targets: [`${MERCHANT}/done`, `${MERCHANT}/error`],
      frame_origins: [MERCHANT],
      ...c,
    }, new Date());
    return { key: r.api_key, id: r.customer.id };
  };
  const first = await add(opts.customer);
  const url = broker.url;
  return {
    broker,
    url,
    db,
    key: first.key,
    customerId: first.id,
    addCustomer: add,
    async api(path, init = {}) {
      const headers = new Headers(init.headers);
      headers.set('authorization', `Bearer ${init.key ?? first.key}`);
      let body = init.body;
      if (init.json !== undefined) {
        headers.set('content-type', 'application/json');
        body = JSON.stringify(init.json);
      }
      const res = await fetch(`${url}${path}`, { ...init, headers, body });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        /* not JSON */
      }
      return { status: res.status, body: parsed, headers: res.headers };
    },
    async close() {
      await broker.close();
      if (!opts.db) await db.drop();
    },
  };
}
