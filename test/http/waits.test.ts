// Open waits (API.md §3) leave nothing behind: after a long-poll or an event stream ends — woken,
// timed out, final, or its client gone — no ChangeFeed waiter, timer or per-customer slot is left.
import { request, type ClientRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChangeFeed, FeedWaiter, WHEEL_MS } from '../../src/sessions/change-feed.js';
import { EventEmitter } from 'node:events';
import { keptAlive, WaitLimiter, Waits } from '../../src/http/waits.js';
import type { Session } from '../../src/core/types.js';
import { MERCHANT, startBroker, type TestBroker } from '../support/broker.js';

const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean | Promise<boolean>, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('condition not reached');
    await sleep(20);
  }
}

describe('ChangeFeed', () => {
  it('wakes on a change, on delivery from another node, after the time (never before), or on abort; then holds nothing', async () => {
    const feed = new ChangeFeed();
    const base = timers();
    let woke = 0;
    const a = feed.next('s1', 10_000).then(() => woke++);
    const b = feed.next('s1', 10_000).then(() => woke++);
    const c = feed.next('s2', 10_000).then(() => woke++);
    expect(feed.size).toBe(3);
    expect(timers()).toBeLessThanOrEqual(base + 1); // one shared wheel, not a timer per wait
    feed.publish('s1');
    await Promise.all([a, b]);
    expect(woke).toBe(2);
    feed.deliver('s2');
    await c;
    expect(feed.size).toBe(0);
    const t0 = performance.now();
    await feed.next('s3', 250);
    const took = performance.now() - t0;
    expect(took).toBeGreaterThanOrEqual(249);
    expect(took).toBeLessThan(250 + WHEEL_MS * 3 + 200);
    const abort = new AbortController();
    const d = feed.next('s4', 10_000, abort.signal);
    abort.abort();
    await d;
    expect(feed.size).toBe(0);
    await sleep(WHEEL_MS * 2);
    expect((feed as unknown as { ticker: unknown }).ticker).toBeNull(); // the wheel stops once nothing waits
    expect(timers()).toBeLessThanOrEqual(base);
  });

  it('lets a woken waiter re-arm on the same session, and disarms without waking', async () => {
    const feed = new ChangeFeed();
    const seen: boolean[] = [];
    class Again extends FeedWaiter {
      wake(changed: boolean): void {
        seen.push(changed);
        if (seen.length === 1) feed.arm(this, 's1', 10_000);
      }
    }
    const w = new Again();
    feed.arm(w, 's1', 10_000);
    feed.publish('s1');
    expect(seen).toEqual([true]);
    expect(feed.size).toBe(1);
    feed.publish('s1');
    expect(seen).toEqual([true, true]);
    feed.arm(w, 's1', 10_000);
    expect(feed.disarm(w)).toBe(true);
    expect(feed.disarm(w)).toBe(false);
    feed.publish('s1');
    expect(seen).toEqual([true, true]);
    expect(feed.size).toBe(0);
  });
});

