// Background work that no request triggers: provider checks (BankID collect every 2 s whether or
// not anyone watches), expiry past expires_at, retention erasure, idempotency-key purge. Work is
// claimed through the database (leases), so on several nodes each item is done by one of them.
import { randomToken } from '../core/ids.js';
import { Collector } from './collector.js';
import type { SessionDriver } from './driver.js';
import type { SessionService } from './service.js';

export interface WorkerOptions {
  owner?: string;
  tickMs?: number;
  /** Collect lease: renewed every third of it while held; another node takes over this long after a crash. */
  leaseMs?: number;
  concurrency?: number;
  batch?: number;
}

export class Worker {
  readonly owner: string;
  private timers: NodeJS.Timeout[] = [];
  private running = new Set<Promise<unknown>>();
  private busy = { checks: false, expiry: false, erasure: false, purge: false };
  readonly collector: Collector;

  constructor(
    private readonly svc: SessionService,
    driver: SessionDriver,
    private readonly opts: WorkerOptions = {},
  ) {
    this.owner = opts.owner ?? `node-${randomToken(6)}`;
    const { store, clock, feed, log } = svc.deps;
    // The tick claims rows due within the next two ticks; the collector then checks each at its
    // due time, so the tick's period adds no jitter to the collect interval.
    const tickMs = opts.tickMs ?? 100;
    this.collector = new Collector({ store, driver, clock, feed, log }, {
      owner: this.owner, leaseMs: opts.leaseMs ?? 30_000, concurrency: opts.concurrency ?? 64, batch: opts.batch ?? 500, horizonMs: 2 * tickMs,
    });
  }

  /** While the database is away every 100 ms tick fails: log the first failure, then once per 10 s. */
  private failures = { count: 0, loggedAt: 0 };

  private stepFailed(err: unknown): void {
    const now = Date.now();
    this.failures.count++;
    if (now - this.failures.loggedAt < 10_000) return;
    this.svc.deps.log.error({ err: String(err), failures: this.failures.count }, 'worker step failed');
    this.failures = { count: 0, loggedAt: now };
  }

  start(): void {
    const every = (ms: number, fn: () => Promise<unknown>) => this.timers.push(setInterval(() => void fn().catch((err) => this.stepFailed(err)), ms));
    this.collector.start();
    every(this.opts.tickMs ?? 100, () => this.once('checks', () => this.collector.tick()));
    every(1000, () => this.once('expiry', () => this.sweep('expiry', 1000, () => this.expireDue())));
    every(30_000, () => this.once('erasure', () => this.sweep('erasure', 30_000, () => this.eraseDue())));
    every(3_600_000, () => this.once('purge', () => this.sweep('purge', 3_600_000, () => this.purgeIdempotency())));
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await Promise.allSettled([...this.running]);
    await this.collector.stop();
    // Hand the sweeps' leases back so another node need not wait for them to run out.
    for (const name of this.sweeps) await this.svc.deps.store.releaseJobLease(`sweep:${name}`, this.owner).catch(() => undefined);
    this.sweeps.clear();
  }

  /** The sweeps whose lease this node held at its last run. */
  private readonly sweeps = new Set<string>();

  /**
   * Runs a sweep only while this node holds its named lease in the database (one node at a time, as
   * for collects and deliveries): taken or renewed before each run for the sweep's period plus the
   * lease, so the holder keeps it from run to run and another node takes over once a dead holder's
   * lease has run out.
   */
  private async sweep(name: string, periodMs: number, fn: () => Promise<unknown>): Promise<void> {
    const { store, clock } = this.svc.deps;
    const held = await store.acquireJobLease(`sweep:${name}`, this.owner, clock.now(), periodMs + (this.opts.leaseMs ?? 30_000));
    if (!held) {
      this.sweeps.delete(name);
      return;
    }
    this.sweeps.add(name);
    await fn();
  }

  purgeIdempotency(): Promise<unknown> {
    return this.svc.deps.store.purgeIdempotency(new Date(this.svc.deps.clock.now().getTime() - 86_400_000));
  }

  private async once(kind: keyof Worker['busy'], fn: () => Promise<unknown>): Promise<void> {
    if (this.busy[kind]) return;
    this.busy[kind] = true;
    const p = fn().finally(() => {
      this.busy[kind] = false;
      this.running.delete(p);
    });
    this.running.add(p);
    await p;
  }

  /** One pass of the collector without its scheduler: claim, check each once, give back (tests). */
  runChecks(): Promise<number> {
    return this.collector.runOnce();
  }

  async expireDue(): Promise<number> {
    const ids = await this.svc.deps.store.findExpirable(this.svc.deps.clock.now(), 500);
    for (const id of ids) {
      const s = await this.svc.deps.store.getSession(id);
      if (s) await this.svc.expireIfDue(s);
    }
    return ids.length;
  }

  async eraseDue(): Promise<number> {
    const { store } = this.svc.deps;
    // Final rows written by nodes older than migration 007 (a rolling deploy) have no due time and
    // findErasable would never see them: give them one first, 500 a statement, at most 20 batches
    // a run so that one sweep stays short.
    for (let batch = 0; batch < 20; batch++) if ((await store.fillEraseAfter(500)) < 500) break;
    const ids = await store.findErasable(this.svc.deps.clock.now(), 500);
    for (const id of ids) await this.svc.apply(id, (s) => (s.result_erased_at ? null : { type: 'erase' }));
    return ids.length;
  }
}
