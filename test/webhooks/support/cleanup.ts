// Per-test resources (receivers, dispatchers, fixtures) closed after each test.
import { afterEach } from 'vitest';
import { createHarness, type Harness } from './harness.js';
import { startReceiver, type Receiver } from './receiver.js';

const cleanups: Array<() => Promise<void>> = [];

export function useCleanup(): void {
  afterEach(async () => {
    await Promise.all(cleanups.splice(0).map((c) => c()));
  });
}

export async function receiver(...args: Parameters<typeof startReceiver>): Promise<Receiver> {
  const r = await startReceiver(...args);
  cleanups.push(() => r.close());
  return r;
}

export async function harness(...args: Parameters<typeof createHarness>): Promise<Harness> {
  const h = await createHarness(...args);
  cleanups.push(async () => {
    await h.dispatcher.stop();
    await h.fx.close();
  });
  return h;
}
