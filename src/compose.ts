// The only place that wires config -> storage -> providers -> sessions -> http (DESIGN.md).
import { hostname } from 'node:os';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Config } from './config/load.js';
import { randomToken, systemClock, type Clock } from './core/ids.js';
import { isFinal, type MethodId, type Session } from './core/types.js';
import { buildApp } from './http/app.js';
import { createAuthenticator } from './http/auth.js';
import { CreationLimiter } from './http/creation-limit.js';
import type { HttpDeps } from './http/deps.js';
import { Metrics } from './http/metrics.js';
import { createLogger } from './logger.js';
import type { Provider } from './providers/contract.js';
import { createDemoProvider } from './providers/demo/provider.js';
import { oidcUpstreamsFromConfig, type OidcUpstreams } from './providers/oidc/from-config.js';
import { bankIdFromConfig } from './providers/bankid-se/from-config.js';
import { bankIdRoutes } from './http/bankid-routes.js';
import { ChangeFeed } from './sessions/change-feed.js';
import { SessionDriver } from './sessions/driver.js';
import { SessionService } from './sessions/service.js';
import { Worker } from './sessions/worker.js';
import { databaseClock, postgresNow } from './storage/db-clock.js';
import { bridgeNotifications } from './storage/pg-notify.js';
import { openStore, type Store } from './storage/store.js';
import { createDispatcher, type Resolver, type WebhookDispatcher } from './webhooks/index.js';

export interface Broker {
  app: FastifyInstance;
  store: Store;
  svc: SessionService;
  driver: SessionDriver;
  worker: Worker;
  dispatcher: WebhookDispatcher;
  feed: ChangeFeed;
  log: Logger;
  url: string;
  /** OIDC upstreams and the broker's keys toward them; `dev` and tests add their test IdPs here. */
  oidc: OidcUpstreams;
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
  /** The webhook SSRF guard's DNS resolver (tests inject one so that no real name is resolved). */
  webhookResolver?: Resolver;
}

export async function composeBroker(config: Config, opts: ComposeOptions = {}): Promise<Broker> {
  if (!config.secretKey) throw new Error('IDBRIDGE_SECRET_KEY is required');
  const log = opts.logger ?? createLogger(config.logLevel);
  const store = opts.store ?? (await openStore(config.databaseUrl, config.secretKey, { poolSize: config.dbPoolSize }));
  await store.migrate();
  // Several nodes share PostgreSQL: they all tell time by its clock (leases, due checks, expiry).
  const dbClock = !opts.clock && store.dialect === 'postgres' ? await databaseClock(postgresNow(store)) : null;
  const clock = opts.clock ?? dbClock ?? systemClock;
  const providers = new Map<MethodId, Provider>();
  if (config.enableDemo) providers.set('demo', createDemoProvider());
  // OIDC upstreams from IDBRIDGE_<NO_BANKID|DK_MITID|FI_FTN>_* (docs/oidc.md); keys sealed in the database.
  const oidc = await oidcUpstreamsFromConfig(config.oidcEnv ?? {}, store, (p) => providers.set(p.method, p));
  for (const p of opts.providers ?? []) providers.set(p.method, p);
  // se-bankid from IDBRIDGE_BANKID_* unless the caller brought one (dev wires its simulator).
  const bankid = providers.has('se-bankid') ? null : bankIdFromConfig(config, { clock });
  if (bankid) providers.set('se-bankid', bankid.provider);
  else if (!providers.has('se-bankid')) log.warn('se-bankid is off: IDBRIDGE_BANKID_ENV=simulated needs IDBRIDGE_BANKID_URL and IDBRIDGE_BANKID_CA (docs/bankid.md)');
  const feed = new ChangeFeed();
  // On PostgreSQL, changes made by other nodes wake this node's waiters (LISTEN/NOTIFY).
  const bridge = store.dialect === 'postgres' ? await bridgeNotifications(config.databaseUrl, feed, log) : null;
  const metrics = new Metrics();
  // Webhooks (API.md §5): the outbox rows are written in the session change's transaction; the
  // dispatcher is woken after the commit and otherwise polls, so a crash loses nothing.
  const dispatcher = createDispatcher({
    port: store.webhookDeliveryPort, clock, owner: `${hostname()}:${process.pid}:${randomToken(6)}`, resolve: opts.webhookResolver,
    leaseMs: config.webhookLeaseMs, timeoutMs: config.webhookTimeoutMs, metrics: metrics.registry, logger: log.child({ component: 'webhooks' }),
  });
  const outbox = async (tx: Parameters<typeof store.writeSessionEvent>[0], s: Parameters<typeof store.writeSessionEvent>[1]) => {
    await store.writeSessionEvent(tx, s, clock.now());
  };
  const onTransition = (a: Session, b: Session) => {
    metrics.transition(a, b);
    if (isFinal(b.status) && !isFinal(a.status)) dispatcher.wake();
  };
  const svc = new SessionService({ store, providers, clock, feed, log, outbox, onTransition });
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
    createLimiter: config.rateLimitCreate > 0 ? new CreationLimiter(config.rateLimitCreate) : null,
  };
  deps.webhooks = { resolve: opts.webhookResolver, wake: () => dispatcher.wake() };
  deps.oidc = { jwks: (method) => oidc.jwks(method) };
  const app = await buildApp(deps, { logger: log.child({ component: 'http' }), opsOnly: config.role === 'worker', extraPlugins: [bankIdRoutes] });
  const background = opts.runWorker ?? config.role !== 'api';
  if (background) worker.start();
  if (background) dispatcher.start();
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
    app, store, svc, driver, worker, dispatcher, feed, log, url, oidc,
    async close() {
      await worker.stop();
      await dispatcher.stop();
      await app.close();
      await bridge?.close();
      dbClock?.close();
      await bankid?.close();
      if (!opts.store) await store.close();
    },
  };
}
