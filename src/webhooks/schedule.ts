// The retry schedule of API.md §5, which is the example schedule of Standard Webhooks 1.0
// "Deliverability and reliability": immediately, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h,
// 20 h, 24 h, each with random jitter so that a receiver that fell over under load is not hit
// by every retry at the same instant.
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Delay before attempt n+1 (index n), counted from the end of attempt n; index 0 = first send. */
export const RETRY_DELAYS_MS: readonly number[] = [
  0,
  5 * SECOND,
  5 * MINUTE,
  30 * MINUTE,
  2 * HOUR,
  5 * HOUR,
  10 * HOUR,
  14 * HOUR,
  20 * HOUR,
  24 * HOUR,
];
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length;
/** From the first attempt to the last without jitter: 75 h 35 min 5 s, "about three days". */
export const RETRY_SPAN_MS = RETRY_DELAYS_MS.reduce((sum, ms) => sum + ms, 0);
export const JITTER = 0.1;
/** A receiver's Retry-After may push a retry later than the schedule, but not beyond this. */
export const MAX_RETRY_AFTER_MS = DAY;
/** Standard Webhooks "Deliverability": disable endpoints that keep failing; ours: 5 days. */
export const DISABLE_AFTER_FAILING_MS = 5 * DAY;

export type Random = () => number;

/**
 * When to make the next attempt after attempt number `attemptNumber` (1-based) failed at `now`;
 * `null` once the last attempt has failed (the event is abandoned). `Retry-After` is honoured
 * when it asks for more time than the schedule, bounded by MAX_RETRY_AFTER_MS.
 */
export function nextAttemptAt(
  attemptNumber: number,
  now: Date,
  retryAfterMs?: number | null,
  random: Random = Math.random,
): Date | null {
  if (!Number.isInteger(attemptNumber) || attemptNumber < 1) throw new Error('attempt numbers start at 1');
  if (attemptNumber >= MAX_ATTEMPTS) return null;
  const base = RETRY_DELAYS_MS[attemptNumber];
  const jittered = Math.round(base * (1 + JITTER * (2 * random() - 1)));
  const asked = retryAfterMs && retryAfterMs > 0 ? Math.min(retryAfterMs, MAX_RETRY_AFTER_MS) : 0;
  // "never earlier than the schedule says": the jittered lower bound still holds.
  return new Date(now.getTime() + Math.max(jittered, asked));
}

/**
 * 410 Gone means the receiver wants no more (Standard Webhooks "Delivery success and failure");
 * otherwise disable after 5 days of continuous failure of the endpoint (`failingSince` = the
 * first failed attempt since the endpoint's last success, or null when it is healthy).
 */
export function shouldDisableEndpoint(status: number | null, failingSince: Date | null, now: Date): boolean {
  if (status === 410) return true;
  if (status !== null && status >= 200 && status < 300) return false;
  return failingSince !== null && now.getTime() - failingSince.getTime() >= DISABLE_AFTER_FAILING_MS;
}
