// The collector: checks every pending order this node holds (BankID collect every 2 s, whether or
// not anyone watches). The database says who holds what: a claim leases due rows, one statement
// per 500 rows renews the leases every third of the lease, and a stopping node gives its orders
// back with their due times. Between claim and release the due times live here only, so a collect
// that changes nothing costs no write at all; a node that dies leaves its rows due when their
// leases run out, and another node takes them over then (at most one lease late).
import type { Clock } from '../core/ids.js';
import type { Store } from '../storage/store.js';
import type { ChangeFeed } from './change-feed.js';
import type { CheckSession, SessionDriver } from './driver.js';
import { DueQueue } from './due-queue.js';
import type { Logger } from './service.js';

export interface CollectorOptions {
  owner: string;
  leaseMs: number;
  /** Checks in flight at once. */
  concurrency: number;
  /** Rows per claim statement. */
  batch: number;
  /** Claim rows due this soon, so that a claim tick's jitter does not add to their interval. */
  horizonMs: number;
}

interface Held {
  session: CheckSession;
  due: number;
  /** This node's lease on the row ends here (as last claimed or renewed). */
  leaseUntil: number;
  /** Another writer changed the row: read it again before the next check. */
  stale: boolean;
  /** Queued or running: the entry in the queue that counts (a re-read may replace it). */
  live: boolean;
}

export interface CollectorDeps {
  store: Store;
  driver: SessionDriver;
  clock: Clock;
  feed: ChangeFeed;
  log: Logger;
}

export class Collector {
  private readonly held = new Map<string, Held>();
  private readonly queue = new DueQueue<Held>();
  private running = 0;
  private timer: NodeJS.Timeout | null = null;
  private timerAt = Infinity;
  private stopped = true;
  private drained: (() => void) | null = null;
  private unwatch: (() => void) | null = null;

  constructor(private readonly deps: CollectorDeps, private readonly opts: CollectorOptions) {}

  get size(): number {
    return this.held.size;
  }

  start(): void {
    this.stopped = false;
    // A change by anyone else (cancel, expiry, the page's same-device mark; on PostgreSQL also
    // from other nodes) makes the held copy stale. The feed only wakes: renewals check versions.
    this.unwatch ??= this.deps.feed.watch((id) => {
      const h = this.held.get(id);
      if (h) h.stale = true;
    });
  }

  /** The worker's tick: renew the leases that are a third through, then claim due rows. */
  async tick(): Promise<void> {
    if (this.stopped) return;
    await this.renew();
    for (let round = 0; round < 20 && !this.stopped; round++) {
      if ((await this.claim()) < this.opts.batch) return;
    }
  }

  private async claim(): Promise<number> {
    const now = this.deps.clock.now();
    const claimed = await this.deps.store.holdDueChecks(this.opts.owner, now, this.opts.leaseMs, this.opts.batch, this.opts.horizonMs);
    const leaseUntil = now.getTime() + this.opts.leaseMs;
    for (const { session, due } of claimed) {
      if (this.stopped) break;
      this.hold(slim(session), due, leaseUntil);
    }
    this.pump();
    return claimed.length;
  }

  private hold(session: CheckSession, due: number, leaseUntil: number): void {
    const old = this.held.get(session.id);
    if (old) old.live = false;
    const h: Held = { session, due, leaseUntil, stale: false, live: true };
    this.held.set(session.id, h);
    this.queue.push(h);
  }

  /**
   * Renews the held leases that are a third through, at most RENEW_ROWS a tick: better-sqlite3
   * runs a statement synchronously, and renewing 10,000 rows at once stalled every collect for
   * ≈ 270 ms every 10 s. Spread over the ticks each statement takes a few milliseconds.
   */
  private async renew(): Promise<void> {
    const now = this.deps.clock.now();
    const before = now.getTime() + (this.opts.leaseMs * 2) / 3;
    const ids: string[] = [];
    for (const [id, h] of this.held) {
      if (h.leaseUntil <= before) ids.push(id);
      if (ids.length >= RENEW_ROWS) break;
    }
    if (ids.length === 0) return;
    const versions = await this.deps.store.renewCheckLeases(this.opts.owner, ids, now, this.opts.leaseMs);
    const leaseUntil = now.getTime() + this.opts.leaseMs;
    for (const id of ids) {
      const h = this.held.get(id);
      const version = versions.get(id);
      if (!h) continue;
      if (version === undefined) this.drop(id);
      else {
        h.leaseUntil = leaseUntil;
        if (version !== h.session.version) h.stale = true;
      }
    }
  }

  /** Drops `h` only if it is still the held copy of its row (a re-claim may have replaced it). */
  private dropHeld(h: Held): void {
    if (this.held.get(h.session.id) === h) this.drop(h.session.id);
    else h.live = false;
  }

  private drop(id: string): void {
    const h = this.held.get(id);
    if (h) h.live = false;
    this.held.delete(id);
  }

