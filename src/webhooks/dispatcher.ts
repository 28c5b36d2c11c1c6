// The delivery loop (DESIGN.md "Scale"): every node leases due deliveries from the database for a
// short time, attempts them, and records the outcome; a dead node's leases run out and another node
// takes them over, so an event is delivered at least once (duplicates allowed, losses not).
// A sliding pool: the node leases only as many rows as it has free slots and starts each at once,
// so no leased row waits behind slow attempts until its lease runs out and a second node sends it
// too (lease-budget.ts); it claims again as slots free up. Once a minute it also abandons what a
// disabled endpoint has held too long (held-deliveries.ts).
import type { Registry } from 'prom-client';
import { leaseProblem } from '../config/webhook-lease.js';
import type { Clock } from '../core/ids.js';
import { attemptDelivery, type AttemptContext } from './attempt-delivery.js';
import { createConnectionPools, type ConnectionPools } from './connection-pools.js';
import type { DeliveryPort, DueDelivery } from './delivery-port.js';
import { createHeldSweep } from './held-deliveries.js';
import { latestStartMs } from './lease-budget.js';
import type { Random } from './schedule.js';
import { DEFAULT_TIMEOUT_MS, type sendWebhook } from './sender.js';
import type { Resolver } from './ssrf-guard.js';
import type { WebhookLogger } from './webhook-logger.js';
import { createWebhookMetrics } from './webhook-metrics.js';
import { createSlotPool } from './slot-pool.js';
import { createWakeSignal } from './wake-signal.js';

/** How long a full pool waits for more free slots before it claims for the ones it has. */
const GATHER_MS = 10;

export interface DispatcherOptions {
  port: DeliveryPort;
  clock: Clock;
  /** Identifies this node's leases (e.g. host:pid:random). */
  owner: string;
  resolve?: Resolver;
  /** Attempts in flight at once, and so the most rows this node holds leased. */
  concurrency?: number;
  /** At least timeoutMs + 1 s (config/webhook-lease.ts), or another node may send a duplicate. */
  leaseMs?: number;
  /** One attempt's whole budget: DNS check, connect and answer. */
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
  /** One claim for the free slots and its attempts; resolves with the number of attempts made. */
  runOnce(): Promise<number>;
  start(): void;
  /** Stops claiming, waits for attempts in flight, closes the connections it opened. */
  stop(): Promise<void>;
  /** Ask for a claim now (a new event was written, a NOTIFY arrived). */
  wake(): void;
  /** One batch of the held-delivery sweep that the loop runs every minute; answers how many it abandoned. */
  abandonHeld(): Promise<number>;
}

export function createDispatcher(options: DispatcherOptions): WebhookDispatcher {
  const concurrency = options.concurrency ?? 64;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const leaseMs = options.leaseMs ?? Math.max(60_000, timeoutMs * 2);
  const problem = leaseProblem(leaseMs, timeoutMs);
  if (problem) throw new Error(problem);
  const pollMs = options.pollIntervalMs ?? 250;
  const gatherBatch = Math.max(1, Math.floor(concurrency / 4));
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
  const slots = createSlotPool(concurrency);
  const heldSweep = createHeldSweep(options.port, options.clock, options.logger);
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

  function launch(d: DueDelivery, latestStart: number): Promise<void> | null {
    // A claim that came back late (database or event loop stalled) may leave too little lease for
    // a whole attempt: leave the row; it is claimed again when its lease runs out.
    if (ctx.clock.now().getTime() > latestStart) {
      ctx.logger?.warn({ delivery_id: d.delivery_id }, 'webhook lease too short to start an attempt; left for a later claim');
      return null;
    }
    return slots.run(() => attemptSafely(d));
  }

  /** Leases as many due rows as there are free slots and starts each; answers what it started. */
  async function claimFreeSlots(): Promise<{ asked: number; claimed: number; started: Promise<void>[] }> {
    const asked = slots.free;
    if (asked <= 0) return { asked, claimed: 0, started: [] };
    const claimedAt = ctx.clock.now().getTime();
    const due = await ctx.port.claimDue(ctx.owner, new Date(claimedAt), asked, leaseMs);
    const latest = latestStartMs(claimedAt + leaseMs, timeoutMs);
    const started = due.map((d) => launch(d, latest)).filter((p): p is Promise<void> => p !== null);
    return { asked, claimed: due.length, started };
  }

  async function runOnce(): Promise<number> {
    const { started } = await claimFreeSlots();
    await Promise.all(started);
    return started.length;
  }

  async function run(): Promise<void> {
    while (running) {
      await heldSweep.runIfDue();
      let r = { asked: 1, claimed: 0 };
      try {
        r = await claimFreeSlots();
      } catch (err) {
        ctx.logger?.error({ err: (err as Error).message }, 'webhook claim failed');
      }
      if (!running) break;
      // Fewer than asked: nothing else is due now; sleep until woken (new event, NOTIFY) or the poll.
      if (r.claimed < r.asked) {
        await wakeSignal.wait(pollMs);
        continue;
      }
      // Every free slot filled, so more is likely due: claim again once a quarter of the slots
      // are free, or soon after the first one is (a claim per delivery would cost more than its send).
      while (running && slots.free === 0) await slots.waitFree(1, pollMs);
      if (running) await slots.waitFree(gatherBatch, GATHER_MS);
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
      slots.interrupt();
      await loop;
      loop = null;
      await slots.drain();
      if (ownPools) await ctx.pools.close();
    },
    wake: () => wakeSignal.wake(),
    abandonHeld: () => heldSweep.runOnce(),
  };
}
