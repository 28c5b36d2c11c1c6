// How long a click (POST /go) and a second return wait for a return that is exchanging its code
// (docs/oidc.md "A fresh request at the click"), driven over HTTP as the page's script and the
// person's browser would: the test IdP holds its token answer while the broker waits on it.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/ids.js';
import { EXCHANGE_LIMIT_MS } from '../../src/http/oidc-return-binding.js';
import { FlowClient } from '../support/flow-client.js';
import { personAtIdp } from '../oidc/browser.js';
import { startOidcWorld, type OidcWorld } from './world.js';

const METHOD = 'no-bankid';

describe('waiting for a return that is exchanging its code', () => {
  let w: OidcWorld;
  const clock = new ManualClock(new Date());

  beforeAll(async () => {
    w = await startOidcWorld('sqlite', {}, { clock });
  }, 60_000);
  afterEach(() => w.idps.idps[METHOD]!.clear());
  afterAll(async () => w?.close());

  const idp = () => w.idps.idps[METHOD]!;
  const pushes = () => idp().records.filter((r) => r.path === '/request').length;
  const tokenCalls = () => idp().records.filter((r) => r.path === '/token').length;

  /** The token endpoint's answer (or failure) waits for `release`; `asked` resolves when the broker called. */
  function holdToken(then: (body: unknown) => unknown = (body) => body) {
    let reached!: () => void;
    let release!: () => void;
    const asked = new Promise<void>((r) => (reached = r));
    const released = new Promise<void>((r) => (release = r));
    let calls = 0;
    idp().tamper.set('/token', async (body) => {
      calls++;
      reached();
      await released;
      return then(body);
    });
    return { asked, release, calls: () => calls };
  }

  /** Bound page, its click, the go URL opened, logged in at the IdP: the return, not yet delivered. */
  async function loggedInAtIdp() {
    const s = await w.create(METHOD);
    const page = new FlowClient(s.redirect_url);
    await page.bind();
    await page.start();
    const go = await page.call('/go', 'POST', { popup: false });
    expect(go.status).toBe(200);
    const out = await fetch(go.body.url, { redirect: 'manual' });
    expect(out.status).toBe(303);
    const cookie = out.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const params = await personAtIdp(out.headers.get('location')!, `${w.b.url}/flow/callback/${METHOD}`);
    const callback = `${w.b.url}/flow/callback/${METHOD}?${new URLSearchParams(params)}`;
    const back = () => fetch(callback, { redirect: 'manual', headers: { cookie } });
    return { s, page, back };
  }

  const timed = async <T>(p: Promise<T>): Promise<[T, number]> => {
    const t0 = performance.now();
    const v = await p;
    return [v, performance.now() - t0];
  };

  it('a click while the exchange outlasts its wait answers 502 and writes nothing; the exchange then completes', async () => {
    const { s, page, back } = await loggedInAtIdp();
    const hold = holdToken();
    const returned = back();
    await hold.asked;
    const before = await w.read(s.id);
    const pushed = pushes();
    const [click, ms] = await timed(page.call('/go', 'POST', { popup: false }));
    expect(ms).toBeGreaterThan(9_000); // it waited (10 s) for the exchange before giving up
    expect(click.status).toBe(502);
    expect(click.body.code).toBe('provider_unavailable');
    expect(click.body.detail).toContain('try again');
    expect(await w.read(s.id)).toEqual(before);
    expect(pushes()).toBe(pushed);
    hold.release();
    const answer = await returned;
    expect(answer.status).toBe(303);
    expect(answer.headers.get('location')).toContain(`/done?id=${s.id}&status=complete`);
    expect(await w.read(s.id)).toMatchObject({ status: 'complete', version: before.version + 1 });
  }, 40_000);

  it('a second return while the first exchanges waits for its outcome and exchanges nothing itself', async () => {
    const { s, back } = await loggedInAtIdp();
    const hold = holdToken();
    const first = back();
    await hold.asked;
    const second = back();
    await new Promise((r) => setTimeout(r, 500)); // the second is waiting now
    hold.release();
    for (const answer of await Promise.all([first, second])) {
      expect(answer.status).toBe(303);
      expect(answer.headers.get('location')).toContain(`/done?id=${s.id}&status=complete`);
    }
    expect(tokenCalls()).toBe(1);
    expect(hold.calls()).toBe(1);
  });

  it('a return after an exchange that ended without an outcome is told to try again at once', async () => {
    const { s, page, back } = await loggedInAtIdp();
    const hold = holdToken(() => {
      throw new Error('the token endpoint fell over');
    });
    const first = back();
    await hold.asked;
    hold.release();
    expect((await first).status).toBe(502);
    const pending = await w.read(s.id);
    expect(pending).toMatchObject({ status: 'pending', error: null });
    // Before, it waited 15 s for a session change that would never come.
    const [again, ms] = await timed(back());
    expect(again.status).toBe(502);
    expect(await again.text()).toContain('try again');
    expect(ms).toBeLessThan(3_000);
    expect(hold.calls()).toBe(1); // a failed answer is not recorded; the hook counts the calls
    // The click is not held up either: it builds a fresh request at once.
    const [click, clickMs] = await timed(page.call('/go', 'POST', { popup: false }));
    expect(click.status).toBe(200);
    expect(clickMs).toBeLessThan(3_000);
    expect((await w.read(s.id)).version).toBe(pending.version + 1);
  });

  // Last: the clock moves on past what the IdP's own times know.
  it('an exchange marked longer ago than any exchange takes (its node stopped) no longer holds clicks', async () => {
    const { s, page, back } = await loggedInAtIdp();
    const hold = holdToken();
    const returned = back();
    await hold.asked;
    const before = await w.read(s.id);
    clock.advance(EXCHANGE_LIMIT_MS + 1_000);
    const [click, ms] = await timed(page.call('/go', 'POST', { popup: false }));
    expect(ms).toBeLessThan(3_000);
    expect(click.status).toBe(200);
    const rebuilt = await w.read(s.id);
    expect(rebuilt).toMatchObject({ status: 'pending', version: before.version + 1 });
    // The abandoned exchange, should it still answer, writes nothing over the fresh request.
    hold.release();
    expect((await returned).status).toBe(502);
    expect(await w.read(s.id)).toEqual(rebuilt);
    // The person goes out again with the fresh request and completes.
    const out = await fetch(click.body.url, { redirect: 'manual' });
    const cookie = out.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const params = await personAtIdp(out.headers.get('location')!, `${w.b.url}/flow/callback/${METHOD}`);
    const done = await fetch(`${w.b.url}/flow/callback/${METHOD}?${new URLSearchParams(params)}`, { redirect: 'manual', headers: { cookie } });
    expect(done.status).toBe(303);
    expect((await w.read(s.id)).status).toBe('complete');
  });
});
