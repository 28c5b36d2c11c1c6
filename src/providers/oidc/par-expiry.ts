// A pushed authorization request's answer says how long its request_uri lives (RFC 9126 §2.2
// `expires_in`), but openid-client's buildAuthorizationUrlWithPAR keeps only the URI. The adapter's
// fetch reads the number on the way past, into a slot of the async context of the one push that
// asked for it, so that concurrent pushes of other sessions never mix their answers.
import { AsyncLocalStorage } from 'node:async_hooks';
import type * as client from 'openid-client';

type Slot = { expires_in?: number };
const slots = new AsyncLocalStorage<Slot>();

/** Runs one push; answers its result and the request_uri's lifetime in seconds (null: not said). */
export async function withParExpiry<T>(push: () => Promise<T>): Promise<{ result: T; expires_in: number | null }> {
  const slot: Slot = {};
  const result = await slots.run(slot, push);
  return { result, expires_in: slot.expires_in ?? null };
}

function sameUrl(a: string, b: string | undefined): boolean {
  return b !== undefined && URL.canParse(a) && URL.canParse(b) && new URL(a).href === new URL(b).href;
}

/** Wraps the adapter's fetch: a successful POST to the PAR endpoint inside withParExpiry is read. */
export function parExpiryFetch(base: client.CustomFetch, parEndpoint: () => string | undefined): client.CustomFetch {
  return async (url, init) => {
    const response = await base(url, init);
    const slot = slots.getStore();
    if (!slot || !response.ok || init.method !== 'POST' || !sameUrl(url, parEndpoint())) return response;
    try {
      const body = (await response.clone().json()) as { expires_in?: unknown };
      if (typeof body.expires_in === 'number' && body.expires_in > 0) slot.expires_in = body.expires_in;
    } catch {
      // Not JSON: openid-client reports that itself; the lifetime stays unknown.
    }
    return response;
  };
}
