import { randomBytes } from 'node:crypto';

/** 160 bits from the CSPRNG, URL-safe (API.md §3: at least 128 bits). */
export function randomToken(bytes = 20): string {
  return randomBytes(bytes).toString('base64url');
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
