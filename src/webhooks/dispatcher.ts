// The delivery loop (DESIGN.md "Scale"): every node leases due deliveries from the database for a
// short time, attempts them, and records the outcome; a dead node's leases run out and another node
// takes them over, so an event is delivered at least once (duplicates allowed, losses not).
import type { Registry } from 'prom-client';
import type { Clock } from '../core/ids.js';
import { attemptDelivery, type AttemptContext } from './attempt-delivery.js';
import { createConnectionPools, type ConnectionPools } from './connection-pools.js';
import type { DeliveryPort, DueDelivery } from './delivery-port.js';
import type { Random } from './schedule.js';
import { DEFAULT_TIMEOUT_MS, type sendWebhook } from './sender.js';
import type { Resolver } from './ssrf-guard.js';
import type { WebhookLogger } from './webhook-logger.js';
import { createWebhookMetrics } from './webhook-metrics.js';
import { createWakeSignal } from './wake-signal.js';

export interface DispatcherOptions {
  port: DeliveryPort;
  clock: Clock;
  /** Identifies this node's leases (e.g. host:pid:random). */
  owner: string;
  resolve?: Resolver;
  /** Attempts in flight at once. */
  concurrency?: number;
  /** Deliveries leased per claim; default 4 × concurrency. */
  batchSize?: number;
  /** Must outlast an attempt (timeout + recording), or another node may send a duplicate. */
  leaseMs?: number;
  timeoutMs?: number;
  /** Longest sleep between claims when idle (issue 4: first attempt within 1 s). */
  pollIntervalMs?: number;
  random?: Random;
  metrics?: Registry;
  logger?: WebhookLogger;
  pools?: ConnectionPools;
  send?: typeof sendWebhook;
}

export interface WebhookDispatcher {
  /** One claim and its attempts; resolves with the number of deliveries attempted. */
  runOnce(): Promise<number>;
  start(): void;
  /** Stops claiming, waits for attempts in flight, closes the connections it opened. */
  stop(): Promise<void>;
  /** Ask for a claim now (a new event was written, a NOTIFY arrived). */
  wake(): void;
}

async function runPool(items: DueDelivery[], concurrency: number, work: (d: DueDelivery) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

export function createDispatcher(options: DispatcherOptions): WebhookDispatcher {
  const concurrency = options.concurrency ?? 64;
  const batchSize = options.batchSize ?? concurrency * 4;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const leaseMs = options.leaseMs ?? Math.max(60_000, timeoutMs * 2);
  if (leaseMs <= timeoutMs) throw new Error('leaseMs must be longer than timeoutMs');
  const ownPools = !options.pools;
  const ctx: AttemptContext = {
    port: options.port,
    clock: options.clock,
    owner: options.owner,
    resolve: options.resolve,
    timeoutMs,
    random: options.random ?? Math.random,
    pools: options.pools ?? createConnectionPools({ connectionsPerOrigin: concurrency }),
    metrics: options.metrics ? createWebhookMetrics(options.metrics, options.port, options.clock) : undefined,
    logger: options.logger,
    send: options.send,
  };
  const wakeSignal = createWakeSignal();
  let loop: Promise<void> | null = null;
  let running = false;

  async function attemptSafely(d: DueDelivery): Promise<void> {
    try {
      await attemptDelivery(ctx, d);
    } catch (err) {
      // Recording failed (database down): the lease runs out and the attempt is made again.
      ctx.logger?.error({ delivery_id: d.delivery_id, err: (err as Error).message }, 'webhook attempt not recorded');
    }
  }

  async function runOnce(): Promise<number> {
    const due = await ctx.port.claimDue(ctx.owner, ctx.clock.now(), batchSize, leaseMs);
    await runPool(due, concurrency, attemptSafely);
    return due.length;
  }

  async function run(): Promise<void> {
    while (running) {
      let claimed = 0;
      try {
        claimed = await runOnce();
      } catch (err) {
        ctx.logger?.error({ err: (err as Error).message }, 'webhook claim failed');
      }
      // A full batch means more may be due: claim again at once.
      if (running && claimed < batchSize) await wakeSignal.wait(options.pollIntervalMs ?? 250);
    }
  }

  return {
    runOnce,
    start() {
      if (running) return;
      running = true;
      loop = run();
    },
    async stop() {
      running = false;
      wakeSignal.wake();
      await loop;
      loop = null;
      if (ownPools) await ctx.pools.close();
    },
    wake: () => wakeSignal.wake(),
  };
}