describe('open waits release what they hold', () => {
  let b: TestBroker;
  beforeAll(async () => {
    b = await startBroker('sqlite', { env: { IDBRIDGE_MAX_WAITS: '1' } });
  });
  afterAll(async () => b?.close());

  const create = async () => (await b.api('/v1/sessions', { method: 'POST', json: { method: 'demo', target: `${MERCHANT}/done` } })).body.id as string;
  const openWaits = async () => Number(/^idbridge_open_waits (\d+)/m.exec(await (await fetch(`${b.url}/metrics`)).text())?.[1]);
  const idle = async () => {
    await until(async () => b.broker.feed.size === 0 && keptAlive() === 0 && (await openWaits()) === 0);
  };

  /** A raw request, so that the test can drop the connection while the server holds it. */
  function hold(path: string, headers: Record<string, string> = {}): { req: ClientRequest; first: Promise<string> } {
    let req!: ClientRequest;
    const first = new Promise<string>((resolve) => {
      req = request(`${b.url}${path}`, { agent: false, headers: { authorization: `Bearer ${b.key}`, ...headers } }, (res) => {
        res.setEncoding('utf8');
        res.once('data', (chunk: string) => resolve(chunk));
        res.on('error', () => undefined);
      });
      req.on('error', () => undefined);
      req.end();
    });
    return { req, first };
  }

  it('a long-poll woken by a change, or timed out, leaves no waiter, timer or slot', async () => {
    const base = timers();
    const id = await create();
    const waiting = b.api(`/v1/sessions/${id}?wait=10&version=1`);
    await until(() => b.broker.feed.size === 1);
    expect(await openWaits()).toBe(1);
    await b.api(`/v1/sessions/${id}/cancel`, { method: 'POST' });
    expect((await waiting).body).toMatchObject({ status: 'cancelled', version: 2 });
    await idle();
    const other = await create();
    const t0 = Date.now();
    const timedOut = await b.api(`/v1/sessions/${other}?wait=1&version=1`);
    expect(timedOut.body.version).toBe(1);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(990);
    await idle();
    await until(() => timers() <= base);
  });

  it('a long-poll whose client disconnects gives its slot back at once', async () => {
    const base = timers();
    const id = await create();
    const { req } = hold(`/v1/sessions/${id}?wait=30&version=1`);
    await until(() => b.broker.feed.size === 1);
    // the one slot (IDBRIDGE_MAX_WAITS=1) is taken
    expect((await b.api(`/v1/sessions/${id}?wait=1&version=1`)).status).toBe(429);
    req.destroy();
    await idle();
    await until(() => timers() <= base);
    const r = await b.api(`/v1/sessions/${id}?wait=1&version=0`);
    expect(r.status).toBe(200);
  });

  it('an event stream whose client disconnects gives its slot, feed waiter and keep-alive back', async () => {
    const base = timers();
    const id = await create();
    const { req, first } = hold(`/v1/sessions/${id}/events`);
    expect(await first).toContain('id: 1');
    expect(b.broker.feed.size).toBe(1);
    expect(keptAlive()).toBe(1);
    expect(timers()).toBeGreaterThan(base); // the shared keep-alive and feed wheel run
    expect((await b.api(`/v1/sessions/${id}?wait=1&version=1`)).status).toBe(429);
    req.destroy();
    await idle();
    await until(() => timers() <= base);
  });

  it('an event stream that ends at the final status releases everything; Last-Event-ID skips what was seen', async () => {
    const base = timers();
    const id = await create();
    const { first } = hold(`/v1/sessions/${id}/events`, { 'last-event-id': '1' });
    await until(() => b.broker.feed.size === 1);
    await b.api(`/v1/sessions/${id}/cancel`, { method: 'POST' });
    const text = await first;
    expect(text).toContain('id: 2');
    expect(text).not.toContain('id: 1\n');
    await idle();
    await until(() => timers() <= base);
  });
});

describe('a change between the first read and the wait being armed', () => {
  // The session is read (version 1), then a change commits and is published before the wait is on
  // the feed: no waiter hears it. The wait must read again at once, not at the 5 s fallback.
  function setup() {
    const feed = new ChangeFeed();
    let version = 1;
    let reads = 0;
    const reread = async (_c: string, id: string): Promise<Session> => {
      reads++;
      const read = { id, version, status: 'pending' } as Session;
      if (reads === 1) {
        version = 2; // committed after this read's snapshot…
        feed.publish(id); // …and published before the wait is armed
      }
      return read;
    };
    const log = { error: () => undefined } as never;
    const waits = new Waits(feed, new WaitLimiter(10), reread, (x) => x, log);
    const res = Object.assign(new EventEmitter(), { socket: { destroyed: false }, destroyed: false, writeHead: () => undefined, write: (chunk: string) => (written.push(chunk), true), end: () => undefined });
    const written: string[] = [];
    return { waits, res, written, reads: () => reads };
  }

  it('a long-poll answers the new version at once', async () => {
    const { waits, res, reads } = setup();
    const t0 = performance.now();
    const answer = await new Promise<Session>((resolve) => waits.longPoll({ raw: res, send: resolve } as never, 'cus', 'ses_x', 1, 30));
    expect(answer.version).toBe(2);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(reads()).toBe(2);
  });

  it('an event stream sends the new version at once', async () => {
    const { waits, res, written } = setup();
    waits.stream({ headers: {} } as never, { raw: res, hijack: () => undefined, send: () => undefined } as never, 'cus', 'ses_y');
    await until(() => written.some((w) => w.startsWith('id: 2\n')), 1000);
    expect(written[0]).toMatch(/^id: 1\n/);
    res.emit('close');
  });
});

