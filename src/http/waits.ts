// Long-poll and server-sent events (API.md §3). A change wakes waiters through the ChangeFeed; the
// row is re-read each time (and on a fallback timer) because the database is the truth.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../core/errors.js';
import { isFinal, type Session } from '../core/types.js';
import type { ChangeFeed } from '../sessions/change-feed.js';

export const FALLBACK_REREAD_MS = 5000;
const KEEPALIVE_MS = 15_000;

/** Caps open waits per customer on this node (IDBRIDGE_MAX_WAITS). */
export class WaitLimiter {
  private open = new Map<string, number>();
  constructor(private readonly max: number) {}
  acquire(customerId: string): () => void {
    const n = this.open.get(customerId) ?? 0;
    if (n >= this.max) throw new ApiError('rate_limited', 'Too many open waits for this customer.', undefined, { 'retry-after': '1' });
    this.open.set(customerId, n + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(customerId) ?? 1) - 1;
      if (left <= 0) this.open.delete(customerId);
      else this.open.set(customerId, left);
    };
  }
  count(): number {
    let total = 0;
    for (const n of this.open.values()) total += n;
    return total;
  }
}

/** Waits until the session's version exceeds `version` or `seconds` pass; answers the latest state. */
export async function longPoll(feed: ChangeFeed, reread: () => Promise<Session>, first: Session, version: number, seconds: number, signal: AbortSignal): Promise<Session> {
  const deadline = Date.now() + seconds * 1000;
  let current = first;
  while (current.version <= version && !isFinal(current.status) && !signal.aborted) {
    const left = deadline - Date.now();
    if (left <= 0) break;
    await feed.next(current.id, Math.min(left, FALLBACK_REREAD_MS), signal);
    current = await reread();
  }
  return current;
}

export async function streamEvents(
  req: FastifyRequest,
  reply: FastifyReply,
  feed: ChangeFeed,
  reread: () => Promise<Session>,
  first: Session,
  render: (s: Session) => unknown,
): Promise<void> {
  const lastSeen = Number(req.headers['last-event-id'] ?? -1);
  const abort = new AbortController();
  req.raw.on('close', () => abort.abort());
  reply.hijack();
  reply.raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  let sent = Number.isFinite(lastSeen) ? lastSeen : -1;
  const send = (s: Session) => {
    if (s.version <= sent) return;
    reply.raw.write(`id: ${s.version}\nevent: session\ndata: ${JSON.stringify(render(s))}\n\n`);
    sent = s.version;
  };
  const keepalive = setInterval(() => reply.raw.write(': keep-alive\n\n'), KEEPALIVE_MS);
  try {
    let current = first;
    send(current);
    while (!isFinal(current.status) && !abort.signal.aborted) {
      await feed.next(current.id, FALLBACK_REREAD_MS, abort.signal);
      if (abort.signal.aborted) break;
      current = await reread();
      send(current);
    }
  } finally {
    clearInterval(keepalive);
    reply.raw.end();
  }
}
