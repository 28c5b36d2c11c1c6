// The child side of a benchmark host: a server under test runs in its own process so that the load
// generator (the runner) and the server do not share an event loop, and so that RSS and CPU are the
// server's own. Commands arrive over the IPC channel; each answers once.
import { readFileSync } from 'node:fs';

export type Handlers = Record<string, (args: any) => unknown>;

export function hostArgs<T>(): T {
  return JSON.parse(process.env.BENCH_ARGS ?? '{}') as T;
}

/** RSS after a full GC (the host runs with --expose-gc), so deltas measure live memory. */
export function measureMemory(): { rss: number; heapUsed: number; external: number; vmRss: number } {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  const status = readFileSync('/proc/self/status', 'utf8');
  const vmRss = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
  return { rss: m.rss, heapUsed: m.heapUsed, external: m.external, vmRss };
}

export function serveCommands(ready: Record<string, unknown>, handlers: Handlers, close: () => Promise<void>): void {
  const all: Handlers = {
    ...handlers,
    mem: () => measureMemory(),
    cpu: () => ({ ...process.cpuUsage(), at: performance.timeOrigin + performance.now() }),
    close: async () => {
      await close();
      setTimeout(() => process.exit(0), 50);
      return true;
    },
  };
  process.on('message', (msg: { id: number; cmd: string; args: unknown }) => {
    const handler = all[msg.cmd];
    Promise.resolve()
      .then(() => {
        if (!handler) throw new Error(`unknown command ${msg.cmd}`);
        return handler(msg.args);
      })
      .then(
        (result) => process.send?.({ id: msg.id, ok: true, result }),
        (err: unknown) => process.send?.({ id: msg.id, ok: false, error: err instanceof Error ? err.stack ?? err.message : String(err) }),
      );
  });
  // The runner's death must not leave a server behind.
  process.on('disconnect', () => process.exit(0));
  process.send?.({ ready: true, ...ready });
}

export async function runHost(start: () => Promise<{ ready: Record<string, unknown>; handlers: Handlers; close: () => Promise<void> }>): Promise<void> {
  try {
    const { ready, handlers, close } = await start();
    serveCommands(ready, handlers, close);
  } catch (err) {
    process.send?.({ failed: err instanceof Error ? err.stack ?? err.message : String(err) });
    setTimeout(() => process.exit(1), 50);
  }
}
