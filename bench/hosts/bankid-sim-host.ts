// Host process for scenario 5: the BankID RP API v6 simulator on 127.0.0.1, its own process so that
// the broker's CPU figure is the broker's alone. Orders stay pending (no app scans them) for the
// whole run, and every collect is recorded per orderRef with the simulator's receive time.
import { startBankIdSimulator } from '../../src/providers/bankid-se/simulator/index.js';
import { summarize } from '../lib/stats.js';
import { runHost } from '../lib/host.js';

await runHost(async () => {
  const hour = 3_600_000;
  const sim = await startBankIdSimulator({ timing: { startTimeoutMs: hour, orderLifetimeMs: hour } });
  const collects = new Map<string, number[]>();
  const book = sim.orders;
  const original = book.collect.bind(book);
  book.collect = (orderRef: string) => {
    const t = performance.timeOrigin + performance.now();
    const list = collects.get(orderRef);
    if (list) list.push(t);
    else collects.set(orderRef, [t]);
    return original(orderRef);
  };
  return {
    ready: { rpUrl: sim.rpUrl, caPem: sim.caPem, pfxB64: sim.clientPfx.toString('base64'), passphrase: sim.clientPassphrase },
    handlers: {
      /** Collect intervals of every order, counting only collects inside [from, to]. */
      intervals({ from, to }: { from: number; to: number }) {
        const intervals: number[] = [];
        let orders = 0;
        let starved = 0;
        let collectsInWindow = 0;
        for (const times of collects.values()) {
          const inside = times.filter((t) => t >= from && t <= to);
          collectsInWindow += inside.length;
          orders++;
          if (inside.length < 2) starved++;
          for (let i = 1; i < inside.length; i++) intervals.push(inside[i] - inside[i - 1]);
        }
        const pending = book.pending().length;
        return { orders, pending, starved, collectsInWindow, under1s: intervals.filter((x) => x < 1000).length, summary: summarize(intervals) };
      },
      counts: () => ({ orders: collects.size, calls: sim.calls.length }),
    },
    close: () => sim.close(),
  };
});
