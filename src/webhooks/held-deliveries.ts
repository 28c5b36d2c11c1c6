// Deliveries held for a disabled endpoint (docs/webhooks.md "Delivery and retries"). They are
// written so that nothing is lost while the merchant fixes the endpoint, but not kept for ever: an
// endpoint left disabled for months would queue rows without end, and its enable would send them
// all at once. One held as long as the retry schedule would have kept trying an enabled endpoint
// (its whole span, about three days) is abandoned as 'endpoint_disabled'; the delivery log keeps
// it, and POST /v1/webhook-deliveries/{id}/retry queues it again (until enable).
import type { Clock } from '../core/ids.js';
import type { DeliveryPort } from './delivery-port.js';
import { RETRY_SPAN_MS } from './schedule.js';
import type { WebhookLogger } from './webhook-logger.js';

/** How long a delivery may be held: as long as the schedule tries an endpoint that is enabled. */
export const HELD_LIMIT_MS = RETRY_SPAN_MS;
/** How often each node sweeps: one bounded, idempotent UPDATE, cheap enough to run on every node. */
export const HELD_SWEEP_EVERY_MS = 60_000;
/** Rows per sweep; a full batch means more may wait, so the next sweep follows at once. */
export const HELD_SWEEP_BATCH = 500;

export interface HeldSweep {
  /** One bounded batch now; answers how many deliveries it abandoned. */
  runOnce(): Promise<number>;
  /** A batch if one is due by the clock; a failure is logged (the dispatcher's loop goes on). */
  runIfDue(): Promise<void>;
}

export function createHeldSweep(port: DeliveryPort, clock: Clock, logger?: WebhookLogger, batch = HELD_SWEEP_BATCH): HeldSweep {
  // By the injected clock, as are the rows' due times (on PostgreSQL, the database's clock).
  let nextAt = Number.NEGATIVE_INFINITY;
  async function runOnce(): Promise<number> {
    const abandoned = await port.abandonHeld(clock.now(), HELD_LIMIT_MS, batch);
    if (abandoned > 0) logger?.info({ abandoned, reason: 'endpoint_disabled' }, 'webhook deliveries held too long for a disabled endpoint abandoned');
    return abandoned;
  }
  return {
    runOnce,
    async runIfDue() {
      const now = clock.now().getTime();
      if (now < nextAt) return;
      nextAt = now + HELD_SWEEP_EVERY_MS;
      try {
        if ((await runOnce()) >= batch) nextAt = now;
      } catch (err) {
        logger?.error({ err: (err as Error).message }, 'webhook held-delivery sweep failed');
      }
    },
  };
}
