// A live broker (test/support/broker.ts) wired for webhook tests: the SSRF guard's resolver is a
// map the test controls (no real name is ever resolved), and the first customer may use private
// webhook URLs so that receivers on 127.0.0.1 are allowed.
import { afterEach } from 'vitest';
import type { ComposeOptions } from '../../../src/compose.js';
import type { Resolver } from '../../../src/webhooks/ssrf-guard.js';
import { openStore } from '../../../src/storage/store.js';
import { startBroker, type TestBroker } from '../../support/broker.js';
import { openDatabase, TEST_SECRET } from '../../support/databases.js';
import { FlowClient } from '../../support/flow-client.js';
import { migrateFresh } from '../../webhooks/support/migrate.js';
import { startReceiver, type Receiver, type Responder } from '../../webhooks/support/receiver.js';

export interface HooksBroker extends TestBroker {
  dns: Map<string, string>;
  /** Registers an endpoint through the API; answers its JSON (with the secret). */
  endpoint(url: string, events?: string[], key?: string): Promise<any>;
  /** A demo session completed through the workflow page, as a browser would. */
  completeDemo(extra?: Record<string, unknown>): Promise<string>;
  cancelDemo(extra?: Record<string, unknown>): Promise<string>;
}

const cleanups: Array<() => Promise<void>> = [];
export function useHooksCleanup(): void {
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
}

export async function receiver(responder?: Responder): Promise<Receiver> {
  const r = await startReceiver(responder);
  cleanups.push(() => r.close());
  return r;
}

export async function hooksBroker(dialect: 'sqlite' | 'postgres', opts: ComposeOptions & { allowPrivate?: boolean } = {}): Promise<HooksBroker> {
  const dns = new Map<string, string>();
  const resolve: Resolver = async (host) => {
    const address = dns.get(host);
    if (!address) throw new Error(`ENOTFOUND ${host}`);
    return [{ address, family: address.includes(':') ? 6 : 4 }];
  };
  // A store migrated here (see migrateFresh) rather than by the broker: deterministic on PostgreSQL.
  const database = await openDatabase(dialect);
  const store = await openStore(database.url, TEST_SECRET);
  await migrateFresh(store);
  cleanups.push(async () => {
    await store.close();
    await database.drop();
  });
  const b = await startBroker(dialect, { ...opts, store, webhookResolver: resolve, customer: { allow_private_webhooks: opts.allowPrivate ?? true } });
  cleanups.push(() => b.close());
  const create = async (extra: Record<string, unknown>) =>
    (await b.api('/v1/sessions', { method: 'POST', json: { method: 'demo', relay_state: 'order-7', ...extra } })).body;
  return Object.assign(b, {
    dns,
    async endpoint(url: string, events?: string[], key?: string) {
      const r = await b.api('/v1/webhook-endpoints', { method: 'POST', json: { url, ...(events ? { events } : {}) }, key });
      if (r.status !== 201) throw new Error(`endpoint ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    },
    async completeDemo(extra: Record<string, unknown> = {}) {
      const s = await create(extra);
      const page = new FlowClient(s.redirect_url);
      await page.bind();
      await page.start();
      const done = await page.approve(0);
      if (done.status !== 'complete') throw new Error(`demo ended ${done.status}`);
      return s.id as string;
    },
    async cancelDemo(extra: Record<string, unknown> = {}) {
      const s = await create(extra);
      await b.api(`/v1/sessions/${s.id}/cancel`, { method: 'POST' });
      return s.id as string;
    },
  });
}

export async function until<T>(check: () => T | Promise<T>, timeoutMs = 5_000, what = 'condition'): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
