// Background work that no request triggers: provider checks (BankID collect every 2 s whether or
// not anyone watches), expiry past expires_at, retention erasure, idempotency-key purge. Work is
// claimed through the database (leases), so on several nodes each item is done by one of them.
import { randomToken } from '../core/ids.js';
import type { SessionDriver } from './driver.js';
import type { SessionService } from './service.js';

export interface WorkerOptions {
  owner?: string;
  tickMs?: number;
  leaseMs?: number;
  concurrency?: number;
  batch?: number;
}

export class Worker {
  readonly owner: string;
  private timers: NodeJS.Timeout[] = [];
  private running = new Set<Promise<unknown>>();
  private busy = { checks: false, expiry: false, erasure: false };

  constructor(
    private readonly svc: SessionService,
    private readonly driver: SessionDriver,
    private readonly opts: WorkerOptions = {},
  ) {
    this.owner = opts.owner ?? `node-${randomToken(6)}`;
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
    // The tick's jitter adds to every collect interval (BankID: 2 s ± 0.25 s); 100 ms keeps it at ± 0.1 s.
    every(this.opts.tickMs ?? 100, () => this.once('checks', () => this.runDueChecks()));
    every(1000, () => this.once('expiry', () => this.expireDue()));
    every(30_000, () => this.once('erasure', () => this.eraseDue()));
    every(3_600_000, () => this.svc.deps.store.purgeIdempotency(new Date(this.svc.deps.clock.now().getTime() - 86_400_000)));
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.timers = [];
    await Promise.allSettled([...this.running]);
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

  /** A full batch means more checks are due: claim again at once rather than a tick later (bounded). */
  private async runDueChecks(): Promise<void> {
    const batch = this.opts.batch ?? 500;
    for (let round = 0; round < 20 && this.timers.length > 0; round++) {
      if ((await this.runChecks()) < batch) return;
    }
  }

  /** Claims due provider checks with a lease and runs them, a bounded number at a time. */
  async runChecks(): Promise<number> {
    const { store, clock } = this.svc.deps;
    const leaseMs = this.opts.leaseMs ?? 30_000;
    const claimed = await store.claimDueChecks(this.owner, clock.now(), leaseMs, this.opts.batch ?? 500);
    const ids = claimed.map((s) => s.id);
    const limit = this.opts.concurrency ?? 64;
    let next = 0;
    // Leases are renewed while their checks run: a slow provider or database must not let a lease
    // lapse under a collect in flight (another node would collect the same order beside it).
    const inFlight = new Set(ids);
    const renewal = ids.length === 0 ? null : setInterval(() => {
      void store.renewLeases([...inFlight], this.owner, new Date(clock.now().getTime() + leaseMs)).catch(() => undefined);
    }, leaseMs / 3);
    const lane = async () => {
      while (next < claimed.length) {
        const s = claimed[next++];
        try {
          await this.driver.check(s);
        } catch (err) {
          this.svc.deps.log.warn({ session_id: s.id, err: String(err) }, 'check failed');
          await store.reschedule(s.id, new Date(clock.now().getTime() + 2000));
        } finally {
          inFlight.delete(s.id);
        }
      }
    };
    const lanes = await Promise.allSettled(Array.from({ length: Math.min(limit, ids.length) }, lane));
    if (renewal) clearInterval(renewal);
    // One write for the whole batch, once every lane is done: a write per check was about a third
    // of the collector's SQLite work.
    await store.releaseLeases(ids, this.owner);
    const failed = lanes.find((r) => r.status === 'rejected');
    if (failed) throw failed.reason;
    return ids.length;
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
    const ids = await this.svc.deps.store.findErasable(this.svc.deps.clock.now(), 500);
    for (const id of ids) await this.svc.apply(id, (s) => (s.result_erased_at ? null : { type: 'erase' }));
    return ids.length;
  }
}
