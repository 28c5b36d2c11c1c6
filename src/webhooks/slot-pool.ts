// The dispatcher's slots: the attempts this node has in flight, at most `size`. The dispatcher
// leases only as many rows as there are free slots (lease-budget.ts), so it needs to know when
// slots free up, and to wait a moment for several at once: one claim per delivery would cost
// more than the deliveries' sends.
import { createWakeSignal } from './wake-signal.js';

export interface SlotPool {
  readonly free: number;
  /** Runs `work` in a slot; the slot is free again once it settles. */
  run(work: () => Promise<void>): Promise<void>;
  /** Until `want` slots are free, or `ms` have passed. */
  waitFree(want: number, ms: number): Promise<void>;
  /** Ends any wait at once (stop). */
  interrupt(): void;
  /** Until every attempt in flight has settled. */
  drain(): Promise<void>;
}

export function createSlotPool(size: number): SlotPool {
  const inFlight = new Set<Promise<void>>();
  const freed = createWakeSignal();
  let interrupted = false;
  return {
    get free() {
      return size - inFlight.size;
    },
    run(work) {
      const p = work().finally(() => {
        inFlight.delete(p);
        freed.wake();
      });
      inFlight.add(p);
      return p;
    },
    async waitFree(want, ms) {
      interrupted = false;
      // Real time on purpose: a timer-bounded pause, not a due time; the injected clock may not move.
      const deadline = Date.now() + ms;
      while (!interrupted && size - inFlight.size < want && Date.now() < deadline) await freed.wait(deadline - Date.now());
    },
    interrupt() {
      interrupted = true;
      freed.wake();
    },
    drain: async () => {
      await Promise.all(inFlight);
    },
  };
}
