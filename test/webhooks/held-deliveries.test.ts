// The held-delivery sweep's cadence (held-deliveries.ts): once a minute by the injected clock; at
// once again after a full batch (more may wait); a failure is logged and retried a minute later.
import { describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../src/core/ids.js';
import { createHeldSweep, HELD_LIMIT_MS, HELD_SWEEP_EVERY_MS } from '../../src/webhooks/held-deliveries.js';
import { MemoryDeliveryPort } from './support/memory-delivery-port.js';

function setup(held: number) {
  const clock = new ManualClock(new Date('2026-11-28T12:00:00Z'));
  const port = new MemoryDeliveryPort();
  const e = port.addEndpoint({ url: 'https://a.example/h', secrets: [] });
  void port.disableEndpoint(e.id, 'receiver answered 410 Gone', clock.now());
  for (let i = 0; i < held; i++) port.enqueue(e.id, `msg_${i}`, '{}', clock.now());
  clock.advance(HELD_LIMIT_MS);
  const logger = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
  return { clock, port, logger, calls: vi.spyOn(port, 'abandonHeld') };
}

describe('held-delivery sweep', () => {
  it('sweeps again at once after a full batch, then waits a minute by the clock', async () => {
    const { clock, port, logger, calls } = setup(5);
    const sweep = createHeldSweep(port, clock, logger, 2);
    for (let i = 0; i < 3; i++) await sweep.runIfDue();
    expect(calls).toHaveBeenCalledTimes(3);
    expect([...port.deliveries.values()].map((d) => d.abandoned_reason)).toEqual(Array(5).fill('endpoint_disabled'));
    expect(logger.info).toHaveBeenCalledWith({ abandoned: 2, reason: 'endpoint_disabled' }, expect.any(String));
    await sweep.runIfDue(); // the last batch was not full: nothing more until a minute has passed
    expect(calls).toHaveBeenCalledTimes(3);
    clock.advance(HELD_SWEEP_EVERY_MS - 1);
    await sweep.runIfDue();
    expect(calls).toHaveBeenCalledTimes(3);
    clock.advance(1);
    await sweep.runIfDue();
    expect(calls).toHaveBeenCalledTimes(4);
    expect(calls).toHaveBeenLastCalledWith(clock.now(), HELD_LIMIT_MS, 2);
  });

  it('logs a failure without throwing, and tries again a minute later', async () => {
    const { clock, port, logger, calls } = setup(1);
    calls.mockRejectedValueOnce(new Error('database away'));
    const sweep = createHeldSweep(port, clock, logger);
    await expect(sweep.runIfDue()).resolves.toBeUndefined();
    expect(logger.error).toHaveBeenCalledWith({ err: 'database away' }, expect.any(String));
    await sweep.runIfDue();
    expect(calls).toHaveBeenCalledTimes(1);
    clock.advance(HELD_SWEEP_EVERY_MS);
    await sweep.runIfDue();
    expect([...port.deliveries.values()][0].state).toBe('abandoned');
  });
});
