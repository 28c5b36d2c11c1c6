// A /metrics scrape asks the queue once: the three queue gauges share one queueStats query (its
// join and group-by), and the next scrape asks again, so what it shows is never stale.
import { Registry } from 'prom-client';
import { describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../src/core/ids.js';
import { createWebhookMetrics } from '../../src/webhooks/webhook-metrics.js';
import { MemoryDeliveryPort } from './support/memory-delivery-port.js';

describe('webhook metrics', () => {
  it('one scrape runs queueStats once for all three queue gauges; the next scrape runs it again', async () => {
    const clock = new ManualClock(new Date('2026-11-28T12:00:00Z'));
    const port = new MemoryDeliveryPort();
    const e = port.addEndpoint({ url: 'https://a.example/h', secrets: [] });
    port.enqueue(e.id, 'msg_1', '{}', new Date(clock.now().getTime() - 42_000));
    const queueStats = vi.spyOn(port, 'queueStats');
    const registry = new Registry();
    createWebhookMetrics(registry, port, clock);

    const text = await registry.metrics();
    expect(queueStats).toHaveBeenCalledTimes(1);
    expect(text).toContain('idbridge_webhook_queue_depth 1');
    expect(text).toContain('idbridge_webhook_oldest_undelivered_age_seconds 42');
    expect(text).toContain('idbridge_webhook_held_deliveries 0');

    e.status = 'disabled';
    const later = await registry.metrics();
    expect(queueStats).toHaveBeenCalledTimes(2);
    expect(later).toContain('idbridge_webhook_queue_depth 0');
    expect(later).toContain('idbridge_webhook_held_deliveries 1');
  });

  it('a failed query fails that scrape only; the next one asks again', async () => {
    const port = new MemoryDeliveryPort();
    const queueStats = vi.spyOn(port, 'queueStats').mockRejectedValueOnce(new Error('database away'));
    const registry = new Registry();
    createWebhookMetrics(registry, port, new ManualClock());
    await expect(registry.metrics()).rejects.toThrow('database away');
    expect(await registry.metrics()).toContain('idbridge_webhook_queue_depth 0');
    expect(queueStats).toHaveBeenCalledTimes(2);
  });
});
