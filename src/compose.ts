// The only place that wires config -> storage -> providers -> sessions -> http (DESIGN.md).
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from './config/load.js';
import { systemClock, type Clock } from './core/ids.js';
import type { MethodId } from './core/types.js';
import { buildApp } from './http/app.js';
import { createAuthenticator } from './http/auth.js';
import type { HttpDeps } from './http/deps.js';
import { Metrics } from './http/metrics.js';
import { createLogger } from './logger.js';
import type { Provider } from './providers/contract.js';
import { createDemoProvider } from './providers/demo/provider.js';
import { ChangeFeed } from './sessions/change-feed.js';
import { SessionDriver } from './sessions/driver.js';
import { SessionService } from './sessions/service.js';
import { Worker } from './sessions/worker.js';
import { openStore, type Store } from './storage/store.js';

export interface Broker {
  app: FastifyInstance;
  store: Store;
  svc: SessionService;
  driver: SessionDriver;
  worker: Worker;
  feed: ChangeFeed;
  log: Logger;
  url: string;
  close(): Promise<void>;
}

export interface ComposeOptions {
  clock?: Clock;
  /** Providers beyond the built-in demo (BankID, OIDC), keyed by method. */
  providers?: Provider[];
  logger?: Logger;
  runWorker?: boolean;
  listen?: boolean;
  store?: Store;
}

export async function composeBroker(config: Config, opts: ComposeOptions = {}): Promise<Broker> {
  if (!config.secretKey) throw new Error('IDBRIDGE_SECRET_KEY is required');
  const clock = opts.clock ?? systemClock;
  const log = opts.logger ?? createLogger(config.logLevel);
  const store = opts.store ?? (await openStore(config.databaseUrl, config.secretKey));
  await store.migrate();
  const providers = new Map<MethodId, Provider>();
  if (config.enableDemo) providers.set('demo', createDemoProvider());
  for (const p of opts.providers ?? []) providers.set(p.method, p);
  const feed = new ChangeFeed();
  const metrics = new Metrics();
  const svc = new SessionService({ store, providers, clock, feed, log, onTransition: (a, b) => metrics.transition(a, b) });
  const driver = new SessionDriver(svc);
  const worker = new Worker(svc, driver);
  const deps: HttpDeps = {
    config: {
      publicUrl: config.publicUrl,
      maxWaits: config.maxWaits,
      rateLimitCreate: config.rateLimitCreate,
      rateLimitPages: config.rateLimitPages,
      demoEnabled: config.enableDemo,
      trustProxy: config.trustProxy,
      logLevel: config.logLevel,
    },
    store, svc, driver, feed, clock, metrics,
    authenticate: createAuthenticator(store, clock),
    createRateLimit: config.rateLimitCreate > 0
      ? { max: config.rateLimitCreate, timeWindow: 1000, keyGenerator: (req) => `create:${req.customer?.id ?? req.ip}`, hook: 'preHandler' }
      : false,
  };
  const app = await buildApp(deps, { logger: log.child({ component: 'http' }) });
  if (opts.runWorker !== false) worker.start();
  let url = config.publicUrl;
  if (opts.listen !== false) {
    const address = await app.listen({ port: config.port, host: config.host });
    if (config.port === 0) {
      // Tests listen on an ephemeral port: hand out URLs that point at it.
      url = address.replace('[::1]', '127.0.0.1');
      deps.config.publicUrl = url;
    }
  }
  return {
    app, store, svc, driver, worker, feed, log, url,
    async close() {
      await worker.stop();
      await app.close();
      if (!opts.store) await store.close();
    },
  };
}
