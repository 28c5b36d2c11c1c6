import { randomFillSync } from 'node:crypto';

// The CSPRNG is read in 4 KiB batches and handed out slice by slice, as Node's randomUUID does:
// one randomBytes call costs ≈ 6 µs (a call into OpenSSL's DRBG), ≈ 10 % of a session create with
// its two tokens. Every byte is used once; the output is the same CSPRNG's.
const POOL = Buffer.alloc(4096);
let offset = POOL.length;

/** 160 bits from the CSPRNG, URL-safe (API.md §3: at least 128 bits). */
export function randomToken(bytes = 20): string {
  if (bytes > POOL.length) return randomFillSync(Buffer.alloc(bytes)).toString('base64url');
  if (offset + bytes > POOL.length) {
    randomFillSync(POOL);
    offset = 0;
  }
  const token = POOL.toString('base64url', offset, offset + bytes);
  POOL.fill(0, offset, offset + bytes);
  offset += bytes;
  return token;
}

export function newSessionId(): string {
  return `ses_${randomToken()}`;
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests can move by hand. */
export class ManualClock implements Clock {
  constructor(private current: Date = new Date('2026-01-01T00:00:00Z')) {}
  now(): Date {
    return new Date(this.current.getTime());
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
  set(date: Date): void {
    this.current = new Date(date.getTime());
  }
}
