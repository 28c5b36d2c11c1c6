// How much of a delivery's lease an attempt may use. A node that still sends after its lease ran
// out races the node that took the row over: the receiver gets the event twice at once and two
// attempts carry the same number. So an attempt (DNS check, connect, answer: one budget of
// `timeoutMs`, see attempt-delivery.ts) plus its recording must end before the lease does, and
// a leased row that can no longer meet that is not started at all.

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

/** The last moment (ms since the epoch) at which a row leased until `leaseEndMs` may be started. */
export function latestStartMs(leaseEndMs: number, timeoutMs: number): number {
  return leaseEndMs - timeoutMs - RECORD_MARGIN_MS;
}
