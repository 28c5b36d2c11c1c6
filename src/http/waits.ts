// Long-poll and server-sent events (API.md §3). A change wakes waiters through the ChangeFeed; the
// row is re-read each time (and on a fallback timer) because the database is the truth.
//
// An open wait is held by thousands at once (bench scenario 7), so each is one small object and
// nothing else: it is its own ChangeFeed waiter (no timer, promise or feed listener of its own), the
// client's disconnect reaches it through one shared 'close' listener, and event streams share one
// keep-alive interval. What a wait keeps is the session's id and version, not the session read.
import type { ServerResponse } from 'node:http';
import type { FastifyBaseLogger, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../core/errors.js';
import { isFinal, type Session } from '../core/types.js';
import { FeedWaiter, type ChangeFeed } from '../sessions/change-feed.js';

export const FALLBACK_REREAD_MS = 5000;
export const KEEPALIVE_MS = 15_000;
const KEEPALIVE_SLOTS = KEEPALIVE_MS / 1000;

/** Caps open waits per customer on this node (IDBRIDGE_MAX_WAITS). */
export class WaitLimiter {
  private open = new Map<string, number>();
  constructor(private readonly max: number) {}
  /** Takes a slot or throws rate_limited; every take is matched by one `give`. */
  take(customerId: string): void {
    const n = this.open.get(customerId) ?? 0;
    if (n >= this.max) throw new ApiError('rate_limited', 'Too many open waits for this customer.', undefined, { 'retry-after': '1' });
    this.open.set(customerId, n + 1);
  }
  give(customerId: string): void {
    const left = (this.open.get(customerId) ?? 1) - 1;
    if (left <= 0) this.open.delete(customerId);
    else this.open.set(customerId, left);
  }
  acquire(customerId: string): () => void {
    this.take(customerId);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.give(customerId);
    };
  }
  count(): number {
    let total = 0;
    for (const n of this.open.values()) total += n;
    return total;
  }
}

/** The response's open wait, for the one 'close' listener all waits share. */
const kWait = Symbol('idbridge.wait');
type WithWait = ServerResponse & { [kWait]?: OpenWait | null };

function onResponseClose(this: WithWait): void {
  const w = this[kWait];
  if (w) w.gone();
}

/** Streams kept alive now, in every app of this process (tests: none left once they end). */
let keptAliveStreams = 0;
export const keptAlive = (): number => keptAliveStreams;

/** What the long-polls and streams of one app share. */
export class Waits {
  /** Streams by the second (mod 15) they opened in: each slot is kept alive once every 15 s. */
  private readonly keepalive: Set<EventStream>[] = Array.from({ length: KEEPALIVE_SLOTS }, () => new Set());
  private streams = 0;
  private second = 0;
  private ticker: NodeJS.Timeout | null = null;

  constructor(
    readonly feed: ChangeFeed,
    readonly limiter: WaitLimiter,
    readonly reread: (customerId: string, id: string) => Promise<Session>,
    readonly render: (s: Session) => unknown,
    readonly log: FastifyBaseLogger,
  ) {}

  /** Answers when the session's version exceeds `version` (default: as read now) or after `seconds`. */
  longPoll(reply: FastifyReply, customerId: string, id: string, version: number | undefined, seconds: number): void {
    // A change committed after the first read but before the wait is armed reaches no waiter: the
    // feed's mark for the session, taken before the read, tells (then the wait reads again at once).
    const mark = this.feed.mark(id);
    this.reread(customerId, id).then((s) => {
      const v = version ?? s.version;
      if (s.version > v || isFinal(s.status)) return void reply.send(this.render(s));
      this.limiter.take(customerId);
      const wait = new LongPoll(this, reply, customerId, id, v, performance.now() + seconds * 1000);
      wait.start();
      if (this.feed.mark(id) !== mark) wait.wake();
    }).catch((err) => void reply.send(err));
  }

  /** `text/event-stream` of one session: the current state first, then each change. */
  stream(req: FastifyRequest, reply: FastifyReply, customerId: string, id: string): void {
    const lastSeen = Number(req.headers['last-event-id'] ?? -1);
    const mark = this.feed.mark(id); // as in longPoll
    this.reread(customerId, id).then((s) => {
      this.limiter.take(customerId);
      reply.hijack();
      const stream = new EventStream(this, reply.raw, customerId, id, Number.isFinite(lastSeen) ? lastSeen : -1);
      stream.start(s);
      if (this.feed.mark(id) !== mark) stream.wake();
    }).catch((err) => void reply.send(err));
  }

  keepAlive(s: EventStream): number {
    if (this.ticker === null) this.ticker = setInterval(() => this.tick(), 1000);
    this.streams++;
    keptAliveStreams++;
    const slot = this.second % KEEPALIVE_SLOTS;
    this.keepalive[slot].add(s);
    return slot;
  }

