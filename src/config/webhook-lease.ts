// The shortest webhook lease that is safe (docs/webhooks.md "Delivery and retries"). Pure, and in
// config/ because both the configuration (refuses to start) and the dispatcher (refuses to be
// built) apply it; config must not depend on a feature folder (DESIGN.md: compose.ts wires
// config → storage → … → webhooks). The reasoning is in src/webhooks/lease-budget.ts.

/** Kept free after an attempt's timeout for recording it (one short transaction). */
export const RECORD_MARGIN_MS = 500;
/** The least time, after a claim, in which the claimed rows may still be started. */
export const START_WINDOW_MS = 500;

/** The shortest lease that leaves room for one whole attempt, its recording and a start window. */
export function minimumLeaseMs(timeoutMs: number): number {
  return timeoutMs + RECORD_MARGIN_MS + START_WINDOW_MS;
}

/** A message when the lease is too short for the timeout, else null (config and dispatcher). */
export function leaseProblem(leaseMs: number, timeoutMs: number): string | null {
  const min = minimumLeaseMs(timeoutMs);
  if (leaseMs >= min) return null;
  return `the webhook lease (${leaseMs} ms) must be at least the attempt timeout (${timeoutMs} ms) + ${min - timeoutMs} ms`;
}
