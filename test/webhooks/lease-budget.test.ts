// A lease must hold one whole attempt (its one timeout budget) and its recording, checked where
// the dispatcher is built and where the configuration is read (issue 4 audit, gap 1).
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { ManualClock } from '../../src/core/ids.js';
import { createDispatcher } from '../../src/webhooks/dispatcher.js';
import { leaseProblem, minimumLeaseMs } from '../../src/config/webhook-lease.js';
import { latestStartMs } from '../../src/webhooks/lease-budget.js';
import { MemoryDeliveryPort } from './support/memory-delivery-port.js';

const env = (lease: string, timeout: string) => ({ IDBRIDGE_WEBHOOK_LEASE_MS: lease, IDBRIDGE_WEBHOOK_TIMEOUT_MS: timeout });

describe('webhook lease budget', () => {
  it('asks for the timeout plus a second, and starts no attempt later than the lease allows', () => {
    expect(minimumLeaseMs(15_000)).toBe(16_000);
    expect(leaseProblem(16_000, 15_000)).toBeNull();
    expect(leaseProblem(15_999, 15_000)).toMatch(/at least the attempt timeout \(15000 ms\) \+ 1000 ms/);
    // Leased until 30 s: an attempt of up to 15 s plus its recording must begin by 14.5 s.
    expect(latestStartMs(30_000, 15_000)).toBe(14_500);
  });

  it('the dispatcher refuses a lease that cannot hold one attempt and its recording', () => {
    const make = (leaseMs: number) => () =>
      createDispatcher({ port: new MemoryDeliveryPort(), clock: new ManualClock(), owner: 'x', timeoutMs: 15_000, leaseMs });
    expect(make(15_999)).toThrow(/at least the attempt timeout/);
    expect(make(16_000)).not.toThrow();
  });

  it('the configuration refuses it too, and keeps the defaults and short test settings valid', () => {
    expect(() => loadConfig(env('15500', '15000'))).toThrow(/IDBRIDGE_WEBHOOK_LEASE_MS: the webhook lease \(15500 ms\)/);
    expect(loadConfig({})).toMatchObject({ webhookLeaseMs: 30_000, webhookTimeoutMs: 15_000 });
    expect(loadConfig(env('5000', '4000'))).toMatchObject({ webhookLeaseMs: 5_000 });
  });

  it('lives in config/, which no longer imports from webhooks/ (DESIGN.md: compose.ts wires config → storage → …)', () => {
    const dir = new URL('../../src/config/', import.meta.url);
    const imports = readdirSync(dir).filter((f) => f.endsWith('.ts'))
      .flatMap((f) => [...readFileSync(new URL(f, dir), 'utf8').matchAll(/from '(\.[^']+)'/g)].map((m) => `${f}: ${m[1]}`));
    expect(imports).toContain('load.ts: ./webhook-lease.js');
    expect(imports.filter((i) => /: \.\.\/(webhooks|storage|http|sessions)\//.test(i))).toEqual([]);
  });
});
