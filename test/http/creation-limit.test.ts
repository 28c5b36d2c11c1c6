// CreationLimiter: a token bucket per customer — a burst of N, then N a second; tokens given back.
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/core/errors.js';
import { CreationLimiter } from '../../src/http/creation-limit.js';

function refusal(f: () => void): ApiError | null {
  try {
    f();
    return null;
  } catch (e) {
    return e as ApiError;
  }
}

describe('CreationLimiter', () => {
  it('allows a burst of N, refills N a second, per customer, and tells when to retry', () => {
    let t = 0;
    const lim = new CreationLimiter(4, () => t);
    for (let i = 0; i < 4; i++) expect(refusal(() => lim.take('a'))).toBeNull();
    const no = refusal(() => lim.take('a'));
    expect(no?.code).toBe('rate_limited');
    expect(no?.headers?.['retry-after']).toBe('1');
    expect(refusal(() => lim.take('b'))).toBeNull(); // another customer's own budget
    t = 250; // a quarter second: one token back
    expect(refusal(() => lim.take('a'))).toBeNull();
    expect(refusal(() => lim.take('a'))).not.toBeNull();
    t = 10_000; // never more than the burst
    for (let i = 0; i < 4; i++) expect(refusal(() => lim.take('a'))).toBeNull();
    expect(refusal(() => lim.take('a'))).not.toBeNull();
  });

  it('a token given back can be taken again, never above the burst', () => {
    const t = 0;
    const lim = new CreationLimiter(2, () => t);
    lim.take('a');
    lim.take('a');
    lim.giveBack('a');
    expect(refusal(() => lim.take('a'))).toBeNull();
    lim.giveBack('a');
    lim.giveBack('a');
    lim.giveBack('a');
    lim.take('a');
    lim.take('a');
    expect(refusal(() => lim.take('a'))).not.toBeNull();
  });
});
