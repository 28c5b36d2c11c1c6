// Failures of an RP API call, kept apart so callers can tell "BankID said no" from "no answer".
// Error table: bankid.com integration guide, "Felfall" (reference §1.5).
import type { ErrorCode } from './types.js';

/** BankID answered with a non-2xx status and (usually) `{errorCode, details}`. */
export class BankIdApiError extends Error {
  override readonly name = 'BankIdApiError';
  constructor(
    readonly status: number,
    readonly errorCode: ErrorCode,
    readonly details: string,
    /** Milliseconds from Retry-After or RateLimit-Reset, when the answer carried one. */
    readonly retryAfterMs: number | null = null,
  ) {
    super(`BankID ${status} ${errorCode}: ${details}`);
  }

  /** 429 and 503 are transient: back off and ask again (§1.5 "retry silently"). */
  get retriable(): boolean {
    return this.status === 429 || this.status === 503;
  }
}

/** No usable HTTP answer: DNS, TCP, TLS, timeout or a body that is not JSON. */
export class BankIdNetworkError extends Error {
  override readonly name = 'BankIdNetworkError';
  readonly retriable = true;
  constructor(message: string, override readonly cause?: unknown) {
    super(message);
  }
}

export function isRetriable(error: unknown): boolean {
  return (
    (error instanceof BankIdApiError && error.retriable) || error instanceof BankIdNetworkError
  );
}

/** Retry-After (seconds or HTTP date) or RateLimit-Reset (seconds), whichever comes first. */
export function retryAfterFromHeaders(headers: Record<string, string | string[] | undefined>, now = Date.now()): number | null {
  const pick = (name: string) => {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const retryAfter = pick('retry-after') ?? pick('ratelimit-reset');
  if (!retryAfter) return null;
  if (/^\d+$/.test(retryAfter.trim())) return Number(retryAfter) * 1000;
  const date = Date.parse(retryAfter);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}
