// Wakes waiting long-polls and event streams when a session changes. In one process this is an
// in-memory emitter; across nodes PostgreSQL LISTEN/NOTIFY feeds the same `notify`. It is only a
// wake-up: the database row is the truth, and waiters re-read it (and re-read on a timer too).
import { EventEmitter } from 'node:events';

export class ChangeFeed {
  private readonly emitter = new EventEmitter();
  private readonly external: ((id: string) => void)[] = [];
  private readonly watchers = new Set<(id: string) => void>();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  /** Called after a committed change; forwards to other nodes when a bridge is attached. */
  publish(id: string): void {
    this.emitter.emit(id);
    for (const fn of this.watchers) fn(id);
    for (const fn of this.external) fn(id);
  }

  /** Called by a cross-node bridge when another node changed a session. */
  deliver(id: string): void {
    this.emitter.emit(id);
    for (const fn of this.watchers) fn(id);
  }

  /** Every change, this node's and (through the bridge) other nodes': the collector's held copies. */
  watch(fn: (id: string) => void): () => void {
    this.watchers.add(fn);
    return () => this.watchers.delete(fn);
  }

  onPublish(fn: (id: string) => void): void {
    this.external.push(fn);
  }

  subscribe(id: string, fn: () => void): () => void {
    this.emitter.on(id, fn);
    return () => this.emitter.off(id, fn);
  }

  /** Resolves on the next change of `id`, after `ms`, or when `signal` aborts. */
  next(id: string, ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        off();
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      const off = this.subscribe(id, done);
      signal?.addEventListener('abort', done);
    });
  }
}
