// Wakes waiting long-polls and event streams when a session changes. In one process this is an
// in-memory registry; across nodes PostgreSQL LISTEN/NOTIFY feeds the same `deliver`. It is only a
// wake-up: the database row is the truth, and waiters re-read it (and re-read on a timer too).
//
// Memory per open wait is the point of the layout (bench scenario 7): a wait is one `FeedWaiter`
// object, kept in a map by session id (the object itself while it is the session's only waiter, a
// Set once there are more) and in one bucket of a shared timer wheel; one interval, running only
// while something waits, sweeps the due buckets. No timer, closure or listener per wait.

/** Resolution of the shared timer wheel: a wait's deadline fires up to this much late, never early. */
export const WHEEL_MS = 100;

/**
 * One armed wait. The feed calls `wake(true)` on a change of its session and `wake(false)` once
 * its deadline passes; either way the waiter is disarmed first and is called at most once per arm.
 */
export abstract class FeedWaiter {
  /** Bookkeeping of the feed: the session id and the wheel tick while armed, else null. */
  feedId: string | null = null;
  feedTick = 0;
  abstract wake(changed: boolean): void;
}

/** The waiter behind `next()`: settles one promise. */
class PromiseWaiter extends FeedWaiter {
  constructor(
    private readonly feed: ChangeFeed,
    private resolve: (() => void) | null,
    private readonly signal: AbortSignal | undefined,
  ) {
    super();
  }
  wake(): void {
    const resolve = this.resolve;
    if (!resolve) return;
    this.resolve = null;
    this.signal?.removeEventListener('abort', this);
    resolve();
  }
  /** The signal's abort listener (an EventListener object: no bound function per wait). */
  handleEvent(): void {
    this.feed.disarm(this);
    this.wake();
  }
}

const MARK_SLOTS = 4096;
/** FNV-1a of the id, folded into the mark table. */
function slotOf(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return (h >>> 0) % MARK_SLOTS;
}

export class ChangeFeed {
  private readonly marks = new Uint32Array(MARK_SLOTS);
  private readonly byId = new Map<string, FeedWaiter | Set<FeedWaiter>>();
  private readonly wheel = new Map<number, Set<FeedWaiter>>();
  private armed = 0;
  private ticker: NodeJS.Timeout | null = null;
  /** The last wheel tick swept; buckets are only ever added after it. */
  private swept = 0;
  private readonly external: ((id: string) => void)[] = [];
  private readonly watchers = new Set<(id: string) => void>();

  /** Called after a committed change; forwards to other nodes when a bridge is attached. */
  publish(id: string): void {
    this.wakeSession(id);
    for (const fn of this.watchers) fn(id);
    for (const fn of this.external) fn(id);
  }

  /** Called by a cross-node bridge when another node changed a session. */
  deliver(id: string): void {
    this.wakeSession(id);
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

  /** Arms `w` until the next change of `id` or `ms` from now (re-arming an armed waiter moves it). */
  arm(w: FeedWaiter, id: string, ms: number): void {
    if (w.feedId !== null) this.disarm(w);
    const now = performance.now();
    if (this.ticker === null) {
      this.swept = Math.floor(now / WHEEL_MS) - 1;
      this.ticker = setInterval(() => this.sweep(), WHEEL_MS);
    }
    const tick = Math.max(Math.ceil((now + Math.max(0, ms)) / WHEEL_MS), this.swept + 1);
    w.feedId = id;
    w.feedTick = tick;
    const had = this.byId.get(id);
    if (had === undefined) this.byId.set(id, w);
    else if (had instanceof Set) had.add(w);
    else this.byId.set(id, new Set([had, w]));
    const bucket = this.wheel.get(tick);
    if (bucket) bucket.add(w);
    else this.wheel.set(tick, new Set([w]));
    this.armed++;
  }

  /** Takes `w` out without waking it; false if it was not armed. */
  disarm(w: FeedWaiter): boolean {
    const id = w.feedId;
    if (id === null) return false;
    const had = this.byId.get(id);
    if (had === w) this.byId.delete(id);
    else if (had instanceof Set) {
      had.delete(w);
      if (had.size === 1) this.byId.set(id, had.values().next().value as FeedWaiter);
    }
    this.leaveWheel(w);
    return true;
  }

  /** Waits armed now (tests and metrics). */
  get size(): number {
    return this.armed;
  }

  /** Resolves on the next change of `id`, after `ms`, or when `signal` aborts. */
  next(id: string, ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const w = new PromiseWaiter(this, resolve, signal);
      this.arm(w, id, ms);
      signal?.addEventListener('abort', w);
    });
  }

  private leaveWheel(w: FeedWaiter): void {
    const bucket = this.wheel.get(w.feedTick);
    if (bucket) {
      bucket.delete(w);
      if (bucket.size === 0) this.wheel.delete(w.feedTick);
    }
    w.feedId = null;
    if (--this.armed === 0 && this.ticker !== null) {
      clearInterval(this.ticker);
      this.ticker = null;
    }
  }

  /**
   * A number that moves whenever `id` changes (or, rarely, another session sharing its slot of a
   * fixed table of 4,096 counters): taken before a first read and compared after a wait is armed,
   * it tells whether a change landed in between, which no armed waiter could have seen.
   */
  mark(id: string): number {
    return this.marks[slotOf(id)];
  }

  private wakeSession(id: string): void {
    this.marks[slotOf(id)]++;
    const had = this.byId.get(id);
    if (had === undefined) return;
    this.byId.delete(id);
    if (had instanceof Set) {
      // Disarm them all first: a waiter may re-arm on the same id (or end another) while woken.
      const list = [...had];
      for (const w of list) this.leaveWheel(w);
      for (const w of list) if (w.feedId === null) w.wake(true);
    } else {
      this.leaveWheel(had);
      had.wake(true);
    }
  }

  private sweep(): void {
    const until = Math.floor(performance.now() / WHEEL_MS);
    const due: FeedWaiter[] = [];
    for (let t = this.swept + 1; t <= until; t++) {
      const bucket = this.wheel.get(t);
      if (!bucket) continue;
      for (const w of bucket) due.push(w);
    }
    this.swept = until;
    for (const w of due) this.disarm(w);
    for (const w of due) if (w.feedId === null) w.wake(false);
  }
}
