// Ids and tokens: at least 128 bits from the CSPRNG (API.md §3), and time-ordered where stored in an index.
import { describe, expect, it } from 'vitest';
import { newSessionId, randomToken, timeOrderedToken } from '../../src/core/ids.js';

describe('ids', () => {
  it('hands out 160 random bits per token, never the same twice', () => {
    const seen = new Set(Array.from({ length: 5000 }, () => randomToken()));
    expect(seen.size).toBe(5000);
    for (const t of [...seen].slice(0, 10)) expect(Buffer.from(t, 'base64url')).toHaveLength(20);
  });

  it('time-ordered tokens sort as their creation times do, and keep the random part whole', () => {
    const t0 = Date.UTC(2026, 10, 28, 12);
    const a = timeOrderedToken(t0);
    const b = timeOrderedToken(t0 + 1);
    const c = timeOrderedToken(t0 + 86_400_000);
    expect([c, a, b].sort()).toEqual([a, b, c]);
    expect(parseInt(a.slice(0, 9), 36)).toBe(t0);
    expect(Buffer.from(a.slice(9), 'base64url')).toHaveLength(20);
    expect(timeOrderedToken(t0).slice(9)).not.toBe(a.slice(9));
  });

  it('session ids are ses_ and a time-ordered token', () => {
    const before = Date.now();
    const id = newSessionId();
    expect(id).toMatch(/^ses_[0-9a-z]{9}[A-Za-z0-9_-]{27}$/);
    const t = parseInt(id.slice(4, 13), 36);
    expect(t).toBeGreaterThanOrEqual(before);
    expect(t).toBeLessThanOrEqual(Date.now());
  });
});
