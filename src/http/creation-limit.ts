// IDBRIDGE_RATE_LIMIT_CREATE (API.md §1): session *creations* per second per customer, on this node.
// A token bucket per customer (a burst of `perSecond`, refilled at `perSecond` a second). A create
// takes a token before it runs and gives it back when no session came of it (a refused body, a
// target that is not registered, an idempotent replay), so a merchant's bad requests do not use up
// its budget for sessions.
import { ApiError } from '../core/errors.js';

interface Bucket {
  tokens: number;
  at: number;
}

export class CreationLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly perSecond: number, private readonly now: () => number = () => performance.now()) {}

  /** Takes a token of `customerId`'s budget, or throws 429 rate_limited with Retry-After. */
  take(customerId: string): void {
    const t = this.now();
    let b = this.buckets.get(customerId);
    if (!b) {
      if (this.buckets.size >= 10_000) this.forgetFull(t);
      b = { tokens: this.perSecond, at: t };
      this.buckets.set(customerId, b);
    }
    this.refill(b, t);
    if (b.tokens < 1) {
      const seconds = Math.max(1, Math.ceil((1 - b.tokens) / this.perSecond));
      throw new ApiError('rate_limited', `Too many sessions created; retry in ${seconds} s.`, undefined, { 'retry-after': String(seconds) });
    }
    b.tokens -= 1;
  }

  /** Gives back a token taken for a create that made no session. */
  giveBack(customerId: string): void {
    const b = this.buckets.get(customerId);
    if (b) b.tokens = Math.min(this.perSecond, b.tokens + 1);
  }

  private refill(b: Bucket, t: number): void {
    b.tokens = Math.min(this.perSecond, b.tokens + ((t - b.at) / 1000) * this.perSecond);
    b.at = t;
  }

  /** Buckets that have filled up again are the same as none. */
  private forgetFull(t: number): void {
    for (const [id, b] of this.buckets) {
      this.refill(b, t);
      if (b.tokens >= this.perSecond) this.buckets.delete(id);
    }
  }
}
