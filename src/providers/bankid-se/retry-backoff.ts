// Backoff for transient BankID trouble (429, 503, network; reference §1.5 "back off"). The retry
// outcome of the contract carries no state, so attempts are counted here, per order, in memory:
// a node that takes over an order merely starts counting again.
export class RetryBackoff {
  static readonly MAX_ATTEMPTS = 8;
  private readonly counts = new Map<string, number>();

  attempts(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  /** 2 s, 4 s, 8 s … capped at 30 s, with up to 20 % jitter; Retry-After wins when longer. */
  next(key: string, retryAfterMs: number | null = null): number {
    const attempt = this.attempts(key) + 1;
    this.counts.set(key, attempt);
    const base = Math.min(30_000, 2000 * 2 ** (attempt - 1));
    const jittered = Math.round(base * (1 + Math.random() * 0.2));
    return Math.max(jittered, retryAfterMs ?? 0);
  }

  clear(key: string): void {
    this.counts.delete(key);
  }
}
