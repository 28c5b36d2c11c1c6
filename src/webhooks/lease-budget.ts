// How much of a delivery's lease an attempt may use. A node that still sends after its lease ran
// out races the node that took the row over: the receiver gets the event twice at once and two
// attempts carry the same number. So an attempt (DNS check, connect, answer: one budget of
// `timeoutMs`, see attempt-delivery.ts) plus its recording must end before the lease does, and
// a leased row that can no longer meet that is not started at all. The shortest safe lease
// (checked by the configuration too) is in src/config/webhook-lease.ts.
import { RECORD_MARGIN_MS } from '../config/webhook-lease.js';

/** The last moment (ms since the epoch) at which a row leased until `leaseEndMs` may be started. */
export function latestStartMs(leaseEndMs: number, timeoutMs: number): number {
  return leaseEndMs - timeoutMs - RECORD_MARGIN_MS;
}
