// API.md §1 "Processes and commands", the limits in the environment:
// `IDBRIDGE_RATE_LIMIT_CREATE` (session creations per second per customer, default 100, `0` = off)
// and `IDBRIDGE_MAX_WAITS` (open long-polls plus event streams per customer, default 1000, then 429);
// both answer 429 `rate_limited` with `Retry-After` (API.md §6).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from './harness/databases.js';
import { Api, type Res } from './harness/http.js';
import { sleep } from './harness/processes.js';
import { at, startStack, type Customer, type Serve, type Stack } from './harness/stack.js';

const DIALECTS = await dialects();
const TARGET = 'http://127.0.0.1:9/return';
const demo = (extra: Record<string, unknown> = {}) => ({ method: 'demo', target: TARGET, ...extra });

/** `n` creates, `batch` at a time, all answered. */
async function creates(api: Api, n: number, batch = n): Promise<Res[]> {
  const all: Res[] = [];
  for (let i = 0; i < n; i += batch) all.push(...(await Promise.all(Array.from({ length: Math.min(batch, n - i) }, () => api.post('/v1/sessions', demo())))));
  return all;
}

describe.each(DIALECTS)('API.md §1 IDBRIDGE_RATE_LIMIT_CREATE and IDBRIDGE_MAX_WAITS (%s)', (dialect) => {
  let stack: Stack;
  let shop: Customer;
  let busy: Customer;
  let refilled: Customer;
  let waiter: Customer;
  /** A second serve on the same database with IDBRIDGE_RATE_LIMIT_CREATE=0. */
  let unlimited: Serve;

  beforeAll(async () => {
    stack = await startStack(dialect, { serveEnv: { IDBRIDGE_RATE_LIMIT_CREATE: '3', IDBRIDGE_MAX_WAITS: '2' } });
    [shop, busy, refilled, waiter] = (await Promise.all([
      stack.customer({ name: 'Limits Shop', targets: [TARGET] }),
      stack.customer({ name: 'Busy', targets: [TARGET] }),
      stack.customer({ name: 'Refilled', targets: [TARGET] }),
      stack.customer({ name: 'Waiter', targets: [TARGET] }),
    ])).map((c) => at(c, stack.url));
    unlimited = await stack.startServe({ IDBRIDGE_ENABLE_DEMO: '1', IDBRIDGE_RATE_LIMIT_CREATE: '0' });
    stack.extra.push(unlimited);
  });
  afterAll(() => stack?.stop());

  it('IDBRIDGE_RATE_LIMIT_CREATE: creations over the per-customer rate answer 429 rate_limited with Retry-After', async () => {
    const c = busy;
    const answers = await Promise.all(Array.from({ length: 10 }, () => c.api.post('/v1/sessions', demo())));
    const limited = answers.filter((a) => a.status === 429);
    expect(answers.filter((a) => a.status === 201).length).toBeGreaterThan(0);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0].headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(limited[0].body.code).toBe('rate_limited');
    expect(Number(limited[0].headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // Per customer: another customer is not limited by this one's burst.
    expect((await shop.api.post('/v1/sessions', demo())).status).toBe(201);
  });

  it('IDBRIDGE_RATE_LIMIT_CREATE is per second: after a 429, creates succeed again 1 s later, and only about that many', async () => {
    const c = refilled;
    const burst = await creates(c.api, 8);
    const limitedAt = Date.now();
    expect(burst.filter((a) => a.status === 201).length).toBeLessThanOrEqual(4);
    expect(burst.some((a) => a.status === 429)).toBe(true);
    await sleep(Math.max(0, limitedAt + 1100 - Date.now()));
    // One second refills the whole budget of 3 …
    const next = await creates(c.api, 8);
    expect(next.filter((a) => a.status === 201).length).toBeGreaterThanOrEqual(3);
    // … and no more than a second's worth (a little more if the answers take a while).
    expect(next.some((a) => a.status === 429)).toBe(true);
  });

  it('IDBRIDGE_RATE_LIMIT_CREATE=0 turns the limit off: 250 creates at once, none 429 (the default, 100, would refuse some)', async () => {
    const api = new Api(unlimited.url, shop.api_key);
    const answers = await creates(api, 250, 50);
    const statuses = new Set(answers.map((a) => a.status));
    expect([...statuses], answers.find((a) => a.status !== 201)?.text).toEqual([201]);
  }, 120_000);

  it('IDBRIDGE_MAX_WAITS: long-polls plus event streams over the limit answer 429 rate_limited with Retry-After', async () => {
    const c = waiter;
    const s = await c.api.create(demo());
    const ctrl = new AbortController();
    const headers = { authorization: `Bearer ${c.api_key}` };
    const poll = fetch(`${stack.url}/v1/sessions/${s.id}?wait=10&version=${s.version}`, { headers, signal: ctrl.signal }).catch(() => null);
    const stream = fetch(`${stack.url}/v1/sessions/${s.id}/events`, { headers, signal: ctrl.signal }).catch(() => null);
    await sleep(700);
    const third = await c.api.get(`/v1/sessions/${s.id}?wait=5&version=${s.version}`);
    expect(third.status).toBe(429);
    expect(third.body.code).toBe('rate_limited');
    expect(Number(third.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const thirdStream = await c.api.get(`/v1/sessions/${s.id}/events`);
    expect(thirdStream.status).toBe(429);
    // A plain read is not a wait.
    expect((await c.api.get(`/v1/sessions/${s.id}`)).status).toBe(200);
    // Another customer has its own allowance.
    const other = await shop.api.create(demo());
    const otherPoll = await shop.api.get(`/v1/sessions/${other.id}?wait=1&version=${other.version}`);
    expect(otherPoll.status).toBe(200);
    ctrl.abort();
    await Promise.all([poll, stream]);
  });
});
