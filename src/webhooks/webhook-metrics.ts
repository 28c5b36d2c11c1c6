// Prometheus metrics of webhook delivery (issue 4): outcomes, attempt latency, queue depth and the
// age of the oldest undelivered event (enabled endpoints), and what disabled endpoints hold. The
// gauges ask the port at scrape time, so every node reports the shared queue as the database sees it.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Clock } from '../core/ids.js';
import type { DeliveryPort, QueueStats } from './delivery-port.js';

export type AttemptOutcomeLabel = 'delivered' | 'retry' | 'abandoned';

export interface WebhookMetrics {
  attempt(outcome: AttemptOutcomeLabel, durationMs: number): void;
}

// A registry shared by several dispatchers (tests, several loops per process) gets one metric each.
function reuse<T>(registry: Registry, name: string, make: () => T): T {
  return (registry.getSingleMetric(name) as T | undefined) ?? make();
}

/**
 * One queueStats query per scrape: prom-client collects every gauge of a scrape at once, so the
 * three queue gauges share the query in flight instead of running its join and group-by three
 * times. Nothing is kept after it settles: the next scrape (seconds later) reads the queue afresh.
 */
function sharedQueueStats(port: DeliveryPort, clock: Clock): () => Promise<{ now: Date; stats: QueueStats }> {
  let inFlight: Promise<{ now: Date; stats: QueueStats }> | null = null;
  return () => {
    if (inFlight) return inFlight;
    const now = clock.now();
    const p = port.queueStats(now).then((stats) => ({ now, stats }));
    inFlight = p;
    const clear = () => {
      if (inFlight === p) inFlight = null;
    };
    p.then(clear, clear);
    return p;
  };
}

export function createWebhookMetrics(registry: Registry, port: DeliveryPort, clock: Clock): WebhookMetrics {
  const queue = sharedQueueStats(port, clock);
  const deliveries = reuse(registry, 'idbridge_webhook_attempts_total', () => new Counter({
    name: 'idbridge_webhook_attempts_total',
    help: 'Webhook delivery attempts by outcome (delivered, retry scheduled, abandoned)',
    labelNames: ['outcome'],
    registers: [registry],
  }));
  const latency = reuse(registry, 'idbridge_webhook_attempt_duration_seconds', () => new Histogram({
    name: 'idbridge_webhook_attempt_duration_seconds',
    help: 'Duration of one webhook delivery attempt',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30],
    registers: [registry],
  }));
  reuse(registry, 'idbridge_webhook_queue_depth', () => new Gauge({
    name: 'idbridge_webhook_queue_depth',
    help: 'Webhook deliveries for enabled endpoints not yet delivered or abandoned',
    registers: [registry],
    async collect() {
      this.set((await queue()).stats.depth);
    },
  }));
  reuse(registry, 'idbridge_webhook_oldest_undelivered_age_seconds', () => new Gauge({
    name: 'idbridge_webhook_oldest_undelivered_age_seconds',
    help: 'Age of the oldest webhook delivery still pending (0 when none)',
    registers: [registry],
    async collect() {
      const { now, stats } = await queue();
      const oldest = stats.oldest_pending_created_at;
      this.set(oldest ? Math.max(0, (now.getTime() - oldest.getTime()) / 1000) : 0);
    },
  }));
  reuse(registry, 'idbridge_webhook_held_deliveries', () => new Gauge({
    name: 'idbridge_webhook_held_deliveries',
    help: 'Webhook deliveries held for disabled endpoints, sent once the endpoint is enabled again',
    registers: [registry],
    async collect() {
      this.set((await queue()).stats.held);
    },
  }));
  return {
    attempt(outcome, durationMs) {
      deliveries.inc({ outcome });
      latency.observe(durationMs / 1000);
    },
  };
}