  /** Starts every check that is due, up to the concurrency, and sets the timer for the next one. */
  private pump(): void {
    if (this.stopped) return;
    const now = this.deps.clock.now().getTime();
    let next = this.queue.peek();
    while (next && this.running < this.opts.concurrency) {
      if (!next.live) {
        this.queue.pop();
      } else if (next.due > now) {
        break;
      } else {
        this.queue.pop();
        this.running++;
        void this.run(next);
      }
      next = this.queue.peek();
    }
    // At the concurrency limit a finishing check pumps again; otherwise wake at the next due time.
    if (next && this.running < this.opts.concurrency) this.wakeAt(next.due);
  }

  private wakeAt(due: number): void {
    if (this.timer && this.timerAt <= due) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = due;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.timerAt = Infinity;
      this.pump();
    }, Math.max(0, due - this.deps.clock.now().getTime()));
  }

  private async run(h: Held): Promise<void> {
    const id = h.session.id;
    try {
      // A lease that was not renewed in time may be another node's by now: leave the order to it.
      if (this.deps.clock.now().getTime() >= h.leaseUntil) return this.dropHeld(h);
      if (h.stale) {
        const fresh = await this.deps.store.getSession(id);
        if (!h.live) return; // superseded meanwhile (re-claimed): the newer copy carries on
        if (!fresh || fresh.status !== 'pending') return this.dropHeld(h);
        h.session = slim(fresh);
        h.stale = false;
      }
      // A final answer whose write fails is retried only while this node's lease lasts (renewals
      // move it on): past it another node may hold the order.
      const r = await this.deps.driver.check(h.session, () => h.leaseUntil);
      if (!h.live) return;
      if (!r.next_at) return this.dropHeld(h);
      if (r.session !== h.session) {
        h.session = slim(r.session);
        h.stale = false;
      }
      h.due = r.next_at.getTime();
      this.queue.push(h);
    } catch (err) {
      this.deps.log.warn({ session_id: id, err: String(err) }, 'check failed');
      if (h.live) {
        h.stale = true;
        h.due = this.deps.clock.now().getTime() + 2000;
        this.queue.push(h);
      }
    } finally {
      this.running--;
      if (this.running === 0 && this.drained) this.drained();
      this.pump();
    }
  }

  /**
   * One pass without the scheduler (tests, tools): claims what is due, checks each once while
   * renewing the leases, and gives the rows back with their next due times.
   */
  async runOnce(): Promise<number> {
    const { store, clock, driver, log } = this.deps;
    const { owner, leaseMs } = this.opts;
    const claimed = await store.holdDueChecks(owner, clock.now(), leaseMs, this.opts.batch);
    const ids = claimed.map((c) => c.session.id);
    const next: { id: string; due: number }[] = [];
    const renewal = setInterval(() => void store.renewCheckLeases(owner, ids, clock.now(), leaseMs).catch(() => undefined), leaseMs / 3);
    let i = 0;
    const lane = async () => {
      while (i < claimed.length) {
        const { session } = claimed[i++];
        let due = clock.now().getTime() + 2000;
        try {
          const r = await driver.check(slim(session));
          if (r.next_at) due = r.next_at.getTime();
        } catch (err) {
          log.warn({ session_id: session.id, err: String(err) }, 'check failed');
        }
        next.push({ id: session.id, due });
      }
    };
    try {
      await Promise.all(Array.from({ length: Math.min(this.opts.concurrency, claimed.length) }, lane));
    } finally {
      clearInterval(renewal);
      await store.releaseCheckLeases(owner, next);
    }
    return claimed.length;
  }

  /** Stops checking, waits for the checks in flight, and gives every held order back. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.unwatch?.();
    this.unwatch = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.timerAt = Infinity;
    if (this.running > 0) await new Promise<void>((resolve) => (this.drained = resolve));
    this.drained = null;
    const held = [...this.held.values()].map((h) => ({ id: h.session.id, due: h.due }));
    this.held.clear();
    while (this.queue.pop()) {
      // emptied: a restart claims afresh
    }
    if (held.length) await this.deps.store.releaseCheckLeases(this.opts.owner, held);
  }
}

/** Rows renewed per tick (ten ticks a second: 2,500 rows a second, 10,000 held need 1,000). */
const RENEW_ROWS = 250;

/** Only what a check reads: the held copy of 10,000 orders must stay small (≤ 2 KiB per order). */
function slim(s: CheckSession): CheckSession {
  const { id, method, status, version, expires_at, options, progress, provider_state } = s;
  return { id, method, status, version, expires_at, options: shared(options), progress: shared(progress), provider_state };
}

// Options and progress repeat across orders (same locale, same hint): held copies share one
// object per distinct value. Neither is ever modified in place.
const SHARED = new Map<string, unknown>();
function shared<T>(value: T): T {
  const key = JSON.stringify(value);
  const known = SHARED.get(key);
  if (known !== undefined) return known as T;
  if (SHARED.size >= 1000) SHARED.clear();
  SHARED.set(key, value);
  return value;
}
