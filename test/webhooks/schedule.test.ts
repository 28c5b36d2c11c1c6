import { describe, expect, it } from 'vitest';
import { MAX_ATTEMPTS, RETRY_DELAYS_MS, nextAttemptAt, shouldDisableEndpoint } from '../../src/webhooks/schedule.js';

const now = new Date('2026-01-01T00:00:00Z');
const mid = () => 0.5; // no jitter
const delay = (d: Date | null) => (d ? d.getTime() - now.getTime() : null);
const H = 3_600_000;

describe('retry schedule (API.md §5)', () => {
  it('follows 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h, 24 h, then abandons', () => {
    const delays = Array.from({ length: MAX_ATTEMPTS }, (_, i) => delay(nextAttemptAt(i + 1, now, null, mid)));
    expect(delays).toEqual([5_000, 300_000, 1_800_000, 2 * H, 5 * H, 10 * H, 14 * H, 20 * H, 24 * H, null]);
    expect(RETRY_DELAYS_MS[0]).toBe(0);
  });

  it('adds at most ±10 % jitter', () => {
    expect(delay(nextAttemptAt(2, now, null, () => 0))).toBe(270_000);
    expect(delay(nextAttemptAt(2, now, null, () => 0.999999))).toBeCloseTo(330_000, -1);
    for (let i = 0; i < 200; i++) {
      const d = delay(nextAttemptAt(4, now))!;
      expect(d).toBeGreaterThanOrEqual(0.9 * 2 * H);
      expect(d).toBeLessThanOrEqual(1.1 * 2 * H);
    }
  });

  it('honours a longer Retry-After, ignores a shorter one, and bounds it at 24 h', () => {
    expect(delay(nextAttemptAt(1, now, 60_000, mid))).toBe(60_000);
    expect(delay(nextAttemptAt(2, now, 1_000, mid))).toBe(300_000);
    expect(delay(nextAttemptAt(1, now, 7 * 24 * H, mid))).toBe(24 * H);
    expect(nextAttemptAt(MAX_ATTEMPTS, now, 60_000, mid)).toBeNull();
    expect(() => nextAttemptAt(0, now)).toThrow();
  });

  it('disables on 410 and after 5 days of continuous failure', () => {
    expect(shouldDisableEndpoint(410, null, now)).toBe(true);
    expect(shouldDisableEndpoint(500, null, now)).toBe(false);
    expect(shouldDisableEndpoint(500, new Date(now.getTime() - 4 * 24 * H), now)).toBe(false);
    expect(shouldDisableEndpoint(null, new Date(now.getTime() - 5 * 24 * H), now)).toBe(true);
    expect(shouldDisableEndpoint(200, new Date(now.getTime() - 9 * 24 * H), now)).toBe(false);
  });
});