  forget(s: EventStream, slot: number): void {
    if (!this.keepalive[slot].delete(s)) return;
    keptAliveStreams--;
    if (--this.streams === 0 && this.ticker !== null) {
      clearInterval(this.ticker);
      this.ticker = null;
    }
  }

  private tick(): void {
    this.second++;
    for (const s of this.keepalive[this.second % KEEPALIVE_SLOTS]) s.ping();
  }
}

/** A long-poll or a stream: armed on the feed, re-reading its session when woken. */
abstract class OpenWait extends FeedWaiter {
  protected done = false;
  private reading = false;
  /** Woken again while a re-read was under way: read once more after it. */
  private dirty = false;

  constructor(
    protected readonly w: Waits,
    protected readonly res: WithWait,
    protected readonly customerId: string,
    protected readonly id: string,
  ) {
    super();
  }

  /** How long to wait before the next fallback re-read (or the deadline). */
  protected abstract waitMs(): number;
  protected abstract onRead(s: Session): void;
  protected abstract onError(err: unknown): void;

  protected listen(): void {
    // The client may have gone while the session was first read: its 'close' has been emitted.
    const socket = this.res.socket;
    if (this.res.destroyed || !socket || socket.destroyed) {
      this.gone();
      return;
    }
    this.res[kWait] = this;
    this.res.on('close', onResponseClose);
    this.w.feed.arm(this, this.id, this.waitMs());
  }

  wake(): void {
    if (this.done) return;
    if (this.reading) {
      this.dirty = true;
      return;
    }
    this.read();
  }

  private read(): void {
    this.reading = true;
    // Armed again before the read: a change committed while it runs is not missed.
    this.w.feed.arm(this, this.id, this.waitMs());
    this.w.reread(this.customerId, this.id).then(
      (s) => {
        this.reading = false;
        if (this.done) return;
        this.onRead(s);
        if (!this.done && this.dirty) {
          this.dirty = false;
          this.read();
        }
      },
      (err) => {
        this.reading = false;
        if (!this.done) this.onError(err);
      },
    ).catch((err) => this.w.log.error({ err: err instanceof Error ? err.message : String(err) }, 'open wait failed'));
  }

  /** Ends the wait: off the feed, its slot given back, its 'close' listener removed. */
  protected finish(): boolean {
    if (this.done) return false;
    this.done = true;
    this.w.feed.disarm(this);
    this.w.limiter.give(this.customerId);
    this.res.removeListener('close', onResponseClose);
    this.res[kWait] = null;
    return true;
  }

  /** The client went away. */
  gone(): void {
    this.finish();
  }
}

class LongPoll extends OpenWait {
  constructor(w: Waits, private readonly reply: FastifyReply, customerId: string, id: string, private readonly version: number, private readonly deadline: number) {
    super(w, reply.raw, customerId, id);
  }

  start(): void {
    this.listen();
  }

  protected waitMs(): number {
    return Math.min(this.deadline - performance.now(), FALLBACK_REREAD_MS);
  }

  protected onRead(s: Session): void {
    if (s.version > this.version || isFinal(s.status) || performance.now() >= this.deadline) {
      if (this.finish()) this.reply.send(this.w.render(s));
    }
  }

  protected onError(err: unknown): void {
    if (this.finish()) this.reply.send(err);
  }
}

class EventStream extends OpenWait {
  private slot = -1;

  constructor(w: Waits, res: ServerResponse, customerId: string, id: string, private sent: number) {
    super(w, res, customerId, id);
  }

  start(first: Session): void {
    this.res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    this.send(first);
    if (isFinal(first.status)) {
      this.finish();
      return;
    }
    this.slot = this.w.keepAlive(this);
    this.listen();
  }

  protected waitMs(): number {
    return FALLBACK_REREAD_MS;
  }

  ping(): void {
    this.res.write(': keep-alive\n\n');
  }

  private send(s: Session): void {
    if (s.version <= this.sent) return;
    this.res.write(`id: ${s.version}\nevent: session\ndata: ${JSON.stringify(this.w.render(s))}\n\n`);
    this.sent = s.version;
  }

  protected onRead(s: Session): void {
    this.send(s);
    if (isFinal(s.status)) this.finish();
  }

  protected onError(err: unknown): void {
    this.w.log.error({ err: err instanceof Error ? err.message : String(err) }, 'event stream re-read failed');
    this.finish();
  }

  protected finish(): boolean {
    if (!super.finish()) return false;
    if (this.slot >= 0) this.w.forget(this, this.slot);
    this.res.end();
    return true;
  }
}
