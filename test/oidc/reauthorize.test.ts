// The authorization request is made again at the person's click when the one built at start went
// stale (a PAR request_uri lives about a minute, a request object five) or was spent by an earlier
// trip: fresh state, nonce and PKCE verifier, a new callback key; the old request no longer serves.
import { afterEach, expect, it } from 'vitest';
import { ManualClock } from '../../src/core/ids.js';
import type { Outcome } from '../../src/providers/contract.js';
import { personAtIdp } from './browser.js';
import { CALLBACK, harness, progressContext, startContext, type Harness } from './setup.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.idp.close();
  h = undefined;
});

type Pending = Extract<Outcome, { kind: 'pending' }>;

function pending(outcome: Outcome | null): Pending {
  if (outcome?.kind !== 'pending') throw new Error(`expected pending, got ${JSON.stringify(outcome)}`);
  return outcome;
}

const click = (opened = false) => ({ ...progressContext, opened });

async function startWith(opts: Parameters<typeof harness>[1], method: 'no-bankid' | 'fi-ftn' = 'no-bankid') {
  h = await harness(method, opts);
  return pending(await h.provider.start(startContext()));
}

it('a fresh, unopened request is kept; its lifetime is the PAR answer\'s expires_in', async () => {
  const started = await startWith({});
  const state = started.state as Record<string, number>;
  expect(state.expires_at - state.built_at).toBe(60_000); // oidc-provider's default request_uri lifetime
  expect(await h!.provider.reauthorize!(started.state, click())).toBeNull();
});

it('a request_uri past its lifetime: the click gets a new one, which completes; the old one is refused', async () => {
  const started = await startWith({ idp: { par_ttl_s: 2 } });
  await new Promise((r) => setTimeout(r, 2500)); // the person reads the page longer than the request lives
  // The OP sends the browser back with an error and no state: no session could be found by it.
  const stale = await personAtIdp(String(started.state.authorize_url), CALLBACK);
  expect(stale).toMatchObject({ error: 'invalid_request_uri' });
  expect(stale.state).toBeUndefined();
  const fresh = pending(await h!.provider.reauthorize!(started.state, click()));
  for (const name of ['state', 'nonce', 'code_verifier', 'authorize_url']) expect(fresh.state[name]).not.toBe(started.state[name]);
  expect(fresh.callback_key).not.toBe(started.callback_key);
  expect(fresh.state).toMatchObject({ redirect_uri: CALLBACK, min_level: 'substantial', used_par: true });
  const params = await personAtIdp(String(fresh.state.authorize_url), CALLBACK);
  expect(params.state).toBe(fresh.state.state);
  expect(await h!.provider.callback!(fresh.state, params, progressContext)).toMatchObject({ kind: 'complete' });
  expect(h!.idp.records.filter((r) => r.path === '/request')).toHaveLength(2);
});

it('a request that already took the person to the provider is never sent again', async () => {
  // No PAR, no request object: nothing expires, only a trip spends it.
  const started = await startWith({ config: { par: 'never' } });
  expect((started.state as Record<string, unknown>).expires_at).toBeNull();
  expect(await h!.provider.reauthorize!(started.state, click(false))).toBeNull();
  const fresh = pending(await h!.provider.reauthorize!(started.state, click(true)));
  expect(fresh.state.state).not.toBe(started.state.state);
  const params = await personAtIdp(String(fresh.state.authorize_url), CALLBACK);
  expect(await h!.provider.callback!(fresh.state, params, progressContext)).toMatchObject({ kind: 'complete' });
});

it('without PAR a signed request object is renewed within 30 s of its 300 s exp', async () => {
  const clock = new ManualClock(new Date());
  const started = await startWith({ config: { par: 'never' }, clock }, 'fi-ftn');
  const state = started.state as Record<string, number>;
  expect(state.expires_at - state.built_at).toBe(300_000);
  clock.advance(260_000);
  expect(await h!.provider.reauthorize!(started.state, click())).toBeNull();
  clock.advance(20_000);
  const fresh = pending(await h!.provider.reauthorize!(started.state, click()));
  expect((fresh.state as Record<string, number>).built_at).toBe(clock.now().getTime());
});

it('a state stored before lifetimes were kept is treated as spent', async () => {
  const started = await startWith({});
  const { expires_at: _gone, ...older } = started.state;
  expect(pending(await h!.provider.reauthorize!(older, click())).state.state).not.toBe(started.state.state);
});

it('a provider that cannot be reached at the click: retry, no new state', async () => {
  const started = await startWith({ idp: { par_ttl_s: 1 } });
  await h!.idp.close();
  expect(await h!.provider.reauthorize!(started.state, click(true))).toMatchObject({ kind: 'retry' });
  h = undefined;
});
